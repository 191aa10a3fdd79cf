import { useMemo } from "react";
import { decorate } from "../lib/decorate";

type Props = {
  text: string;
  /** Usernames the message mentions: their `@name` stands out, the reader's most. */
  mentions?: readonly string[];
  /** The reader's username. */
  me?: string;
  /** Words to highlight with <mark> (a search's). */
  words?: readonly string[];
  /** False inside something clickable already (a search result): addresses stay text. */
  links?: boolean;
};

/**
 * A message's text exactly as typed: markup stays text (React escapes it), line breaks stay
 * (CSS pre-wrap), and web addresses become links that open in a new tab without handing the
 * opener over to the other site. Mentions of members and searched-for words are highlighted.
 */
export function MessageText({ text, mentions, me, words, links = true }: Props) {
  const parts = useMemo(() => decorate(text, { mentions, me, words }), [text, mentions, me, words]);
  return (
    <>
      {parts.map((part, i) => {
        switch (part.kind) {
          case "link":
            if (!links) return <span key={i}>{part.text}</span>;
            return (
              <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
                {part.text}
              </a>
            );
          case "mention":
            return (
              <span key={i} className={`mention${part.me ? " is-me" : ""}`}>
                {part.text}
              </span>
            );
          case "mark":
            return <mark key={i}>{part.text}</mark>;
          case "text":
            return <span key={i}>{part.text}</span>;
        }
      })}
    </>
  );
}
