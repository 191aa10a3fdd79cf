import type { IncomingMessage, ServerResponse } from "node:http";
import { isDatabaseUnavailable, sessions, type SessionRecord } from "@parley/db";
import type { ApiDeps } from "./deps";
import { databaseUnavailableError } from "./lib/retry-later";
import type { Logger } from "./log";
import { hashSessionToken } from "./lib/tokens";
import type { ClosableSocket } from "./lib/socket-registry";

export const SESSION_COOKIE = "parley_session";

/** The WebSocket a call arrived on: what the procedures may do with it. */
export interface CallSocket extends ClosableSocket {
  readonly bufferedAmount: number;
  terminate(): void;
}

export type Context = {
  deps: ApiDeps;
  /** The caller's session; null when anonymous (no, unknown, expired or revoked token). */
  session: SessionRecord | null;
  /**
   * Set on HTTP calls: lets auth procedures set or clear the session cookie; `secure`: whether
   * it gets the Secure flag (the request came over HTTPS, or the server is configured so).
   */
  http: { setCookie(cookie: string): void; secure: boolean } | null;
  /** Set on WebSocket calls: the connection, shared by every call on it. */
  socket: CallSocket | null;
  /** Who to rate-limit anonymous calls by. */
  clientAddress: string;
  /** The server's logger with this request's (or connection's) id on every line. */
  log: Logger;
  /** The request's User-Agent (HTTP call, or the WebSocket's upgrade request): a new session's device. */
  userAgent?: string | null;
};

/** The User-Agent header, bounded (it is stored with the session and shown back to its owner). */
export function userAgentOf(req: IncomingMessage): string | null {
  const header = req.headers["user-agent"];
  if (!header) return null;
  return header.slice(0, 512);
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * Picks the session token by the contract's order: connectionParams, then Bearer header, then
 * cookie. The first source present wins even when its token is bad: no falling through.
 */
export function pickToken(options: {
  connectionParams: Record<string, unknown> | null;
  req: IncomingMessage;
  cookieAllowed: boolean;
}): string | null {
  const params = options.connectionParams;
  if (params && "token" in params && params.token !== undefined && params.token !== null) {
    return typeof params.token === "string" ? params.token : "";
  }
  const authorization = options.req.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match?.[1] ?? "";
  }
  if (!options.cookieAllowed) return null;
  return readCookie(options.req.headers.cookie, SESSION_COOKIE);
}

/** Resolves a token to its live session; slides the expiry when a day or more has passed. */
export async function resolveSession(deps: ApiDeps, token: string | null): Promise<SessionRecord | null> {
  if (!token || token.length > 200) return null;
  // Before any procedure runs, so outside the error mapping: an outage reads the same here.
  const session = await sessions.findSession(deps.db, hashSessionToken(token)).catch((error: unknown) => {
    throw isDatabaseUnavailable(error) ? databaseUnavailableError() : error;
  });
  if (!session) return null;
  const renewed = new Date(Date.now() + deps.config.sessionTtlMs);
  if (renewed.getTime() - session.expiresAt.getTime() > 24 * 60 * 60 * 1000) {
    await sessions.extendSession(deps.db, session.id, renewed);
    session.expiresAt = renewed;
  }
  return session;
}

/**
 * Who is calling: the peer's address, or, behind a trusted reverse proxy (TRUST_PROXY), the
 * address that proxy appended to X-Forwarded-For (the last entry: earlier ones are whatever the
 * client claimed).
 */
export function clientAddressOf(req: IncomingMessage, trustProxy = false): string {
  if (trustProxy) {
    const header = req.headers["x-forwarded-for"];
    const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
      .split(",")
      .map((a) => a.trim())
      .filter(Boolean)
      .at(-1);
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? "unknown";
}

/** Context for a call over HTTP. */
export async function createHttpContext(
  deps: ApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
  cookieAllowed: boolean,
  secureCookie: boolean = deps.config.secureCookies,
  log: Logger = deps.log,
): Promise<Context> {
  const token = pickToken({ connectionParams: null, req, cookieAllowed });
  return {
    deps,
    session: await resolveSession(deps, token),
    http: {
      setCookie(cookie) {
        const previous = res.getHeader("set-cookie");
        const list = Array.isArray(previous) ? previous : previous ? [String(previous)] : [];
        res.setHeader("set-cookie", [...list, cookie]);
      },
      secure: secureCookie,
    },
    socket: null,
    clientAddress: clientAddressOf(req, deps.config.trustProxy),
    log,
    userAgent: userAgentOf(req),
  };
}

/** Context for a WebSocket connection: built once, when the connection opens. */
export async function createWsContext(
  deps: ApiDeps,
  req: IncomingMessage,
  socket: CallSocket,
  connectionParams: Record<string, unknown> | null,
  cookieAllowed: boolean,
  log: Logger = deps.log,
): Promise<Context> {
  const token = pickToken({ connectionParams, req, cookieAllowed });
  const session = await resolveSession(deps, token);
  if (session) deps.sockets.add(session.id, socket);
  return {
    deps,
    session,
    http: null,
    socket,
    clientAddress: clientAddressOf(req, deps.config.trustProxy),
    log,
    userAgent: userAgentOf(req),
  };
}
