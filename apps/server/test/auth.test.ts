import { users as usersRepo } from "@parley/db";
import { describe, expect, it } from "vitest";
import { Collector, connect, errorCode, errorField, rejection, signUp, sleep, uniqueName, useTestServer } from "./harness";

const app = useTestServer();

async function http(path: string, init: RequestInit = {}) {
  const res = await fetch(`${app.server.url}${path}`, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

function postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
  return http(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

describe("auth.signup", () => {
  it("creates the user, returns Me and a token, and stores an argon2id hash", async () => {
    const client = connect(app.server);
    const username = uniqueName("Sign");
    const { user, token } = await client.trpc.auth.signup.mutate({
      username,
      email: `  ${username}@Example.COM `,
      password: "a long password",
    });
    expect(user).toEqual({
      id: expect.any(String),
      username,
      email: `${username.toLowerCase()}@example.com`,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
    });
    expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(16);
    const row = await app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // The session table holds a hash of the token, never the token itself.
    const sessions = await app.db.prisma.session.findMany({ where: { userId: user.id } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.tokenHash).not.toContain(token);
    expect(sessions[0]?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
  });

  it('rejects a taken username ignoring case with CONFLICT, data.field "username"', async () => {
    const first = await signUp(app.server);
    const client = connect(app.server);
    const error = await rejection(
      client.trpc.auth.signup.mutate({
        username: first.username.toUpperCase(),
        email: `${uniqueName()}@example.com`,
        password: "a long password",
      }),
    );
    expect(error.data?.code).toBe("CONFLICT");
    expect(error.data?.field).toBe("username");
    expect(errorField(error)).toBe("username");
    expect(error.message).toMatch(/username/i);
  });

  it('rejects a taken email ignoring case with CONFLICT, data.field "email", over WebSocket and HTTP', async () => {
    const first = await signUp(app.server);
    const client = connect(app.server);
    const error = await rejection(
      client.trpc.auth.signup.mutate({ username: uniqueName(), email: first.email.toUpperCase(), password: "a long password" }),
    );
    expect(error.data?.code).toBe("CONFLICT");
    expect(error.data?.field).toBe("email");
    expect(errorField(error)).toBe("email");
    expect(error.message).toMatch(/email/i);
    // The web app signs up over HTTP: the same data there.
    const res = await postJson("/trpc/auth.signup", { username: uniqueName(), email: first.email, password: "a long password" });
    expect(res.status).toBe(409);
    expect(res.body.error.data).toMatchObject({ code: "CONFLICT", field: "email" });
  });

  it("rejects bad input with BAD_REQUEST, field errors in zodError, and creates nothing", async () => {
    const client = connect(app.server);
    const before = await app.db.prisma.user.count();
    const error = await rejection(client.trpc.auth.signup.mutate({ username: "a!", email: "not-an-email", password: "short" }));
    expect(error.data?.code).toBe("BAD_REQUEST");
    const fieldErrors = (error.data as any).zodError.fieldErrors;
    expect(Object.keys(fieldErrors).sort()).toEqual(["email", "password", "username"]);
    expect(await app.db.prisma.user.count()).toBe(before);
    for (const username of ["ab", "x".repeat(33), "has space", "ünï"]) {
      expect(
        await errorCode(client.trpc.auth.signup.mutate({ username, email: `${uniqueName()}@e.io`, password: "a long password" })),
      ).toBe("BAD_REQUEST");
    }
    expect(
      await errorCode(client.trpc.auth.signup.mutate({ username: uniqueName(), email: `${uniqueName()}@e.io`, password: "x".repeat(257) })),
    ).toBe("BAD_REQUEST");
  });

  it("sets the parley_session cookie when called over HTTP", async () => {
    const username = uniqueName();
    const res = await postJson("/trpc/auth.signup", { username, email: `${username}@e.io`, password: "a long password" });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^parley_session=[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toContain(res.body.result.data.token);
  });
});

describe("auth.login", () => {
  it("logs in by username or email, ignoring case", async () => {
    const u = await signUp(app.server);
    const client = connect(app.server);
    const byName = await client.trpc.auth.login.mutate({ login: u.username.toUpperCase(), password: "correct horse battery" });
    expect(byName.user).toMatchObject({ id: u.id, email: u.email });
    const byEmail = await client.trpc.auth.login.mutate({ login: u.email.toUpperCase(), password: "correct horse battery" });
    expect(byEmail.user.id).toBe(u.id);
    expect(byEmail.token).not.toBe(byName.token);
  });

  it("limits failed logins per account, never the owner's successful ones", async () => {
    const u = await signUp(app.server);
    const client = connect(app.server);
    for (let i = 0; i < 35; i++) {
      await client.trpc.auth.login.mutate({ login: u.username, password: "correct horse battery" });
    }
    const failures = await Promise.all(
      Array.from({ length: 35 }, () => errorCode(client.trpc.auth.login.mutate({ login: u.email, password: "wrong password" }))),
    );
    expect(failures.filter((c) => c === "UNAUTHORIZED").length).toBeGreaterThan(0);
    expect(failures).toContain("TOO_MANY_REQUESTS");
  });

  it("answers UNAUTHORIZED with the same message whether or not the user exists", async () => {
    const u = await signUp(app.server);
    const client = connect(app.server);
    const wrongPassword = await rejection(client.trpc.auth.login.mutate({ login: u.username, password: "wrong password" }));
    const unknownUser = await rejection(client.trpc.auth.login.mutate({ login: uniqueName(), password: "wrong password" }));
    expect(wrongPassword.data?.code).toBe("UNAUTHORIZED");
    expect(unknownUser.data?.code).toBe("UNAUTHORIZED");
    expect(unknownUser.message).toBe(wrongPassword.message);
  });
});

describe("session tokens", () => {
  it("authenticates auth.me from connectionParams, Bearer header and cookie", async () => {
    const u = await signUp(app.server);
    expect(await u.client.trpc.auth.me.query()).toEqual({
      id: u.id,
      username: u.username,
      email: u.email,
      createdAt: expect.any(String),
    });
    const bearer = await http("/trpc/auth.me", { headers: { authorization: `Bearer ${u.token}` } });
    expect(bearer.body.result.data.id).toBe(u.id);
    const cookie = await http("/trpc/auth.me", { headers: { cookie: `theme=dark; parley_session=${u.token}` } });
    expect(cookie.body.result.data.id).toBe(u.id);
  });

  it("is UNAUTHORIZED without a session, and every procedure but signup/login/logout needs one", async () => {
    const anonymous = connect(app.server);
    expect(await errorCode(anonymous.trpc.auth.me.query())).toBe("UNAUTHORIZED");
    expect(await errorCode(anonymous.trpc.room.list.query())).toBe("UNAUTHORIZED");
    expect(await errorCode(anonymous.trpc.user.get.query({ username: "nobody" }))).toBe("UNAUTHORIZED");
    expect(await errorCode(anonymous.trpc.message.send.mutate({ roomId: "x", text: "hi" }))).toBe("UNAUTHORIZED");
    const res = await http("/trpc/auth.me");
    expect(res.status).toBe(401);
    expect(res.body.error.data.code).toBe("UNAUTHORIZED");
  });

  it("does not fall through to a later source when the first one present is invalid", async () => {
    const u = await signUp(app.server);
    // An invalid Bearer token with a valid cookie: anonymous, not the cookie's user.
    const res = await http("/trpc/auth.me", { headers: { authorization: "Bearer nonsense", cookie: `parley_session=${u.token}` } });
    expect(res.body.error.data.code).toBe("UNAUTHORIZED");
    // An invalid connectionParams token on a socket: the connection stays usable, anonymously.
    const bad = connect(app.server, "not-a-real-token");
    expect(await errorCode(bad.trpc.auth.me.query())).toBe("UNAUTHORIZED");
    const again = await bad.trpc.auth.login.mutate({ login: u.username, password: "correct horse battery" });
    expect(again.user.id).toBe(u.id);
  });
});

describe("auth.logout", () => {
  it("revokes the session and closes every socket it authenticated, after replying", async () => {
    const u = await signUp(app.server);
    const otherTab = connect(app.server, u.token);
    expect((await otherTab.trpc.auth.me.query()).id).toBe(u.id);
    // Subscriptions on the other tab end when its socket closes.
    const room = await u.client.trpc.room.create.mutate({ name: uniqueName("logout") });
    const errors = new Collector<unknown>();
    const states = new Collector<string>();
    const watcher = connect(app.server, u.token);
    const sub = watcher.trpc.room.events.subscribe(
      { roomId: room.id },
      { onError: errors.push, onConnectionStateChange: (s) => states.push(s.state) },
    );

    expect(await u.client.trpc.auth.logout.mutate()).toEqual({ ok: true });
    await sleep(200);
    const rows = await app.db.prisma.session.count({ where: { userId: u.id } });
    expect(rows).toBe(0);
    // The sockets were closed; they reconnect with a token that is no longer valid.
    expect(await errorCode(otherTab.trpc.auth.me.query())).toBe("UNAUTHORIZED");
    expect(await errorCode(u.client.trpc.auth.me.query())).toBe("UNAUTHORIZED");
    const bearer = await http("/trpc/auth.me", { headers: { authorization: `Bearer ${u.token}` } });
    expect(bearer.body.error.data.code).toBe("UNAUTHORIZED");
    expect(states.items).toContain("connecting");
    sub.unsubscribe();
  });

  it("clears the cookie over HTTP; without a session it answers ok and changes nothing", async () => {
    const u = await signUp(app.server);
    const res = await postJson("/trpc/auth.logout", {}, { cookie: `parley_session=${u.token}` });
    expect(res.body.result.data).toEqual({ ok: true });
    expect(res.headers.get("set-cookie")).toMatch(/parley_session=;.*Max-Age=0/);
    expect((await http("/trpc/auth.me", { headers: { cookie: `parley_session=${u.token}` } })).status).toBe(401);

    const sessionsBefore = await app.db.prisma.session.count();
    const anonymous = await postJson("/trpc/auth.logout", {});
    expect(anonymous.body.result.data).toEqual({ ok: true });
    expect(anonymous.headers.get("set-cookie")).toBeNull();
    expect(await connect(app.server).trpc.auth.logout.mutate()).toEqual({ ok: true });
    expect(await app.db.prisma.session.count()).toBe(sessionsBefore);
  });
});

describe("user.get", () => {
  it("finds a user by username ignoring case, without their email; NOT_FOUND otherwise", async () => {
    const u = await signUp(app.server);
    const viewer = await signUp(app.server);
    const found = await viewer.client.trpc.user.get.query({ username: u.username.toUpperCase() });
    expect(found).toEqual({ id: u.id, username: u.username, createdAt: expect.any(String) });
    expect(await errorCode(viewer.client.trpc.user.get.query({ username: uniqueName() }))).toBe("NOT_FOUND");
    expect(await usersRepo.findUserByUsername(app.db, u.username)).not.toBeNull();
  });
});
