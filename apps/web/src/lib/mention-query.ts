// The `@name` being typed in the composer, and what picking a suggestion makes of the text.

export type MentionQuery = { start: number; end: number; prefix: string };

/**
 * The mention under the caret: an `@` at the start or after white space, followed by what may
 * begin a username, up to the caret. Null when the caret is not in one.
 */
export function mentionAt(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([A-Za-z0-9_]{0,32})$/.exec(before);
  if (!match) return null;
  const prefix = match[2] ?? "";
  return { start: caret - prefix.length - 1, end: caret, prefix };
}

/** The text with the mention replaced by `@username ` and where the caret goes after it. */
export function completeMention(text: string, query: MentionQuery, username: string): { text: string; caret: number } {
  const insert = `@${username} `;
  const rest = text.slice(query.end).replace(/^[A-Za-z0-9_]*\s?/, "");
  return { text: text.slice(0, query.start) + insert + rest, caret: query.start + insert.length };
}
