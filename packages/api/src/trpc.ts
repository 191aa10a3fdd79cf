import { initTRPC, TRPCError } from "@trpc/server";
import { MessageGoneError, sessions, UniqueViolationError, UnknownCursorError } from "@parley/db";
import { z, ZodError } from "zod";
import type { Context } from "./context";
import { FieldTakenError } from "./lib/conflict";
import { RetryLaterError } from "./lib/retry-later";
import type { RateLimitAction } from "./services/rate-limit";

const t = initTRPC.context<Context>().create({
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
        ...(field !== undefined ? { field } : {}),
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Turns the few domain errors that escape a handler into tRPC codes, and logs anything
 * unexpected with its detail before it becomes an opaque INTERNAL_SERVER_ERROR.
 */
const errorMapping = t.middleware(async ({ ctx, next, path }) => {
  // /metrics: message.send's latency, from the call to its answer (refusals included).
  const sendStarted = path === "message.send" && ctx.deps.metrics.enabled ? performance.now() : 0;
  const result = await next();
  if (sendStarted) ctx.deps.metrics.messageSend.observe((performance.now() - sendStarted) / 1000);
  // Only errors nobody classified yet (tRPC wraps a thrown non-TRPCError as INTERNAL_SERVER_ERROR).
  if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") {
    const cause = result.error.cause;
    if (cause instanceof UnknownCursorError) {
      throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
    }
    if (cause instanceof MessageGoneError) {
      throw new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
    }
    if (cause instanceof RetryLaterError) {
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: cause.message, cause });
    }
    if (cause instanceof UniqueViolationError) {
      throw new TRPCError({ code: "CONFLICT", message: "That already exists", cause });
    }
    // Logged once, here, with its stack; the caller gets an opaque INTERNAL_SERVER_ERROR.
    ctx.log.error({ err: cause ?? result.error, path }, "procedure failed");
  }
  return result;
});

export const publicProcedure = t.procedure.use(errorMapping);

const SIGN_IN_FIRST = "Sign in first";

/** How often a session's last use is written (auth.sessions' lastSeenAt), at most. */
export const LAST_SEEN_INTERVAL_MS = 60_000;

/** Procedures that need a signed-in user: `ctx.session` is non-null inside. */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
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
    if (!(await sessions.touchSession(ctx.deps.db, session.id, session.lastSeenAt, LAST_SEEN_INTERVAL_MS, ctx.clientAddress))) {
      ctx.session = null;
      ctx.deps.sockets.closeSession(session.id);
      throw new TRPCError({ code: "UNAUTHORIZED", message: SIGN_IN_FIRST });
    }
  }
  return next({ ctx: { ...ctx, session, user: session.user } });
});

/**
 * Counts one `action` by `key` against its rate limit, or fails with TOO_MANY_REQUESTS carrying
 * `retryAfterMs`. Async: with REDIS_URL the count lives in Redis, shared by every server.
 */
export async function rateLimit(ctx: Context, action: RateLimitAction, key: string): Promise<void> {
  const result = await ctx.deps.rateLimiter.take(action, key);
  if (!result.ok) {
    ctx.deps.metrics.rateLimitRefusals(action).inc();
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: "Too many requests; slow down and try again",
      cause: new RetryLaterError("Too many requests", result.retryAfterMs),
    });
  }
}

/**
 * Subscriptions: each holds one of the caller's subscription slots on this server while it runs
 * (ApiConfig.maxSubscriptionsPerUser); past that, TOO_MANY_REQUESTS.
 */
export const subscriptionProcedure = authedProcedure.use(async ({ ctx, next, signal }) => {
  await rateLimit(ctx, "subscribe", ctx.user.id);
  const release = ctx.deps.subscriptionSlots.take(ctx.user.id);
  if (!release) {
    const limit = ctx.deps.config.maxSubscriptionsPerUser;
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `At most ${limit} open subscriptions per user` });
  }
  const result = await next();
  if (!result.ok || !signal || signal.aborted) release();
  else signal.addEventListener("abort", release, { once: true });
  return result;
});
