import type { IncomingMessage } from "node:http";

/**
 * Decides whether a browser Origin may open WebSockets and use the session cookie: the server's
 * own origin always may, and so may those listed in ALLOWED_ORIGINS. Requests without an
 * Origin header come from non-browser clients and are allowed.
 */
export function createOriginPolicy(allowedOrigins: string[]) {
  const allowed = new Set(allowedOrigins.map((o) => o.toLowerCase()));
  return {
    isAllowed(req: IncomingMessage): boolean {
      const origin = req.headers.origin;
      if (origin === undefined) return true;
      if (allowed.has(origin.toLowerCase())) return true;
      try {
        return new URL(origin).host.toLowerCase() === (req.headers.host ?? "").toLowerCase();
      } catch {
        return false;
      }
    },
    /** A listed cross-origin Origin, for CORS response headers; null for anything else. */
    corsOrigin(req: IncomingMessage): string | null {
      const origin = req.headers.origin;
      return origin && allowed.has(origin.toLowerCase()) ? origin : null;
    },
  };
}
