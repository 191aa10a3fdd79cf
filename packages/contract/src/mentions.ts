/**
 * The usernames a message text names with `@username`, lower-cased, once each, in order of
 * appearance. A name counts only whole: not inside a word or an email address (bob@alice.com)
 * and not as the start of a longer name (@alicex is not @alice). The server keeps those that are
 * members of the room; the web app highlights the same spans.
 */
export function mentionedNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(MENTION)) {
    const name = (match[1] as string).toLowerCase();
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** `@` and a username (3–32 of [A-Za-z0-9_]), with no name character on either side. */
export const MENTION = /(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/g;
