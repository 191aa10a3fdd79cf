// Plain text rules (no zod): the schemas build on them and the web app's forms use them as they
// are, so the browser checks a field exactly as the server does without shipping zod.

/** Length in Unicode code points, as the contract counts it (an emoji is one character). */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Code points that show nothing or reorder what is shown: controls (Cc), format characters
 * (Cf: zero-width spaces and joiners, bidi controls, BOM, word joiner…), line and paragraph
 * separators, and the other default-ignorable ones (Hangul fillers, variation selectors…).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Emoji_Presentation}/u;

/**
 * Whether a (NFKC-normalized) room name shows everything it contains. The one exception is
 * emoji: a variation selector right after an emoji (❤️), and a zero-width joiner between two
 * emoji (👩‍💻), are part of how the emoji is drawn.
 */
export function isVisibleName(name: string): boolean {
  const chars = [...name];
  return chars.every((c, i) => {
    if (!INVISIBLE.test(c)) return true;
    const before = chars[i - 1] ?? "";
    if (c === "\ufe0f" || c === "\ufe0e") return /\p{Emoji}/u.test(before);
    if (c === "\u200d") return (EMOJI.test(before) || before === "\ufe0f") && /\p{Extended_Pictographic}/u.test(chars[i + 1] ?? "");
    return false;
  });
}

/** Usernames: the pattern and its message, shared by the schema and the form. */
export const USERNAME = /^[A-Za-z0-9_]{3,32}$/;
export const USERNAME_MESSAGE = "Username must be 3–32 letters, digits or underscores";

/**
 * zod 4's `z.email()` pattern (zod/v4/core/regexes `email`), copied so the form needs no zod;
 * field-rules.test.ts fails if zod's ever differs from it.
 */
// eslint-disable-next-line no-useless-escape -- zod's own source, character for character
export const EMAIL = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;
