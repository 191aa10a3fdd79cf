import { isTRPCClientError, type TRPCLink } from "@trpc/client";
import { observable, type Unsubscribable } from "@trpc/server/observable";
import type { AppRouter } from "@parley/api";
import { reconnectDelayMs } from "./backoff";

/** Whether the server can reach its database, as far as this client's sends have seen. */
export type DatabaseState = "available" | "unavailable";

export type DatabaseRetryOptions = {
  /** Told when a send starts waiting for the database, and when none waits any more. */
  onStateChange?: (state: DatabaseState) => void;
  /** Give up (the send fails with the last error) once it has waited this long in all. */
  maxTotalMs?: number;
  /** The longest single wait, whatever the server's retryAfterMs says. */
  maxDelayMs?: number;
  /** For tests: the jitter source. */
  random?: () => number;
};

/** 30 s: past that a person is better served by a failed message they can send again. */
const DEFAULT_MAX_TOTAL_MS = 30_000;
const DEFAULT_MAX_DELAY_MS = 5_000;

/** A call that is safe to send again: message.send with a clientMsgId (the server keeps the first). */
function isIdempotentSend(op: { type: string; path: string; input: unknown }): boolean {
  if (op.type !== "mutation" || op.path !== "message.send") return false;
  const input = op.input as { clientMsgId?: unknown } | null | undefined;
  return typeof input?.clientMsgId === "string" && input.clientMsgId.length > 0;
}

/** The server's word that its database is briefly away: SERVICE_UNAVAILABLE, and how long to wait. */
function databaseOutage(error: unknown): { retryAfterMs: number } | null {
  if (!isTRPCClientError(error)) return null;
  const data = error.data as { code?: unknown; retryAfterMs?: unknown } | undefined;
  if (data?.code !== "SERVICE_UNAVAILABLE") return null;
  return { retryAfterMs: typeof data.retryAfterMs === "number" ? data.retryAfterMs : 0 };
}

/**
 * A tRPC link that sends an idempotent message.send again, by itself, while the server answers
 * SERVICE_UNAVAILABLE (its database is away): it waits the server's `retryAfterMs`, or a
 * jittered backoff when that is longer, at most `maxDelayMs` each time and `maxTotalMs` in all,
 * then fails with the last error. The same clientMsgId makes a send that did land count once.
 * `onStateChange` lets an app say "Reconnecting to the database…" instead of failing the message.
 */
export function databaseRetryLink(options: DatabaseRetryOptions = {}): TRPCLink<AppRouter> {
  const maxTotalMs = options.maxTotalMs ?? DEFAULT_MAX_TOTAL_MS;
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  let waiting = 0;
  const wait = (delta: 1 | -1): void => {
    const before = waiting;
    waiting += delta;
    if (before === 0 && waiting === 1) options.onStateChange?.("unavailable");
    if (before === 1 && waiting === 0) options.onStateChange?.("available");
  };

  return () =>
    ({ op, next }) => {
      if (!isIdempotentSend(op)) return next(op);
      return observable((observer) => {
        const started = Date.now();
        let current: Unsubscribable | null = null;
        let timer: ReturnType<typeof setTimeout> | undefined;
        let isWaiting = false;
        let done = false;
        const setWaiting = (value: boolean): void => {
          if (isWaiting !== value) wait(value ? 1 : -1);
          isWaiting = value;
        };

        const attempt = (n: number): void => {
          current = next(op).subscribe({
            next: (envelope) => observer.next(envelope),
            complete: () => {
              done = true;
              setWaiting(false);
              observer.complete();
            },
            error: (error) => {
              const outage = databaseOutage(error);
              const delay = outage ? Math.min(maxDelayMs, Math.max(outage.retryAfterMs, reconnectDelayMs(n, options.random))) : 0;
              if (!outage || Date.now() + delay - started > maxTotalMs) {
                done = true;
                setWaiting(false);
                observer.error(error);
                return;
              }
              setWaiting(true);
              timer = setTimeout(() => attempt(n + 1), delay);
            },
          });
        };
        attempt(0);

        return () => {
          clearTimeout(timer);
          if (!done) setWaiting(false);
          current?.unsubscribe();
        };
      });
    };
}
