import { sessions, type Database } from "@parley/db";
import type { Hub } from "./hub/hub";
import { MemoryHub } from "./hub/memory-hub";
import { RedisHub } from "./hub/redis-hub";
import { topics } from "./hub/topics";
import type { Logger } from "./log";
import { noopMetrics, type ApiMetrics } from "./metrics";
import { InboxStream } from "./services/inbox-stream";
import { PasswordHasher } from "./services/passwords";
import { RateLimiter, rulesFromEnv } from "./services/rate-limit";
import { RoomTallies } from "./services/room-tally";
import { createSendBatcher, type SendBatcher } from "./services/send-batcher";
import { startSessionSweep } from "./services/session-sweep";
import { SocketRegistry } from "./services/socket-registry";
import { SubscriptionSlots } from "./services/subscription-slots";
import { RoomChannels } from "./stream/room-channels";

// Every per-server service is built here, from settings passed in: nothing in packages/api keeps
// state of its own in a module or a static, so two servers in one process never share any.

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

/** What createApiDeps builds the services from: the procedures' settings and those of the services. */
export type ApiSettings = ApiConfig & {
  /** Redis for the hub and the rate limits, shared by every server; null: in this process. */
  redis: { url: string; prefix: string } | null;
  rateLimits: boolean;
  /** RATE_LIMIT_<ACTION>=<burst>/<per second> overrides, as the environment gave them. */
  rateLimitEnv: Record<string, string | undefined>;
  /** argon2 computations at once, and how many may wait before logins are refused. */
  passwordHashing: { concurrency: number; maxQueued: number };
  /**
   * How often a room's new counts go to its members' me.events streams at most (the first change
   * after a quiet second goes at once): a badge that moves once a second is live to a person, and
   * a busy room costs each member one frame a second, not one per message. Measured: at 250 ms the
   * frames alone cost a 1,000-member room at 25 msg/s about a third more CPU (bench/README).
   */
  unreadIntervalMs?: number;
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

/** The services of one server, and how to stop their timers and connections. */
export type ApiServices = ApiDeps & {
  /** Stops the sweeps, leaves the hub, closes the rate limiter (and the hub if it opened it). */
  close(): Promise<void>;
};

const EXPIRED_SESSION_SWEEP_MS = 60 * 60 * 1000;

/**
 * Builds every per-server service from `settings`: the hub (Redis when `redis` is set, unless one
 * is given), rate limits, password hashing, room channels and tallies, the send batcher, and the
 * sweeps that close revoked sessions' sockets and delete expired sessions.
 */
export async function createApiDeps(
  settings: ApiSettings,
  outside: { db: Database; hub?: Hub; metrics?: ApiMetrics; log: Logger },
): Promise<ApiServices> {
  const { db, log } = outside;
  const metrics = outside.metrics ?? noopMetrics;
  const hub =
    outside.hub ?? (settings.redis ? await RedisHub.connect({ ...settings.redis, metrics, log }) : new MemoryHub({ metrics, log }));
  const sockets = new SocketRegistry();
  const unsubscribeRevocations = await hub.subscribe(topics.sessions(), (sessionId) => sockets.closeSession(sessionId));
  // Sessions deleted by `pnpm admin` without Redis: their sockets close within a minute.
  const stopSessionSweep = startSessionSweep({
    sockets,
    existing: (ids) => sessions.existingSessionIds(db, ids),
    onError: (err) => log.error({ err }, "session revocation sweep failed"),
  });
  // Expired sessions are useless; sweep them hourly without holding the process open.
  const expirySweep = setInterval(() => {
    sessions.deleteExpiredSessions(db).catch((error: unknown) => log.error({ err: error }, "sweeping expired sessions failed"));
  }, EXPIRED_SESSION_SWEEP_MS);
  expirySweep.unref();
  // In Redis when `redis` is set, so every server counts against the same limits.
  const rateLimiter = await RateLimiter.connect({
    enabled: settings.rateLimits,
    rules: rulesFromEnv(settings.rateLimitEnv),
    redis: settings.redis,
    log,
  });
  return {
    db,
    hub,
    config: settings, // the procedures read their part (ApiConfig) of it
    rateLimiter,
    passwords: new PasswordHasher(settings.passwordHashing),
    sockets,
    subscriptionSlots: new SubscriptionSlots(settings.maxSubscriptionsPerUser),
    roomChannels: new RoomChannels(hub, db, { metrics, log }),
    roomTallies: new RoomTallies(hub, {
      intervalMs: settings.unreadIntervalMs ?? 1000,
      lookUpPlace: InboxStream.readers(db).messagePlaces,
    }),
    sends: createSendBatcher(db, hub),
    metrics,
    log,
    async close() {
      clearInterval(expirySweep);
      stopSessionSweep();
      unsubscribeRevocations();
      await rateLimiter.close();
      if (!outside.hub) await hub.close();
    },
  };
}
