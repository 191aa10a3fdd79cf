import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";

/**
 * The host (`name[:port]`, lower-case) a request was addressed to. Behind a trusted proxy the
 * first entry of X-Forwarded-Host wins over Host, since the proxy may rewrite Host.
 */
export function requestHost(req: IncomingMessage, trustProxy: boolean): string | null {
  const forwarded = trustProxy ? req.headers["x-forwarded-host"] : undefined;
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  const host = (first || req.headers.host || "").trim().toLowerCase();
  return host || null;
}

/** The name part of a host: without port, IPv6 brackets or trailing dot; null when malformed. */
export function hostnameOf(host: string): string | null {
  let name: string;
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    if (end === -1) return null;
    name = host.slice(1, end);
  } else {
    const colon = host.indexOf(":");
    name = colon === -1 ? host : host.slice(0, colon);
  }
  return name.replace(/\.$/, "") || null;
}

const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * Guards against DNS rebinding: a page on `attacker.example`, whose name the attacker points at
 * 127.0.0.1, reaches this server with `Host: attacker.example`, and the browser treats it as
 * same-origin. The attack needs a DNS name, so the server answers:
 * - `localhost` and any IP address literal (no rebinding through those), whatever the port;
 * - the names in PUBLIC_URL and ALLOWED_ORIGINS (`allowedOrigins` includes PUBLIC_URL's);
 * - HOST itself when it is a name rather than an address.
 * Anything else is refused (421). Ports are not compared: a name the attacker does not control
 * is safe on any port, and port mappings (Docker, proxies) keep working.
 */
export function createHostCheck(options: { host: string; allowedOrigins: string[]; trustProxy: boolean }) {
  const names = new Set<string>(["localhost"]);
  for (const origin of options.allowedOrigins) {
    try {
      names.add(new URL(origin).hostname.toLowerCase().replace(/^\[|\]$/g, ""));
    } catch {
      // Not a URL: it cannot match any browser's Origin either.
    }
  }
  const listen = options.host.toLowerCase();
  if (!WILDCARD_ADDRESSES.has(listen) && isIP(listen) === 0) names.add(listen);

  return {
    isAllowed(req: IncomingMessage): boolean {
      const host = requestHost(req, options.trustProxy);
      const name = host === null ? null : hostnameOf(host);
      if (name === null) return false;
      return names.has(name) || isIP(name) !== 0;
    },
  };
}

/** The answer to a request for a host this server does not serve. */
export function refuseHost(res: ServerResponse): void {
  res.writeHead(421, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end("Misdirected request: this server does not answer to that Host (see PUBLIC_URL and ALLOWED_ORIGINS).\n");
}
