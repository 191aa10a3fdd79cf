import { TRPCError } from "@trpc/server";
import { changePasswordInput, loginInput, revokeSessionInput, signupInput, type Me, type SessionInfo } from "@parley/contract";
import { sessions, UniqueViolationError, users } from "@parley/db";
import { SESSION_COOKIE, type Context } from "../context";
import { conflict } from "../lib/conflict";
import { isIdShape } from "../services/access";
import { hashSessionToken, newSessionToken } from "../lib/tokens";
import { announceSessionsEnded } from "../services/announce";
import { enforceRateLimit } from "../services/rate-limit";
import { authedProcedure, publicProcedure, router } from "../trpc";
import { describeDevice } from "../lib/device";

const LOGIN_FAILED = "Wrong username, email or password";

function sessionCookie(ctx: Context, token: string | null): string {
  const maxAge = token ? Math.floor(ctx.deps.config.sessionTtlMs / 1000) : 0;
  const secure = (ctx.http?.secure ?? ctx.deps.config.secureCookies) ? "; Secure" : "";
  return `${SESSION_COOKIE}=${token ?? ""}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAge}${secure}`;
}

/** Opens a session for `user`; over HTTP it also becomes the session cookie. */
async function startSession(ctx: Context, user: Me): Promise<{ user: Me; token: string }> {
  const token = newSessionToken();
  await sessions.createSession(ctx.deps.db, {
    userId: user.id,
    tokenHash: hashSessionToken(token),
    expiresAt: new Date(Date.now() + ctx.deps.config.sessionTtlMs),
    userAgent: ctx.userAgent ?? null,
    clientAddress: ctx.clientAddress,
  });
  ctx.http?.setCookie(sessionCookie(ctx, token));
  return { user, token };
}

export const authRouter = router({
  signup: publicProcedure
    .meta({ rateLimit: { action: "signup", per: "address" } })
    .input(signupInput)
    .mutation(async ({ ctx, input }) => {
      const passwordHash = await ctx.deps.passwords.hash(input.password, ctx.clientAddress);
      try {
        const user = await users.createUser(ctx.deps.db, { ...input, passwordHash });
        return await startSession(ctx, user);
      } catch (error) {
        if (error instanceof UniqueViolationError) {
          throw error.fields.includes("email")
            ? conflict("email", "That email is already registered", error)
            : conflict("username", `The username '${input.username}' is taken`, error);
        }
        throw error;
      }
    }),

  login: publicProcedure
    .meta({ rateLimit: { action: "login", per: "address" } })
    .input(loginInput)
    .mutation(async ({ ctx, input }) => {
      const found = await users.findUserForLogin(ctx.deps.db, input.login);
      // Failed logins count per account once it is resolved (its username and email are one
      // bucket), and per address, so guesses from one place cannot lock the owner out elsewhere.
      // Only failures count, so an owner logging in often is never refused: every attempt reserves
      // a count (so concurrent guesses count) and a success gives it back.
      const account = `${found ? `user:${found.user.id}` : `unknown:${input.login.toLowerCase()}`}|${ctx.clientAddress}`;
      await enforceRateLimit(ctx.deps.rateLimiter, ctx.deps.metrics, "loginAccount", account);
      // Unknown users cost the same argon2 work, and both failures read the same.
      // A deactivated account reads exactly like a wrong password, after the same work.
      const ok = found
        ? await ctx.deps.passwords.verify(found.passwordHash, input.password, ctx.clientAddress)
        : await ctx.deps.passwords.verifyAgainstDummy(input.password, ctx.clientAddress);
      if (!found || !ok || found.deactivated) throw new TRPCError({ code: "UNAUTHORIZED", message: LOGIN_FAILED });
      await ctx.deps.rateLimiter.refund("loginAccount", account);
      return startSession(ctx, found.user);
    }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    // Without a valid session this changes nothing, the cookie included.
    if (ctx.session) {
      await sessions.deleteSession(ctx.deps.db, ctx.session.id);
      // Every server closes the sockets this session opened, after this reply is on its way.
      announceSessionsEnded(ctx, [ctx.session.id], "logged-out");
      ctx.http?.setCookie(sessionCookie(ctx, null));
    }
    return { ok: true as const };
  }),

  me: authedProcedure.query(({ ctx }): Me => ctx.user),

  // Rate-limited like a login: a stolen session must not make guessing the password cheap.
  changePassword: authedProcedure
    .meta({ rateLimit: { action: "login", per: "address" } })
    .input(changePasswordInput)
    .mutation(async ({ ctx, input }) => {
      const account = `user:${ctx.user.id}|${ctx.clientAddress}`;
      await enforceRateLimit(ctx.deps.rateLimiter, ctx.deps.metrics, "loginAccount", account);
      const currentHash = await users.passwordHashOf(ctx.deps.db, ctx.user.id);
      const ok = currentHash !== null && (await ctx.deps.passwords.verify(currentHash, input.currentPassword, ctx.clientAddress));
      if (!ok) throw new TRPCError({ code: "UNAUTHORIZED", message: "The current password is wrong" });
      await ctx.deps.rateLimiter.refund("loginAccount", account);
      const newHash = await ctx.deps.passwords.hash(input.newPassword, ctx.clientAddress);
      await users.setPasswordHash(ctx.deps.db, ctx.user.id, newHash);
      // Every other device is signed out; this one stays.
      const revoked = await sessions.deleteUserSessions(ctx.deps.db, ctx.user.id, ctx.session.id);
      announceSessionsEnded(ctx, revoked, "password-changed");
      return { ok: true as const };
    }),

  sessions: authedProcedure.query(async ({ ctx }): Promise<SessionInfo[]> => {
    const list = await sessions.listSessions(ctx.deps.db, ctx.user.id);
    return list.map((s) => {
      const device = describeDevice(s.userAgent);
      return { ...s, current: s.id === ctx.session.id, device: device.name, browserVersion: device.browserVersion };
    });
  }),

  revokeSession: authedProcedure.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
    // Someone else's session reads exactly like one that does not exist, and so does an id of
    // the wrong shape.
    const found = isIdShape(input.sessionId) && (await sessions.deleteUserSession(ctx.deps.db, ctx.user.id, input.sessionId));
    if (!found) {
      throw new TRPCError({ code: "NOT_FOUND", message: `No session with id '${input.sessionId.slice(0, 80)}'` });
    }
    // Its sockets close whatever happens to this reply.
    announceSessionsEnded(ctx, [input.sessionId], "revoked");
    if (input.sessionId === ctx.session.id) ctx.http?.setCookie(sessionCookie(ctx, null));
    return { ok: true as const };
  }),
});
