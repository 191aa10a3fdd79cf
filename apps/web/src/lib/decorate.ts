import { MENTION } from "@parley/contract/mentions";
import { linkify } from "./linkify";

// Message text as runs to render: plain text, links (see linkify), `@name` mentions of members
// and, in search results, the words searched for. Everything stays text; nothing is markup.

export type Run =
  | { kind: "text"; text: string }
  | { kind: "link"; text: string; href: string }
  | { kind: "mention"; text: string; me: boolean }
  | { kind: "mark"; text: string };

type Options = {
  /** Usernames the message mentions (message.mentions): their `@name` stands out. */
  mentions?: readonly string[];
  /** The reader's username: a mention of them stands out more. */
  me?: string;
  /** Words to highlight (a search's words), as searchWords() returns them. */
  words?: readonly string[];
};

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a search as the server matches them: letters and digits, lower-cased. */
export function searchWords(query: string): string[] {
  return Array.from(new Set(query.toLowerCase().match(WORD) ?? []));
}

/** Splits `text` into runs. */
export function decorate(text: string, options: Options = {}): Run[] {
  const mentions = new Set((options.mentions ?? []).map((name) => name.toLowerCase()));
  const me = options.me?.toLowerCase();
  const words = new Set(options.words ?? []);
  const out: Run[] = [];
  for (const part of linkify(text)) {
    if (part.kind === "link") out.push(part);
    else splitMentions(part.text, mentions, me, words, out);
  }
  return out;
}

function splitMentions(text: string, mentions: Set<string>, me: string | undefined, words: Set<string>, out: Run[]) {
  let at = 0;
  if (mentions.size > 0) {
    // The server's own rule for what names someone (whole names, not inside an address).
    for (const match of text.matchAll(MENTION)) {
      const name = (match[1] ?? "").toLowerCase();
      if (!mentions.has(name)) continue;
      const start = match.index;
      splitWords(text.slice(at, start), words, out);
      const end = start + 1 + name.length;
      out.push({ kind: "mention", text: text.slice(start, end), me: name === me });
      at = end;
    }
  }
  splitWords(text.slice(at), words, out);
}

function splitWords(text: string, words: Set<string>, out: Run[]) {
  if (text === "") return;
  if (words.size === 0) return void out.push({ kind: "text", text });
  let at = 0;
  for (const match of text.matchAll(WORD)) {
    if (!words.has(match[0].toLowerCase())) continue;
    const start = match.index ?? 0;
    if (start > at) out.push({ kind: "text", text: text.slice(at, start) });
    out.push({ kind: "mark", text: match[0] });
    at = start + match[0].length;
  }
  if (at < text.length) out.push({ kind: "text", text: text.slice(at) });
}
