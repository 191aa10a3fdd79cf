// The emoji library (emoji-picker-element) and its data, loaded only when someone first opens a
// picker or types a `:shortcode`: nothing here is in the first screens' bundle. The data is
// served by this server (Vite copies the JSON into the build, precompressed), never a CDN, and
// the library keeps it in IndexedDB after the first load.
import Database from "emoji-picker-element/database";
import type { NativeEmoji, SkinTone } from "emoji-picker-element/shared";
import dataSource from "emoji-picker-element-data/en/emojibase/data.json?url";

export { dataSource };

let database: Database | null = null;

/** The one emoji database of the page (the pickers share it, and with it recently used emoji). */
export function emojiDatabase(): Database {
  database ??= new Database({ dataSource });
  return database;
}

/** One `:shortcode` suggestion. */
export type ShortcodeMatch = { shortcode: string; unicode: string; annotation: string };

/** A native emoji in the reader's preferred skin tone, when it has skins. */
function withSkin(emoji: NativeEmoji, tone: SkinTone): string {
  // SkinTone is a numeric enum the library declares but does not export as a value.
  if (Number(tone) === 0) return emoji.unicode;
  return emoji.skins?.find((skin) => Number(skin.tone) === Number(tone))?.unicode ?? emoji.unicode;
}

/**
 * Emoji whose shortcode starts with `prefix` (lower case, no colons), best first: exact match,
 * then the library's own ranking. At most `limit`.
 */
export async function matchShortcodes(prefix: string, limit = 6): Promise<ShortcodeMatch[]> {
  const db = emojiDatabase();
  const [found, tone] = await Promise.all([db.getEmojiBySearchQuery(prefix), db.getPreferredSkinTone()]);
  const matches: ShortcodeMatch[] = [];
  for (const emoji of found) {
    if (!("unicode" in emoji)) continue;
    const shortcode = emoji.shortcodes?.find((code) => code.startsWith(prefix));
    if (!shortcode) continue;
    matches.push({ shortcode, unicode: withSkin(emoji, tone), annotation: emoji.annotation });
  }
  matches.sort((a, b) => Number(b.shortcode === prefix) - Number(a.shortcode === prefix));
  return matches.slice(0, limit);
}
