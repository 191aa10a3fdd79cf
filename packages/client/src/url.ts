/** ws(s)://host/trpc for any http(s) or ws(s) base address; `/trpc` is added unless present. */
export function toWebSocketUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === "http:") parsed.protocol = "ws:";
  if (parsed.protocol === "https:") parsed.protocol = "wss:";
  const base = parsed.pathname.replace(/\/+$/, "");
  parsed.pathname = base.endsWith("/trpc") ? base : `${base}/trpc`;
  return parsed.toString();
}
