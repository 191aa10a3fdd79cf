import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import {
  isDatabaseUnavailable,
  MessageGoneError,
  sessions,
  TooManyReactionsError,
  UniqueViolationError,
  UnknownCursorError,
} from "@parley/db";
import { z, ZodError } from "zod";
import type { Context } from "./context";
import { FieldTakenError } from "./lib/conflict";
import { Refused } from "./lib/refused";
import { isRedisUnavailable } from "./lib/redis-breaker";
import { databaseUnavailableError, redisUnavailableError, RetryLaterError } from "./lib/retry-later";
import { enforceRateLimit, type RateLimitRule } from "./services/rate-limit";

/** What a procedure declares about itself with `.meta()`. */
export type ProcedureMeta = {
  /** Counted before the handler runs (after the session check); past the limit, TOO_MANY_REQUESTS. */
  rateLimit?: RateLimitRule;
};

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    // Subscriptions run over the WebSocket only. tRPC would also serve them over HTTP as
    // server-sent events, streams that logout, removal and shutdown could not reach (issue 11.3).
    sse: { enabled: false },
    // tRPC puts the stack into every error's shape; errorFormatter keeps it (and an internal
    // error's message) only when the server's config says development (apps/server/src/env.ts).
    isDev: true,
    errorFormatter({ shape, error, ctx }) {
      const zodError: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> } | null =
        error.code === "BAD_REQUEST" && error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
      const isDev = ctx?.deps.config.isDev ?? false;
      const hideDetail = error.code === "INTERNAL_SERVER_ERROR" && !isDev;
      const { stack, ...data } = shape.data;
      // TOO_MANY_REQUESTS says when to try again (HTTP also gets Retry-After, see retryAfterHeaders).
      const retryAfterMs = error.cause instanceof RetryLaterError ? error.cause.retryAfterMs : undefined;
      const reason = error.cause instanceof RetryLaterError ? error.cause.reason : undefined;
      // CONFLICT says which field is taken (username, email or a room's name).
      const field = error.cause instanceof FieldTakenError ? error.cause.field : undefined;
      return {
        ...shape,
        message: hideDetail ? "Internal server error" : shape.message,
        data: {
          ...data,
          ...(isDev && stack ? { stack } : {}),
          zodError,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          ...(reason !== undefined ? { reason } : {}),
          ...(field !== undefined ? { field } : {}),
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

type Answer = { code: TRPC_ERROR_CODE_KEY; message: string };

/** One row of errorTable: what a caller is told for an error of `type`. */
function row<E>(type: abstract new (...args: never[]) => E, answer: (error: E) => Answer): (cause: unknown) => Answer | null {
  return (cause) => (cause instanceof type ? answer(cause) : null);
}

/**
 * The one table of what callers are told for each domain error a handler lets escape (from
 * services, the repository, or the rate limits). Routers throw TRPCError themselves only for
 * what they alone decide; anything not listed here is unexpected: logged with its detail, then
 * an opaque INTERNAL_SERVER_ERROR.
 */
const errorTable = [
  // Access checks and permission rules (services/access.ts), with their own code and message.
  row(Refused, (e) => ({ code: e.code, message: e.message })),
  row(UnknownCursorError, (e) => ({ code: "BAD_REQUEST", message: e.message })),
  row(MessageGoneError, (e) => ({ code: "NOT_FOUND", message: e.message })),
  row(TooManyReactionsError, (e) => ({ code: "BAD_REQUEST", message: e.message })),
  // A rate limit or a full queue: error.data.retryAfterMs (and Retry-After over HTTP) in errorFormatter.
  row(RetryLaterError, (e) => ({ code: "TOO_MANY_REQUESTS", message: e.message })),
  row(UniqueViolationError, () => ({ code: "CONFLICT", message: "That already exists" })),
];

/** The table's answer for `cause`, or null when it is not a domain error. */
function answerFor(cause: unknown): Answer | null {
  for (const answer of errorTable) {
    const found = answer(cause);
    if (found) return found;
  }
  return null;
}

/**
 * Turns the domain errors that escape a handler into tRPC codes (errorTable), and logs anything
 * unexpected with its detail before it becomes an opaque INTERNAL_SERVER_ERROR.
 */
const errorMapping = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  // Only errors nobody classified yet (tRPC wraps a thrown non-TRPCError as INTERNAL_SERVER_ERROR).
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    const cause = result.error.cause;
    const answer = answerFor(cause);
    if (answer) throw new TRPCError({ ...answer, cause });
    // An outage, not a bug: the caller may retry (an idempotent send does so by itself). Only
    // here, for errors no contract condition claimed: those keep their codes.
    if (isDatabaseUnavailable(cause)) {
      ctx.log.warn({ path, reason: cause instanceof Error ? cause.message : String(cause) }, "database unavailable");
      throw databaseUnavailableError();
    }
    if (isRedisUnavailable(cause)) {
      ctx.log.warn({ path, reason: cause instanceof Error ? cause.message : String(cause) }, "redis unavailable");
      throw redisUnavailableError();
    }
    // Logged once, here, with its stack; the caller gets an opaque INTERNAL_SERVER_ERROR.
    ctx.log.error({ err: cause ?? result.error, path }, "procedure failed");
  }
  return result;
});

/** /metrics: every procedure's time from the call to its answer (refusals included), by path. */
const timing = t.middleware(async ({ ctx, next, path }) => {
  if (!ctx.deps.metrics.enabled) return next();
  const started = performance.now();
  const result = await next();
  ctx.deps.metrics.procedureTime(path).observe((performance.now() - started) / 1000);
  return result;
});

/** Counts the call against the rate limit its procedure declares in `.meta({ rateLimit })`, if any. */
const rateLimited = t.middleware(async ({ ctx, meta, next }) => {
  const rule = meta?.rateLimit;
  if (rule) {
    // A per-user limit on a procedure anyone may call counts an anonymous caller by address.
    const key = rule.per === "user" ? (ctx.session?.user.id ?? ctx.clientAddress) : ctx.clientAddress;
    await enforceRateLimit(ctx.deps.rateLimiter, ctx.deps.metrics, rule.action, key);
  }
  return next();
});

const anyone = t.procedure.use(timing).use(errorMapping);

/** Procedures anyone may call. */
export const publicProcedure = anyone.use(rateLimited);

const SIGN_IN_FIRST = "Sign in first";

/** How often a session's last use is written (auth.sessions' lastSeenAt), at most. */
export const LAST_SEEN_INTERVAL_MS = 60_000;

/** A session's last use being written, while it is: whether the session still exists. */
const touches = new WeakMap<object, Promise<boolean>>();

/** Checks the caller's session: `ctx.session` (and `ctx.user`) are non-null after it. */
const signedIn = anyone.use(async ({ ctx, next }) => {
  const session = ctx.session;
  const now = Date.now();
  if (!session || session.expiresAt.getTime() <= now) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: SIGN_IN_FIRST });
  }
  // A WebSocket's context holds its session for the connection's life: once a minute a call
  // records the use, and finds out if the session is gone (revoked by an operator's command,
  // which has no hub to tell the servers when there is no Redis).
  if (now - session.lastSeenAt.getTime() >= LAST_SEEN_INTERVAL_MS) {
    session.lastSeenAt = new Date(now);
    const touch = sessions
      .touchSession(ctx.deps.db, session.id, session.lastSeenAt, LAST_SEEN_INTERVAL_MS, ctx.clientAddress)
      .then((alive) => {
        if (!alive) {
          ctx.session = null;
          ctx.deps.sockets.closeSession(session.id);
        }
        return alive;
      });
    touches.set(session, touch);
    const done = () => touches.delete(session);
    touch.then(done, done);
  }
  // Calls that arrive while the use is written wait for it as well, and so go on in the order
  // they came: one connection's sends are not reordered here (see message.send).
  const touch = touches.get(session);
  if (touch && !(await touch)) throw new TRPCError({ code: "UNAUTHORIZED", message: SIGN_IN_FIRST });
  return next({ ctx: { ...ctx, session, user: session.user } });
});

/** Procedures that need a signed-in user: `ctx.session` is non-null inside. */
export const authedProcedure = signedIn.use(rateLimited);

/**
 * Subscriptions: each holds one of the caller's subscription slots on this server while it runs
 * (ApiConfig.maxSubscriptionsPerUser); past that, TOO_MANY_REQUESTS.
 */
export const subscriptionProcedure = signedIn
  .use(async ({ ctx, next, signal }) => {
    // Every subscription counts against "subscribe"; a procedure's own limit comes after the slot.
    await enforceRateLimit(ctx.deps.rateLimiter, ctx.deps.metrics, "subscribe", ctx.user.id);
    const release = ctx.deps.subscriptionSlots.take(ctx.user.id);
    if (!release) {
      const limit = ctx.deps.config.maxSubscriptionsPerUser;
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `At most ${limit} open subscriptions per user` });
    }
    const result = await next();
    if (!result.ok || !signal || signal.aborted) release();
    else signal.addEventListener("abort", release, { once: true });
    return result;
  })
  .use(rateLimited);
