import type { IncomingMessage } from "node:http";

export type CookieSecureSetting = boolean | "auto";

/**
 * Whether the session cookie gets the `Secure` flag: COOKIE_SECURE=true or false decides
 * outright; `auto` (the default) sets it when PUBLIC_URL is https, or, with TRUST_PROXY, when
 * the proxy reports `X-Forwarded-Proto: https` for the request. Parley itself speaks plain HTTP:
 * TLS, when there is any, ends at a proxy in front of it.
 */
export function createCookieSecurity(options: { cookieSecure: CookieSecureSetting; publicUrl: URL | null; trustProxy: boolean }) {
  const always = options.cookieSecure === true || (options.cookieSecure === "auto" && options.publicUrl?.protocol === "https:");
  return {
    /** The setting that holds for every request (what ApiConfig.secureCookies gets). */
    always,
    /** The setting for one HTTP request. */
    isSecure(req: IncomingMessage): boolean {
      if (always || options.cookieSecure === false) return always;
      if (!options.trustProxy) return false;
      const proto = req.headers["x-forwarded-proto"];
      const first = (Array.isArray(proto) ? proto[0] : proto)?.split(",")[0]?.trim().toLowerCase();
      return first === "https";
    },
  };
}
