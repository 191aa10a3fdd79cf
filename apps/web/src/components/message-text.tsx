import { useMemo } from "react";
import { linkify } from "../lib/linkify";

/**
 * A message's text exactly as typed: markup stays text (React escapes it), line breaks stay
 * (CSS pre-wrap), and web addresses become links that open in a new tab without handing the
 * opener over to the other site.
 */
export function MessageText({ text }: { text: string }) {
  const parts = useMemo(() => linkify(text), [text]);
  return (
    <>
      {parts.map((part, i) =>
        part.kind === "link" ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
