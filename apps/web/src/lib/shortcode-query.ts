// The `:shortcode` being typed in the composer, and what picking an emoji makes of the text.

export type ShortcodeQuery = { start: number; end: number; prefix: string };

/**
 * The shortcode under the caret: a `:` at the start or after white space or an opening bracket,
 * then at least two shortcode characters (letters, digits, `_`, `+`, `-`) up to the caret.
 * Two, so "Note: 10:30" and a lone ":)" offer nothing. The prefix is lower case, no colon.
 */
export function shortcodeAt(text: string, caret: number): ShortcodeQuery | null {
  const before = text.slice(0, caret);
  const match = /(^|[\s(]):([A-Za-z0-9_+-]{2,32})$/.exec(before);
  if (!match) return null;
  const typed = match[2] ?? "";
  return { start: caret - typed.length - 1, end: caret, prefix: typed.toLowerCase() };
}

/**
 * The text with the shortcode (and a closing colon right after the caret, if any) replaced by
 * the emoji, and where the caret goes after it.
 */
export function completeShortcode(text: string, query: ShortcodeQuery, emoji: string): { text: string; caret: number } {
  const rest = text.slice(query.end).replace(/^[A-Za-z0-9_+-]*:?/, "");
  return { text: text.slice(0, query.start) + emoji + rest, caret: query.start + emoji.length };
}
