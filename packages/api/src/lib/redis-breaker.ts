import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  TimeoutStrategy,
  circuitBreaker,
  handleAll,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
  TaskCancelledError,
} from "cockatiel";
import { Redis } from "ioredis";
import { silentLogger, type Logger } from "../log";

// What every part that talks to Redis (the hub, presence, the rate limiter) does when Redis goes
// away: fail at once instead of waiting. Two layers:
//  - the ioredis client fails a command as soon as the connection is down (no offline queue, no
//    retries per request), so a killed Redis costs a call nothing;
//  - a circuit breaker (cockatiel) opens on the first failure or timeout (a hung Redis), and then
//    refuses every call at once until one call, let through as a probe after `probeAfterMs`,
//    succeeds. So the first call to a hung Redis waits `timeoutMs`; no later one waits at all.
// The ioredis client keeps reconnecting in the background (and resubscribing its channels); the
// breaker closes by itself on the first probe that finds it back.

export type RedisBreakerOptions = {
  /** Who uses it, for the log ("hub", "rate limits"). */
  name: string;
  /** A call that takes longer counts as a failure: a Redis that hangs is as good as absent. */
  timeoutMs?: number;
  /** While open, the first call after this long is let through to see if Redis is back. */
  probeAfterMs?: number;
  log?: Logger;
};

/**
 * Options for an ioredis client that fails fast: a command issued while the connection is down is
 * refused at once, and one in flight when it drops is failed at once (not retried three times).
 */
export const FAIL_FAST_REDIS = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 } as const;

/** Opens an ioredis client that fails fast (see FAIL_FAST_REDIS), logging its connection errors. */
export async function connectFailFast(url: string, log: Logger, what: string): Promise<Redis> {
  const client = new Redis(url, FAIL_FAST_REDIS);
  let warned = false;
  // Once per outage, not once per reconnect attempt (every 2 s at most while it is away).
  client.on("error", (error: Error) => {
    if (!warned) log.error({ err: error }, `${what}: Redis connection error`);
    warned = true;
  });
  client.on("ready", () => (warned = false));
  await client.connect();
  return client;
}

/**
 * One circuit breaker around one Redis connection (or a pair used together). Shared by the hub
 * and the rate limiter so that all of them give up on an absent Redis the same way, within
 * milliseconds, and come back by themselves.
 */
export class RedisBreaker {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly policy: IPolicy;

  constructor(options: RedisBreakerOptions) {
    const log = options.log ?? silentLogger;
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: options.probeAfterMs ?? 500,
      breaker: new ConsecutiveBreaker(1),
    });
    // Once per outage: a probe that finds Redis still away opens the breaker again, silently.
    let down = false;
    this.breaker.onBreak((reason) => {
      if (down) return;
      down = true;
      const error = "error" in reason ? reason.error : undefined;
      log.warn({ reason: error?.message }, `${options.name}: Redis unavailable; not waiting for it until it answers again`);
    });
    this.breaker.onReset(() => {
      down = false;
      log.info(`${options.name}: Redis answers again`);
    });
    // The breaker outside the timeout: a call that times out is a failure the breaker counts.
    this.policy = wrap(this.breaker, timeout(options.timeoutMs ?? 1_000, TimeoutStrategy.Aggressive));
  }

  /** True while calls go through to Redis (closed); false while it is thought to be away. */
  get closed(): boolean {
    return this.breaker.state === CircuitState.Closed;
  }

  /**
   * Runs one call to Redis. Rejects at once while the breaker is open (BrokenCircuitError), after
   * `timeoutMs` if Redis does not answer (TaskCancelledError), or with Redis's own error. Only
   * a rejection counts as a failure: a call that has an answer to give back (e.g. "over the
   * limit") must resolve with it.
   */
  run<T>(call: () => Promise<T>): Promise<T> {
    return this.policy.execute<T>(() => call());
  }

  /** Calls `listener` each time Redis is found back after an outage. */
  onRecover(listener: () => void): { dispose(): void } {
    return this.breaker.onReset(listener);
  }
}

/** ioredis's words for a command refused because the connection is down (fail-fast clients). */
const REDIS_DOWN = /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT/;

/**
 * Whether `error` says Redis is away rather than that something is wrong: the breaker refused
 * the call, the call timed out, or the fail-fast client found no connection. A procedure that
 * needed Redis (presence) answers such an error SERVICE_UNAVAILABLE, like a database outage.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (error instanceof BrokenCircuitError || error instanceof TaskCancelledError) return true;
  return error instanceof Error && REDIS_DOWN.test(error.message);
}
