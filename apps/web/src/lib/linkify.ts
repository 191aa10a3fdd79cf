// Splits message text into plain runs and web links. Nothing is ever parsed as markup: React
// renders every part as text, and only http(s) addresses become anchors.

export type TextPart = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
/** Punctuation that usually ends a sentence rather than the address. */
const TRAILING = new Set([".", ",", ";", ":", "!", "?", ")", "]", "}", "'", '"']);

/**
 * Drops trailing punctuation, but keeps a ")" that closes one in the address (wiki links).
 * One pass to count the parentheses, one back over the tail: linear, whatever the input
 * (recounting for each trailing ")" made `http://a))))…` quadratic).
 */
function trimTrailing(url: string): string {
  let opens = 0;
  let closes = 0;
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x28) opens++;
    else if (c === 0x29) closes++;
  }
  let end = url.length;
  while (end > 0 && TRAILING.has(url[end - 1] ?? "")) {
    if (url[end - 1] === ")") {
      if (opens >= closes) break;
      closes--;
    }
    end--;
  }
  return url.slice(0, end);
}

/** Text and links in order; concatenating every part's `text` gives back the input. */
export function linkify(input: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of input.matchAll(URL_PATTERN)) {
    const start = match.index;
    const url = trimTrailing(match[0]);
    if (!isWebUrl(url)) continue;
    if (start > last) parts.push({ kind: "text", text: input.slice(last, start) });
    parts.push({ kind: "link", text: url, href: url });
    last = start + url.length;
  }
  if (last < input.length) parts.push({ kind: "text", text: input.slice(last) });
  return parts;
}

function isWebUrl(candidate: string): boolean {
  try {
    const url = new URL(candidate);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.length > 0;
  } catch {
    return false;
  }
}
