import type { IncomingMessage, ServerResponse } from "node:http";
import type { AnyRouter } from "@trpc/server";

/** The methods tRPC over HTTP answers (HEAD, which tRPC answers with 204, passes unlisted). */
const ALLOWED = "GET, POST, OPTIONS";
const PASSED = new Set(["GET", "POST", "OPTIONS", "HEAD"]);

function sendError(res: ServerResponse, allow: string, message: string, path?: string): void {
  // The shape of a tRPC error (METHOD_NOT_SUPPORTED is JSON-RPC code -32005), so clients decode it.
  const body = {
    error: { message, code: -32005, data: { code: "METHOD_NOT_SUPPORTED", httpStatus: 405, ...(path ? { path } : {}), zodError: null } },
  };
  res.writeHead(405, { allow, "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/**
 * Refuses, before tRPC sees them, the HTTP requests to /trpc it would answer badly:
 * - methods other than GET, POST, OPTIONS (and HEAD): 405 with an Allow header (TRACE gave 500);
 * - subscriptions: they are served over the WebSocket only. Over HTTP tRPC would run them as
 *   server-sent events, streams that logout, removal from a room and shutdown cannot reach;
 *   refusing here also keeps the resolver from running at all. (`sse.enabled` is off in the
 *   router too, as a second line.)
 * Returns true when it has answered the request.
 */
export function createTrpcHttpGuard(router: AnyRouter, basePath = "/trpc/") {
  const subscriptions = new Set(
    Object.entries(router._def.procedures as Record<string, { _def: { type: string } }>)
      .filter(([, procedure]) => procedure._def.type === "subscription")
      .map(([path]) => path),
  );
  return (req: IncomingMessage, res: ServerResponse, pathname: string): boolean => {
    const method = req.method ?? "";
    if (!PASSED.has(method)) {
      sendError(res, ALLOWED, `Unsupported ${method.slice(0, 20)} request; tRPC over HTTP takes ${ALLOWED}`);
      return true;
    }
    if (method !== "GET" || !pathname.startsWith(basePath)) return false;
    let paths: string[];
    try {
      paths = decodeURIComponent(pathname.slice(basePath.length)).split(",");
    } catch {
      return false; // tRPC answers the malformed path itself
    }
    const subscription = paths.find((path) => subscriptions.has(path));
    if (subscription === undefined) return false;
    sendError(res, "", `Subscriptions are served over the WebSocket only (${subscription})`, subscription);
    return true;
  };
}
