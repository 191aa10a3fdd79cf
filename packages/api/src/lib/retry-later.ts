/**
 * Work refused for now (a rate limit, or the password-hashing queue is full): becomes
 * TOO_MANY_REQUESTS with `error.data.retryAfterMs`, and `Retry-After` over HTTP.
 */
export class RetryLaterError extends Error {
  override name = "RetryLaterError";

  constructor(
    message: string,
    /** How long the caller should wait before trying again. */
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** The `Retry-After` header (whole seconds, at least 1) for the longest wait among `errors`. */
export function retryAfterHeaders(errors: readonly { cause?: unknown }[]): Record<string, string> {
  const waits = errors.flatMap((e) => (e.cause instanceof RetryLaterError ? [e.cause.retryAfterMs] : []));
  if (waits.length === 0) return {};
  return { "retry-after": String(Math.max(1, Math.ceil(Math.max(...waits) / 1000))) };
}
