import type { Database } from "@parley/db";
import type { Hub } from "./hub/hub";
import type { Logger } from "./log";
import type { ApiMetrics } from "./metrics";
import type { PasswordHasher } from "./services/passwords";
import type { RateLimiter } from "./services/rate-limit";
import type { RoomTallies } from "./services/room-tally";
import type { SendBatcher } from "./services/send-batcher";
import type { SocketRegistry } from "./lib/socket-registry";
import type { SubscriptionSlots } from "./services/subscription-slots";
import type { RoomChannels } from "./stream/room-channels";

/** The settings the procedures read while they run (a subset of the server's configuration). */
export type ApiConfig = {
  /** Development shapes errors with stack traces and details; production never does. */
  isDev: boolean;
  /** Session lifetime; each use slides the expiry forward. */
  sessionTtlMs: number;
  /** Adds `Secure` to the session cookie (when served over HTTPS). */
  secureCookies: boolean;
  /**
   * A subscriber whose socket has more than this many bytes unsent is too slow to keep up: its
   * socket is dropped (the client reconnects and resumes), so it cannot hold memory or anyone up.
   */
  maxSocketBacklogBytes: number;
  /** room.list returns every room the caller is in, and at most this many others. */
  roomListLimit: number;
  /** Take the client's address from X-Forwarded-For (a reverse proxy in front says who it is). */
  trustProxy: boolean;
  /** Subscriptions one user may hold open on one server. */
  maxSubscriptionsPerUser: number;
};

/** Everything the procedures need from the outside world, created once per server. */
export type ApiDeps = {
  db: Database;
  hub: Hub;
  config: ApiConfig;
  rateLimiter: RateLimiter;
  /** argon2 work, bounded: a flood of logins is refused rather than queued without end. */
  passwords: PasswordHasher;
  sockets: SocketRegistry;
  subscriptionSlots: SubscriptionSlots;
  /** This server's ordered stream of each room that has room.events subscribers here. */
  roomChannels: RoomChannels;
  /** Each room's unread tally, shared by the me.events streams of its members on this server. */
  roomTallies: RoomTallies;
  /** message.send's group commit: one per server, shared by every connection. */
  sends: SendBatcher;
  /** Counters and timings for /metrics (noopMetrics when METRICS is off). */
  metrics: ApiMetrics;
  /** The server's logger; a call logs through its Context's child (which carries the request's id). */
  log: Logger;
};
