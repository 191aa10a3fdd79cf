import type { Database } from "@parley/db";
import type { Hub } from "./hub/hub";
import type { RateLimiter } from "./services/rate-limit";
import type { SocketRegistry } from "./services/socket-registry";

export type ApiConfig = {
  /** Development shapes errors with stack traces and details; production never does. */
  isDev: boolean;
  /** Session lifetime; each use slides the expiry forward. */
  sessionTtlMs: number;
  /** Adds `Secure` to the session cookie (when served over HTTPS). */
  secureCookies: boolean;
};

/** Everything the procedures need from the outside world, created once per server. */
export type ApiDeps = {
  db: Database;
  hub: Hub;
  config: ApiConfig;
  rateLimiter: RateLimiter;
  sockets: SocketRegistry;
};
