// Account security (issue 12.3): auth.changePassword, auth.sessions, auth.revokeSession.
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { connect, errorCode, rejection, signUp, sleep, startTestServer, type TestUser, uniqueName, useTestServer } from "./harness";

// Failed password checks count like failed logins: 4 per account and address, then refused.
const app = useTestServer({ RATE_LIMIT_LOGIN_ACCOUNT: "4/0.01" });

const PASSWORD = "correct horse battery";
const CHROME_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** Logs in over HTTP with a User-Agent; returns the new session's token. */
async function loginOverHttp(
  login: string,
  userAgent = CHROME_ON_LINUX,
  via = app.server.url,
  headers: Record<string, string> = {},
): Promise<string> {
  const res = await fetch(`${via}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": userAgent, ...headers },
    body: JSON.stringify({ login, password: PASSWORD }),
  });
  const body = (await res.json()) as { result: { data: { token: string } } };
  return body.result.data.token;
}

/** A raw WebSocket authenticated by Bearer header at the upgrade; resolves once open. */
async function openSocket(token: string): Promise<{ closed: Promise<number>; reason: Promise<string> }> {
  const ws = new WebSocket(`${app.server.url.replace(/^http/, "ws")}/trpc`, { headers: { authorization: `Bearer ${token}` } });
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  // Why the server closed it (the close frame's reason), for a client to tell its user.
  const reason = new Promise<string>((resolve) => ws.once("close", (_code, why) => resolve(why.toString())));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  // The context (and so the socket's registration under its session) is built on the first frame.
  ws.send(JSON.stringify({ id: 1, method: "query", params: { path: "auth.me", input: undefined } }));
  await new Promise((resolve) => ws.once("message", resolve));
  return { closed, reason };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`timed out: ${what}`)))]);
}

async function sessionCount(u: TestUser): Promise<number> {
  return app.db.prisma.session.count({ where: { userId: u.id } });
}

describe("auth.changePassword", () => {
  it("changes the password, revokes every other session and closes its sockets, keeps the caller's", async () => {
    const u = await signUp(app.server, "pw");
    const laptop = await loginOverHttp(u.username);
    const laptopSocket = await openSocket(laptop);
    expect(await sessionCount(u)).toBe(2);

    expect(await u.client.trpc.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: "a brand new secret" })).toEqual({
      ok: true,
    });

    expect(await within(laptopSocket.closed, 3_000, "the other session's socket closes")).toBe(4001);
    expect(await laptopSocket.reason).toBe("password changed");
    expect(await sessionCount(u)).toBe(1);
    expect((await u.client.trpc.auth.me.query()).id).toBe(u.id);
    const other = connect(app.server, laptop);
    expect(await errorCode(other.trpc.auth.me.query())).toBe("UNAUTHORIZED");
    const anonymous = connect(app.server);
    expect(await errorCode(anonymous.trpc.auth.login.mutate({ login: u.username, password: PASSWORD }))).toBe("UNAUTHORIZED");
    expect((await anonymous.trpc.auth.login.mutate({ login: u.username, password: "a brand new secret" })).user.id).toBe(u.id);
  });

  it("answers a wrong current password with UNAUTHORIZED and changes nothing", async () => {
    const u = await signUp(app.server, "pw");
    await loginOverHttp(u.username);
    const before = await app.db.prisma.user.findUniqueOrThrow({ where: { id: u.id }, select: { passwordHash: true } });
    const error = await rejection(
      u.client.trpc.auth.changePassword.mutate({ currentPassword: "not my password", newPassword: "whatever else" }),
    );
    expect(error.data?.code).toBe("UNAUTHORIZED");
    expect(error.message).toBe("The current password is wrong");
    const after = await app.db.prisma.user.findUniqueOrThrow({ where: { id: u.id }, select: { passwordHash: true } });
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(await sessionCount(u)).toBe(2);
    // The session that asked is still signed in: a wrong password is not a logout.
    expect((await u.client.trpc.auth.me.query()).id).toBe(u.id);
  });

  it("rate-limits wrong current passwords like failed logins, never the right one after a success", async () => {
    const u = await signUp(app.server, "pw");
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push(
        await errorCode(u.client.trpc.auth.changePassword.mutate({ currentPassword: `guess ${i}`, newPassword: "whatever else" })),
      );
    }
    expect(codes.slice(0, 4)).toEqual(["UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED", "UNAUTHORIZED"]);
    expect(codes.slice(4)).toEqual(["TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
    // Refused even with the right password while the limit holds: guessing costs the same.
    expect(await errorCode(u.client.trpc.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: "whatever else" }))).toBe(
      "TOO_MANY_REQUESTS",
    );
  });

  it("checks the new password like a signup (BAD_REQUEST, nothing changed) and needs a session", async () => {
    const u = await signUp(app.server, "pw");
    const error = await rejection(u.client.trpc.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: "short" }));
    expect(error.data?.code).toBe("BAD_REQUEST");
    expect(error.data?.zodError?.fieldErrors.newPassword).toEqual(["Password must be at least 8 characters"]);
    expect((await connect(app.server).trpc.auth.login.mutate({ login: u.username, password: PASSWORD })).user.id).toBe(u.id);
    expect(
      await errorCode(connect(app.server).trpc.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: "long enough" })),
    ).toBe("UNAUTHORIZED");
  });
});

describe("auth.sessions", () => {
  it("lists the caller's live sessions newest first, with device and the current one marked; ids are not tokens", async () => {
    const u = await signUp(app.server, "ses");
    await sleep(5);
    const laptop = await loginOverHttp(u.username);
    await sleep(5);
    const phoneAgent =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
    const phone = await loginOverHttp(u.username, phoneAgent);
    const someoneElse = await signUp(app.server, "ses");

    const list = await connect(app.server, laptop).trpc.auth.sessions.query();
    expect(list).toHaveLength(3);
    expect(list.map((s) => s.userAgent)).toEqual([phoneAgent, CHROME_ON_LINUX, null]);
    expect(list.map((s) => s.current)).toEqual([false, true, false]);
    const times = list.map((s) => Date.parse(s.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const s of list) {
      expect(Date.parse(s.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(s.createdAt));
      expect([u.token, laptop, phone]).not.toContain(s.id);
      // The contract's five fields, and v3's optional ones (device, browserVersion, address).
      expect(Object.keys(s).sort()).toEqual([
        "address",
        "browserVersion",
        "createdAt",
        "current",
        "device",
        "id",
        "lastSeenAt",
        "userAgent",
      ]);
    }
    const ids = new Set(list.map((s) => s.id));
    for (const s of await someoneElse.client.trpc.auth.sessions.query()) expect(ids.has(s.id)).toBe(false);
    expect(await errorCode(connect(app.server).trpc.auth.sessions.query())).toBe("UNAUTHORIZED");
  });

  it("names each device on the server and shows the address it came from, by TRUST_PROXY", async () => {
    const u = await signUp(app.server, "addr");
    const phoneAgent =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
    // Without TRUST_PROXY a client's X-Forwarded-For is its own claim: the socket's address counts.
    const direct = await loginOverHttp(u.username, CHROME_ON_LINUX, app.server.url, { "x-forwarded-for": "203.0.113.66" });
    const proxied = await startTestServer(app.db, { TRUST_PROXY: "true" });
    try {
      // Behind a proxy, the address the proxy appended (the last entry) is the client's.
      await loginOverHttp(u.username, phoneAgent, proxied.url, { "x-forwarded-for": "198.51.100.1, 203.0.113.9" });
    } finally {
      await proxied.close();
    }
    const list = await connect(app.server, direct).trpc.auth.sessions.query();
    const byAgent = new Map(list.map((s) => [s.userAgent, s]));
    expect(byAgent.get(phoneAgent)).toMatchObject({ device: "Safari on iOS", browserVersion: "17.4", address: "203.0.113.9" });
    const laptop = byAgent.get(CHROME_ON_LINUX);
    expect(laptop).toMatchObject({ device: "Chrome on Linux", browserVersion: "131.0.0.0", current: true });
    expect(laptop?.address).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    // The first session (signed up over the socket's client): no User-Agent, still an address.
    expect(byAgent.get(null)).toMatchObject({ device: "Unknown device", browserVersion: null });
  });

  it("records the last use at most once a minute, not on every call", async () => {
    const u = await signUp(app.server, "seen");
    const token = await loginOverHttp(u.username);
    const me = () => fetch(`${app.server.url}/trpc/auth.me`, { headers: { authorization: `Bearer ${token}` } });
    const row = () =>
      app.db.prisma.session.findFirstOrThrow({ where: { userId: u.id, userAgent: CHROME_ON_LINUX }, select: { lastSeenAt: true } });

    // Used within the minute: nothing is written.
    const fresh = (await row()).lastSeenAt;
    for (let i = 0; i < 3; i++) expect((await me()).status).toBe(200);
    expect((await row()).lastSeenAt).toEqual(fresh);

    // Last seen two minutes ago: the next call records it, the ones after it do not.
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await app.db.prisma.session.updateMany({ where: { userId: u.id, userAgent: CHROME_ON_LINUX }, data: { lastSeenAt: twoMinutesAgo } });
    expect((await me()).status).toBe(200);
    const moved = (await row()).lastSeenAt;
    expect(moved.getTime()).toBeGreaterThan(Date.now() - 5_000);
    await sleep(10);
    expect((await me()).status).toBe(200);
    expect((await row()).lastSeenAt).toEqual(moved);
  });
});

describe("auth.revokeSession", () => {
  it("revokes one of the caller's sessions: its token stops working and its sockets close", async () => {
    const u = await signUp(app.server, "rev");
    const laptop = await loginOverHttp(u.username);
    const laptopSocket = await openSocket(laptop);
    const list = await u.client.trpc.auth.sessions.query();
    const target = list.find((s) => !s.current && s.userAgent === CHROME_ON_LINUX);
    if (!target) throw new Error("the laptop's session is missing");

    expect(await u.client.trpc.auth.revokeSession.mutate({ sessionId: target.id })).toEqual({ ok: true });
    expect(await within(laptopSocket.closed, 3_000, "the revoked session's socket closes")).toBe(4001);
    expect(await laptopSocket.reason).toBe("session revoked");
    expect(await errorCode(connect(app.server, laptop).trpc.auth.me.query())).toBe("UNAUTHORIZED");
    expect((await u.client.trpc.auth.sessions.query()).map((s) => s.id)).not.toContain(target.id);
    expect((await u.client.trpc.auth.me.query()).id).toBe(u.id);
  });

  it("answers NOT_FOUND for another user's session (which keeps working) and for unknown ids", async () => {
    const u = await signUp(app.server, "rev");
    const victim = await signUp(app.server, "rev");
    const victimSocket = await openSocket(victim.token);
    const [victimSession] = await victim.client.trpc.auth.sessions.query();
    if (!victimSession) throw new Error("the victim has no session");

    const error = await rejection(u.client.trpc.auth.revokeSession.mutate({ sessionId: victimSession.id }));
    expect(error.data?.code).toBe("NOT_FOUND");
    const unknown = await rejection(u.client.trpc.auth.revokeSession.mutate({ sessionId: uniqueName("nope") }));
    expect(unknown.data?.code).toBe("NOT_FOUND");
    expect(unknown.message.replace(/'[^']*'/, "")).toBe(error.message.replace(/'[^']*'/, ""));

    expect((await victim.client.trpc.auth.me.query()).id).toBe(victim.id);
    expect(await sessionCount(victim)).toBe(1);
    const stillOpen = await Promise.race([victimSocket.closed.then(() => "closed"), sleep(300).then(() => "open")]);
    expect(stillOpen).toBe("open");
    expect(await errorCode(connect(app.server).trpc.auth.revokeSession.mutate({ sessionId: victimSession.id }))).toBe("UNAUTHORIZED");
  });

  it("revoking the caller's own session signs it out like logout", async () => {
    const u = await signUp(app.server, "rev");
    const [mine] = await u.client.trpc.auth.sessions.query();
    if (!mine?.current) throw new Error("expected the caller's session");
    expect(await u.client.trpc.auth.revokeSession.mutate({ sessionId: mine.id })).toEqual({ ok: true });
    await sleep(200);
    expect(await errorCode(u.client.trpc.auth.me.query())).toBe("UNAUTHORIZED");
    expect(await sessionCount(u)).toBe(0);
  });
});
