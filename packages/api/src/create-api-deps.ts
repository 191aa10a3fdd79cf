import { sessions, type Database } from "@parley/db";
import type { ApiConfig, ApiDeps } from "./deps";
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
import { createSendBatcher } from "./services/send-batcher";
import { startSessionSweep } from "./services/session-sweep";
import { parseSessionEnded, SocketRegistry } from "./lib/socket-registry";
import { SubscriptionSlots } from "./services/subscription-slots";
import { RoomChannels } from "./stream/room-channels";

// Every per-server service is built here, from settings passed in: nothing in packages/api keeps
// state of its own in a module or a static, so two servers in one process never share any.

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
  const unsubscribeRevocations = await hub.subscribe(topics.sessions(), (message) => {
    const { sessionId, reason } = parseSessionEnded(message);
    sockets.closeSession(sessionId, undefined, reason);
  });
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
