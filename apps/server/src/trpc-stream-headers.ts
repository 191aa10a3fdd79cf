import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Whether tRPC will answer this request as a streamed batch (JSON lines): it asks with
 * `trpc-accept: application/jsonl` (httpBatchStreamLink), or lists that type in `Accept`, the
 * same two places @trpc/server's getAcceptHeader reads.
 */
export function asksForStreamedBatch(req: IncomingMessage): boolean {
  const trpcAccept = req.headers["trpc-accept"];
  if (trpcAccept !== undefined) return trpcAccept === "application/jsonl";
  return (req.headers.accept ?? "").split(",").some((type) => type.trim() === "application/jsonl");
}

/**
 * A streamed batch sends its status line and headers with the first line of its body, before
 * any procedure has finished; a mutation that then sets a header (the session cookie of
 * auth.signup, auth.login, auth.logout, auth.revokeSession) failed with "Cannot set headers
 * after they are sent" after it had written the account or session (issue 19.2).
 *
 * For a streamed batch of mutations (a POST: tRPC answers a query only to GET) this holds the
 * whole answer back and sends it, headers first, when tRPC ends it: still valid JSON lines, so
 * httpBatchStreamLink reads it as usual, and every header a mutation set is in it. Mutations are
 * short and never stream values, so nothing is lost by not streaming them. Queries (GET) still
 * stream. Call before handing the request to tRPC; returns whether it holds this one.
 */
export function holdStreamedMutationHeaders(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "POST" || !asksForStreamedBatch(req)) return false;
  const chunks: Buffer[] = [];
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  const hold = (chunk: unknown, encoding?: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    if (typeof chunk === "string") chunks.push(Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8"));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  };
  res.write = function heldWrite(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    hold(chunk, encoding);
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") queueMicrotask(() => (done as (error?: Error | null) => void)(null));
    return true;
  } as typeof res.write;
  res.end = function heldEnd(chunk?: unknown, encoding?: unknown, callback?: unknown): ServerResponse {
    hold(chunk, encoding);
    res.write = write;
    res.end = end;
    const body = Buffer.concat(chunks);
    // The length is known now: no chunked framing needed (tRPC asked for it while streaming).
    if (!res.headersSent) {
      res.removeHeader("transfer-encoding");
      res.setHeader("content-length", body.length);
    }
    const done = typeof chunk === "function" ? chunk : typeof encoding === "function" ? encoding : callback;
    return end(body, done as (() => void) | undefined);
  } as typeof res.end;
  return true;
}
