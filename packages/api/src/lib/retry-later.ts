import { TRPCError } from "@trpc/server";

/**
 * Work refused for now (a rate limit, or the password-hashing queue is full): becomes
 * TOO_MANY_REQUESTS with `error.data.retryAfterMs`, and `Retry-After` over HTTP. With a
 * `reason` it is also `error.data.reason` (a database outage: "database_unavailable").
 */
export class RetryLaterError extends Error {
  override name = "RetryLaterError";

  constructor(
    message: string,
    /** How long the caller should wait before trying again. */
    readonly retryAfterMs: number,
    /** Why, for clients that act on it (e.g. "database_unavailable"). */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/**
 * How long a caller should wait when the database is away: about what a send took to work again
 * after PostgreSQL came back in the outage measured for issue 19 (0.8 s).
 */
export const DATABASE_RETRY_AFTER_MS = 1_000;

/**
 * The answer to a call the database could not serve (isDatabaseUnavailable): SERVICE_UNAVAILABLE
 * with `error.data.retryAfterMs` and `error.data.reason: "database_unavailable"` (HTTP 503 with
 * Retry-After), so a client can tell "briefly away, retry" from a broken server.
 */
export function databaseUnavailableError(): TRPCError {
  return new TRPCError({
    code: "SERVICE_UNAVAILABLE",
    message: "The database is briefly unavailable; try again shortly",
    cause: new RetryLaterError("Database unavailable", DATABASE_RETRY_AFTER_MS, "database_unavailable"),
  });
}

/** The `Retry-After` header (whole seconds, at least 1) for the longest wait among `errors`. */
export function retryAfterHeaders(errors: readonly { cause?: unknown }[]): Record<string, string> {
  const waits = errors.flatMap((e) => (e.cause instanceof RetryLaterError ? [e.cause.retryAfterMs] : []));
  if (waits.length === 0) return {};
  return { "retry-after": String(Math.max(1, Math.ceil(Math.max(...waits) / 1000))) };
}

/** The answer to a call that needed Redis while it is away (isRedisUnavailable): as for the database. */
export function redisUnavailableError(): TRPCError {
  return new TRPCError({
    code: "SERVICE_UNAVAILABLE",
    message: "Live presence is briefly unavailable; try again shortly",
    cause: new RetryLaterError("Redis unavailable", DATABASE_RETRY_AFTER_MS, "redis_unavailable"),
  });
}
