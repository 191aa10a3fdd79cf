import type { IncomingMessage, ServerResponse } from "node:http";
import { requestHost } from "./host-check";

/**
 * The Content-Security-Policy of everything the server sends (the web app above all):
 * - scripts and styles only from this origin: the Vite build has no inline script and no
 *   inline style element; React's `style` props are set through the DOM (CSSOM), which
 *   `style-src 'self'` does not block, so no 'unsafe-inline' is needed;
 * - `connect-src`: this origin, and its WebSocket (older browsers do not count ws: as 'self');
 * - never framed (clickjacking), no plugins, no <base> tricks, forms post only here.
 */
export function contentSecurityPolicy(host: string | null): string {
  const socket = host ? ` ws://${host} wss://${host}` : "";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${socket}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** What a host may look like inside a header value (the Host check has already run). */
const SAFE_HOST = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

/** Sets the security headers on a response whose Host has passed the Host check. */
export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse, trustProxy: boolean): void {
  const requested = requestHost(req, trustProxy);
  const host = requested !== null && SAFE_HOST.test(requested) ? requested : null;
  res.setHeader("content-security-policy", contentSecurityPolicy(host));
  res.setHeader("referrer-policy", "same-origin");
  res.setHeader("x-frame-options", "DENY"); // frame-ancestors for browsers without CSP 2
  res.setHeader("x-content-type-options", "nosniff");
}
