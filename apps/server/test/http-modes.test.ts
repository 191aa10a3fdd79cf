// Issue 19.2: the session cookie works whatever response mode a tRPC client asks for over HTTP
// (plain, batched, streamed batch), and server-sent events never reach a mutation. Before the
// fix a streamed batch (httpBatchStreamLink) answered sign-up, login and revoking your own
// session with 500 "Cannot set headers after they are sent", after writing the account/session.
import type { AppRouter } from "@parley/api";
import { sessions, users } from "@parley/db";
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, httpLink, TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { uniqueName, useTestServer } from "./harness";

const app = useTestServer();
const PASSWORD = "correct horse battery";

const LINKS = { plain: httpLink, batched: httpBatchLink, streamed: httpBatchStreamLink } as const;
type Mode = keyof typeof LINKS;

/** A browser-like caller: one cookie jar, the real @trpc/client with the link of `mode`. */
function browser(mode: Mode) {
  const jar = { cookie: null as string | null, setCookies: [] as string[], statuses: [] as number[] };
  const jarFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (jar.cookie) headers.set("cookie", jar.cookie);
    const res = await fetch(input, { ...init, headers });
    jar.statuses.push(res.status);
    for (const line of res.headers.getSetCookie()) {
      jar.setCookies.push(line);
      const [pair = "", ...attributes] = line.split(";");
      const value = pair.slice(pair.indexOf("=") + 1);
      jar.cookie = attributes.some((a) => a.trim().toLowerCase() === "max-age=0") ? null : `parley_session=${value}`;
    }
    return res;
  };
  const link = LINKS[mode]({ url: `${app.server.url}/trpc`, fetch: jarFetch });
  return { jar, trpc: createTRPCClient<AppRouter>({ links: [link] }) };
}

function sessionToken(cookie: string | null): string | null {
  return cookie?.replace(/^parley_session=/, "") ?? null;
}

/** A raw WebSocket carrying the session cookie; resolves once open, with its close code. */
async function socketWithCookie(cookie: string): Promise<{ closed: Promise<number> }> {
  const ws = new WebSocket(`${app.server.url.replace(/^http/, "ws")}/trpc`, { headers: { cookie } });
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return { closed };
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe.each(Object.keys(LINKS) as Mode[])("the session cookie over HTTP, %s", (mode) => {
  it("sign-up sets the cookie of a session that is in the database", async () => {
    const b = browser(mode);
    const username = uniqueName("mode");
    const { user, token } = await b.trpc.auth.signup.mutate({ username, email: `${username}@example.com`, password: PASSWORD });
    expect(b.jar.statuses).toEqual([200]);
    expect(sessionToken(b.jar.cookie)).toBe(token);
    expect(b.jar.setCookies[0]).toMatch(/HttpOnly; SameSite=Lax; Path=\/; Max-Age=\d+/);
    expect((await users.findUserByUsername(app.db, username))?.id).toBe(user.id);
    expect(await sessions.listSessions(app.db, user.id)).toHaveLength(1);
    // The cookie alone signs the next call in.
    expect((await b.trpc.auth.me.query()).id).toBe(user.id);
  });

  it("login sets a new session's cookie; logout clears it, deletes it and closes its sockets", async () => {
    const first = browser(mode);
    const username = uniqueName("mode");
    const { user } = await first.trpc.auth.signup.mutate({ username, email: `${username}@example.com`, password: PASSWORD });

    const b = browser(mode);
    const { token } = await b.trpc.auth.login.mutate({ login: username, password: PASSWORD });
    expect(sessionToken(b.jar.cookie)).toBe(token);
    expect(await sessions.listSessions(app.db, user.id)).toHaveLength(2);
    const socket = await socketWithCookie(`parley_session=${token}`);

    expect(await b.trpc.auth.logout.mutate()).toEqual({ ok: true });
    expect(b.jar.statuses.every((s) => s === 200)).toBe(true);
    expect(b.jar.setCookies.at(-1)).toMatch(/^parley_session=;.*Max-Age=0/);
    expect(b.jar.cookie).toBeNull();
    expect(await sessions.listSessions(app.db, user.id)).toHaveLength(1);
    expect(await within(socket.closed, 3_000, "the logged-out session's socket closes")).toBe(4001);
  });

  it("revoking your own session clears the cookie, deletes it and closes its sockets", async () => {
    const b = browser(mode);
    const username = uniqueName("mode");
    const { user, token } = await b.trpc.auth.signup.mutate({ username, email: `${username}@example.com`, password: PASSWORD });
    const socket = await socketWithCookie(`parley_session=${token}`);
    const [mine] = await b.trpc.auth.sessions.query();
    if (!mine?.current) throw new Error("expected the caller's own session");

    expect(await b.trpc.auth.revokeSession.mutate({ sessionId: mine.id })).toEqual({ ok: true });
    expect(b.jar.statuses.every((s) => s === 200)).toBe(true);
    expect(b.jar.setCookies.at(-1)).toMatch(/^parley_session=;.*Max-Age=0/);
    expect(await sessions.listSessions(app.db, user.id)).toHaveLength(0);
    expect(await within(socket.closed, 3_000, "the revoked session's socket closes")).toBe(4001);
  });

  it("an id of the wrong shape, NUL included, is NOT_FOUND and revokes nothing", async () => {
    const b = browser(mode);
    const username = uniqueName("mode");
    const { user } = await b.trpc.auth.signup.mutate({ username, email: `${username}@example.com`, password: PASSWORD });
    for (const sessionId of ["a\u0000b", "\u0000", "not-a-uuid", "x".repeat(5000)]) {
      const error = await b.trpc.auth.revokeSession.mutate({ sessionId }).catch((e: unknown) => e);
      expect(error, JSON.stringify(sessionId).slice(0, 40)).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe("NOT_FOUND");
    }
    expect(await sessions.listSessions(app.db, user.id)).toHaveLength(1);
  });
});

describe("a streamed batch of several mutations", () => {
  it("answers every call, and every cookie reaches the client", async () => {
    const b = browser("streamed");
    const names = [uniqueName("pair"), uniqueName("pair")];
    // httpBatchStreamLink puts calls made in the same tick into one request.
    const results = await Promise.all(
      names.map((username) => b.trpc.auth.signup.mutate({ username, email: `${username}@example.com`, password: PASSWORD })),
    );
    expect(b.jar.statuses).toEqual([200]);
    expect(b.jar.setCookies).toHaveLength(2);
    expect(b.jar.setCookies.map((c) => c.split(";")[0]).sort()).toEqual(results.map((r) => `parley_session=${r.token}`).sort());
  });
});

describe("server-sent events", () => {
  it("never run a mutation: the call is refused before any write", async () => {
    const username = uniqueName("sse");
    const input = encodeURIComponent(JSON.stringify({ username, email: `${username}@example.com`, password: PASSWORD }));
    const res = await fetch(`${app.server.url}/trpc/auth.signup?input=${input}`, { headers: { accept: "text/event-stream" } });
    expect(res.status).toBe(405);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await users.findUserByUsername(app.db, username)).toBeNull();
  });
});

describe("NUL characters (U+0000), which PostgreSQL text cannot hold", () => {
  it("are NOT_FOUND in a key that is looked up, and BAD_REQUEST in free text, never INTERNAL_SERVER_ERROR", async () => {
    const b = browser("batched");
    const username = uniqueName("nul");
    await b.trpc.auth.signup.mutate({ username, email: `${username}@example.com`, password: PASSWORD });
    const codeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => "ok",
        (e: unknown) => (e instanceof TRPCClientError ? String((e as TRPCClientError<AppRouter>).data?.code) : String(e)),
      );
    expect(await codeOf(b.trpc.user.get.query({ username: `${username}\u0000` }))).toBe("NOT_FOUND");
    expect(await codeOf(b.trpc.dm.open.mutate({ username: "\u0000" }))).toBe("NOT_FOUND");
    expect(await codeOf(b.trpc.room.get.query({ roomId: "a\u0000b" }))).toBe("NOT_FOUND");
    expect(await codeOf(b.trpc.auth.login.mutate({ login: `${username}\u0000`, password: PASSWORD }))).toBe("UNAUTHORIZED");
    expect(await codeOf(b.trpc.room.create.mutate({ name: uniqueName("r"), topic: "a\u0000" }))).toBe("BAD_REQUEST");
    expect(await codeOf(b.trpc.message.search.query({ query: "a\u0000" }))).toBe("BAD_REQUEST");
    expect(await codeOf(b.trpc.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: "new password\u0000" }))).toBe(
      "BAD_REQUEST",
    );
  });
});
