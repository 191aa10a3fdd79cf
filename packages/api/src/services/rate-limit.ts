import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { connectFailFast, RedisBreaker } from "../lib/redis-breaker";
import { RetryLaterError } from "../lib/retry-later";
import { silentLogger, type Logger } from "../log";
import type { ApiMetrics } from "../metrics";

/** A limit: `capacity` actions in a burst, and on average `refillPerSecond` after it. */
export type BucketRule = { capacity: number; refillPerSecond: number };

/** Generous: they only stop floods and scripts, never a person chatting. */
export const DEFAULT_RULES = {
  // Per client address: generous, since many people (or a test suite) may share one address.
  signup: { capacity: 500, refillPerSecond: 10 },
  login: { capacity: 300, refillPerSecond: 5 },
  // Failed logins per account (once resolved: username and email are one account) and address:
  // slows guessing one password from one place to one try every two seconds, without letting
  // that place lock the owner (elsewhere) out.
  loginAccount: { capacity: 30, refillPerSecond: 0.5 },
  // Joins and leaves per user: each one tells every room.feed subscriber to re-read the list.
  membership: { capacity: 60, refillPerSecond: 2 },
  // Per user: a burst of 500 messages (a script seeding history), then 20 a second, is far
  // beyond anyone typing.
  message: { capacity: 500, refillPerSecond: 20 },
  // Per user: each edit is broadcast to the room and rewrites the log.
  edit: { capacity: 30, refillPerSecond: 1 },
  typing: { capacity: 60, refillPerSecond: 5 },
  // Per user: each reaction is broadcast to the room.
  react: { capacity: 60, refillPerSecond: 3 },
  // Per user: a client marks a room read as messages arrive while it is at the bottom.
  markRead: { capacity: 300, refillPerSecond: 20 },
  // Per user: each search reads the full-text index across every room of theirs.
  search: { capacity: 30, refillPerSecond: 2 },
  // room.activity subscriptions opened per user: each may broadcast presence to the room.
  activity: { capacity: 60, refillPerSecond: 1 },
  // Per user: every room lengthens everyone's room.list.
  roomCreate: { capacity: 20, refillPerSecond: 0.05 },
  // room.events with a lastEventId reads the room's log: a reconnecting client replays one or
  // two rooms; a script opening hundreds of replays at once is stopped here.
  replay: { capacity: 10, refillPerSecond: 0.2 },
  // Subscriptions opened per user (room.events, room.activity, room.feed): each costs a
  // membership query before anything else; a script opening and stopping them in a loop is
  // stopped here, before the database. Switching rooms opens two or three.
  subscribe: { capacity: 60, refillPerSecond: 5 },
} satisfies Record<string, BucketRule>;

export type RateLimitAction = keyof typeof DEFAULT_RULES;

/** The environment variable that overrides `action`: RATE_LIMIT_LOGIN_ACCOUNT for loginAccount. */
export function ruleVariable(action: RateLimitAction): string {
  return `RATE_LIMIT_${action.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/**
 * The rules with overrides from the environment: RATE_LIMIT_<ACTION>=<burst>/<per second>, e.g.
 * RATE_LIMIT_MESSAGE=20/1 or RATE_LIMIT_LOGIN_ACCOUNT=10/0.1. Unknown or malformed values throw.
 */
export function rulesFromEnv(env: Record<string, string | undefined>): Record<RateLimitAction, BucketRule> {
  const rules: Record<RateLimitAction, BucketRule> = { ...DEFAULT_RULES };
  const byVariable = new Map((Object.keys(DEFAULT_RULES) as RateLimitAction[]).map((action) => [ruleVariable(action), action]));
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("RATE_LIMIT_") || value === undefined || value === "") continue;
    const action = byVariable.get(name);
    if (!action) throw new Error(`${name} is not a rate limit; known: ${[...byVariable.keys()].join(", ")}`);
    const match = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(value.trim());
    if (!match) throw new Error(`${name} must look like <burst>/<per second>, e.g. 60/10 (got '${value}')`);
    rules[action] = { capacity: Number(match[1]), refillPerSecond: Number(match[2]) };
  }
  return rules;
}

/**
 * rate-limiter-flexible counts in fixed windows: a rule becomes `capacity` points per window of
 * capacity / refillPerSecond seconds (whole seconds, since Redis expiries are), the same average
 * rate with the same burst. A rate of 0 never refills.
 */
export function windowOf(rule: BucketRule): { points: number; duration: number } {
  const duration = rule.refillPerSecond > 0 ? Math.max(1, Math.ceil(rule.capacity / rule.refillPerSecond)) : 0;
  return { points: rule.capacity, duration };
}

export type RateLimitResult = { ok: true } | { ok: false; retryAfterMs: number };

type Limiters = Record<RateLimitAction, RateLimiterAbstract>;

/**
 * Rate limits per action and key. In process memory for one server; in Redis when several
 * servers share one (REDIS_URL), so a limit holds across all of them instead of being N times
 * looser. While Redis is away each process counts in memory instead of refusing: a circuit
 * breaker (RedisBreaker) makes that switch within milliseconds, not after ioredis's retries, and
 * switches back by itself when Redis answers again.
 */
export class RateLimiter {
  private constructor(
    /** Where counts live while all is well: memory, or Redis. Null: no limits. */
    private readonly limiters: Limiters | null,
    /** With Redis: the in-memory counts used while it is away, and the breaker that decides. */
    private readonly fallback: { limiters: Limiters; breaker: RedisBreaker } | null = null,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  /** Counting in this process only; `enabled: false` never limits anything. */
  static memory(enabled: boolean, rules: Record<RateLimitAction, BucketRule> = DEFAULT_RULES): RateLimiter {
    if (!enabled) return new RateLimiter(null);
    return new RateLimiter(memoryLimiters(rules));
  }

  /**
   * Counting in Redis (keys `<prefix>rl:<action>:<key>`), in memory while `breaker` says Redis
   * is away (by default a breaker of this limiter's own).
   */
  static redis(
    client: Redis,
    prefix: string,
    rules: Record<RateLimitAction, BucketRule> = DEFAULT_RULES,
    breaker: RedisBreaker = new RedisBreaker({ name: "rate limits" }),
  ): RateLimiter {
    const inRedis = mapRules(
      rules,
      (action, rule) => new RateLimiterRedis({ storeClient: client, keyPrefix: `${prefix}rl:${action}`, ...windowOf(rule) }),
    );
    return new RateLimiter(inRedis, { limiters: memoryLimiters(rules), breaker });
  }

  /** Opens what the configuration asks for: Redis when `redis` is set and limits are on. */
  static async connect(options: {
    enabled: boolean;
    rules: Record<RateLimitAction, BucketRule>;
    redis: { url: string; prefix: string } | null;
    log?: Logger;
  }): Promise<RateLimiter> {
    if (!options.enabled || !options.redis) return RateLimiter.memory(options.enabled, options.rules);
    const log = options.log ?? silentLogger;
    const client = await connectFailFast(options.redis.url, log, "rate limits");
    const limiter = RateLimiter.redis(client, options.redis.prefix, options.rules, new RedisBreaker({ name: "rate limits", log }));
    return new RateLimiter(limiter.limiters, limiter.fallback, async () => {
      await client.quit().catch(() => client.disconnect());
    });
  }

  /** Counts one `action` by `key`; when over the limit, says how long until it would pass. */
  async take(action: RateLimitAction, key: string): Promise<RateLimitResult> {
    const limiter = this.limiters?.[action];
    if (!limiter) return { ok: true };
    // A refusal ("over the limit") is an answer, not a failure of Redis: it resolves here, so the
    // breaker only sees Redis's own errors.
    const consume = (from: RateLimiterAbstract) => from.consume(key).then(() => null, refusalOrThrow);
    let refusal: RateLimiterRes | null;
    if (this.fallback) {
      const { breaker, limiters } = this.fallback;
      refusal = await breaker.run(() => consume(limiter)).catch(() => consume(limiters[action]));
    } else {
      refusal = await consume(limiter);
    }
    return refusal ? { ok: false, retryAfterMs: Math.max(1, refusal.msBeforeNext) } : { ok: true };
  }

  /** Gives back one count taken for something that turned out not to count (a good login). */
  async refund(action: RateLimitAction, key: string): Promise<void> {
    const limiter = this.limiters?.[action];
    if (!limiter) return;
    if (!this.fallback) {
      await limiter.reward(key, 1);
      return;
    }
    const { breaker, limiters } = this.fallback;
    await breaker.run(() => limiter.reward(key, 1)).catch(() => limiters[action].reward(key, 1));
  }

  /** Closes the Redis connection, if any. */
  close(): Promise<void> {
    return this.onClose();
  }
}

function memoryLimiters(rules: Record<RateLimitAction, BucketRule>): Limiters {
  return mapRules(rules, (action, rule) => new RateLimiterMemory({ keyPrefix: action, ...windowOf(rule) }));
}

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit, with an Error when its store fails. */
function refusalOrThrow(rejection: unknown): RateLimiterRes {
  if (rejection instanceof RateLimiterRes) return rejection;
  throw rejection;
}

function mapRules<T>(
  rules: Record<RateLimitAction, BucketRule>,
  make: (action: RateLimitAction, rule: BucketRule) => T,
): Record<RateLimitAction, T> {
  return Object.fromEntries((Object.keys(rules) as RateLimitAction[]).map((action) => [action, make(action, rules[action])])) as Record<
    RateLimitAction,
    T
  >;
}

/** How a procedure declares its rate limit (`.meta({ rateLimit })`): the action, counted per user or per client address. */
export type RateLimitRule = { action: RateLimitAction; per: "user" | "address" };

/**
 * Counts one `action` by `key`, or throws RetryLaterError (TOO_MANY_REQUESTS with
 * `retryAfterMs`, in trpc.ts's error table) and counts the refusal for /metrics. For the limits
 * a procedure's meta cannot declare: a key known only inside the handler (a login's account), or
 * a limit that applies only sometimes (a long replay).
 */
export async function enforceRateLimit(
  limiter: RateLimiter,
  metrics: Pick<ApiMetrics, "rateLimitRefusals">,
  action: RateLimitAction,
  key: string,
): Promise<void> {
  const result = await limiter.take(action, key);
  if (result.ok) return;
  metrics.rateLimitRefusals(action).inc();
  throw new RetryLaterError("Too many requests; slow down and try again", result.retryAfterMs);
}
