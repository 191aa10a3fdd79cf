// Regression tests for issue 11 ("Hold under abuse"), items 3 and 7: each one failed on the code
// before the fix. They go through the real HTTP server, WebSocket and database.
import http from "node:http";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { errorCode, signUp, startTestServer, uniqueName, useTestServer } from "./harness";

const app = useTestServer({ ALLOWED_ORIGINS: "https://chat.example.com" });

type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** A raw HTTP request: unlike fetch it may send any method and any Host header. */
function rawRequest(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname, port, method: options.method ?? "GET", path: options.path, headers: options.headers ?? {} },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Posts a tRPC mutation over HTTP and returns status and parsed body. */
async function postJson(url: string, path: string, input: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(input),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

describe("logout ends subscriptions on every transport (11.3)", () => {
  it("refuses subscriptions over HTTP (server-sent events) with 405, before tRPC runs them", async () => {
    const u = await signUp(app.server);
    const room = await u.client.trpc.room.create.mutate({ name: uniqueName("sse") });
    const input = encodeURIComponent(JSON.stringify({ roomId: room.id }));
    const res = await rawRequest(app.server.url, {
      path: `/trpc/room.events?input=${input}`,
      headers: { authorization: `Bearer ${u.token}`, accept: "text/event-stream" },
    });
    expect(res.status).toBe(405);
    expect(res.headers["content-type"]).toContain("application/json");
    expect(JSON.parse(res.body).error.data.code).toBe("METHOD_NOT_SUPPORTED");
  });

  it("a Bearer-token SSE stream delivers nothing after auth.logout", async () => {
    const alice = await signUp(app.server, "alice");
    const bob = await signUp(app.server, "bob");
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("sse") });
    await bob.client.trpc.room.join.mutate({ roomId: room.id });

    const input = encodeURIComponent(JSON.stringify({ roomId: room.id }));
    const abort = new AbortController();
    let received = "";
    let ended = false;
    const reading = (async () => {
      try {
        const res = await fetch(`${app.server.url}/trpc/room.events?input=${input}`, {
          headers: { authorization: `Bearer ${bob.token}`, accept: "text/event-stream" },
          signal: abort.signal,
        });
        const decoder = new TextDecoder();
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) received += decoder.decode(chunk);
      } catch {
        // aborted below
      } finally {
        ended = true;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));

    const logout = await postJson(app.server.url, "auth.logout", undefined, { authorization: `Bearer ${bob.token}` });
    expect(logout.body.result.data).toEqual({ ok: true });
    const secret = `after logout ${uniqueName("m")}`;
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: secret });
    await new Promise((resolve) => setTimeout(resolve, 500));
    abort.abort();
    await reading;

    expect(ended).toBe(true);
    expect(received).not.toContain(secret);
  });
});

describe("session cookie flags (11.7)", () => {
  const signupCookie = async (url: string, headers: Record<string, string> = {}) => {
    const name = uniqueName("c");
    const res = await postJson(
      url,
      "auth.signup",
      { username: name, email: `${name}@example.com`, password: "correct horse battery" },
      headers,
    );
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^parley_session=[^;]+; HttpOnly; SameSite=Lax; Path=\//);
    return cookie;
  };

  it("are Secure with COOKIE_SECURE=true, PUBLIC_URL=https://…, or a trusted proxy's X-Forwarded-Proto: https", async () => {
    // Today's default over plain HTTP stays as it was.
    expect(await signupCookie(app.server.url)).not.toMatch(/;\s*Secure/i);
    expect(await signupCookie(app.server.url, { "x-forwarded-proto": "https" })).not.toMatch(/;\s*Secure/i);

    const servers = await Promise.all([
      startTestServer(app.db, { COOKIE_SECURE: "true" }),
      startTestServer(app.db, { PUBLIC_URL: "https://chat.example.com" }),
      startTestServer(app.db, { TRUST_PROXY: "true" }),
      startTestServer(app.db, { COOKIE_SECURE: "false", TRUST_PROXY: "true", PUBLIC_URL: "https://chat.example.com" }),
    ]);
    const [forced, publicHttps, proxied, off] = servers;
    try {
      expect(await signupCookie(forced.url)).toMatch(/; Secure$/);
      expect(await signupCookie(publicHttps.url, { host: "chat.example.com" })).toMatch(/; Secure$/);
      expect(await signupCookie(proxied.url, { "x-forwarded-proto": "https" })).toMatch(/; Secure$/);
      expect(await signupCookie(proxied.url)).not.toMatch(/;\s*Secure/i);
      expect(await signupCookie(off.url, { "x-forwarded-proto": "https" })).not.toMatch(/;\s*Secure/i);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });
});

describe("security headers on the web app (11.7)", () => {
  it("serves a Content-Security-Policy without inline script, frame-ancestors 'none' and Referrer-Policy: same-origin", async () => {
    const res = await fetch(`${app.server.url}/rooms/anything`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    const directives = new Map(
      csp.split(";").map((d) => {
        const [name = "", ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get("default-src")).toEqual(["'self'"]);
    expect(directives.get("script-src")).toEqual(["'self'"]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    const host = new URL(app.server.url).host;
    expect(directives.get("connect-src")).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    // The page itself has no inline script for the policy to break.
    const page = await res.text();
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  });
});

describe("Host header check against DNS rebinding (11.7)", () => {
  const port = () => new URL(app.server.url).port;

  it("refuses a Host that is not the server's own, PUBLIC_URL's or an allowed origin's", async () => {
    const u = await signUp(app.server);
    const headers = { authorization: `Bearer ${u.token}` };
    const refused = await rawRequest(app.server.url, {
      path: "/trpc/auth.me",
      headers: { ...headers, host: `rebind.evil.example:${port()}` },
    });
    expect(refused.status).toBe(421);
    expect(refused.body).not.toContain(u.id);
    expect((await rawRequest(app.server.url, { path: "/", headers: { host: "rebind.evil.example" } })).status).toBe(421);

    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, "chat.example.com", `[::1]:${port()}`]) {
      const ok = await rawRequest(app.server.url, { path: "/trpc/auth.me", headers: { ...headers, host } });
      expect(ok.status, host).toBe(200);
      expect(JSON.parse(ok.body).result.data.id).toBe(u.id);
    }
  });

  it("refuses the WebSocket upgrade for a foreign Host, and answers /healthz and /readyz whatever the Host", async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(app.server.url.replace("http", "ws") + "/trpc", { headers: { host: `rebind.evil.example:${port()}` } });
      ws.once("open", () => {
        ws.close();
        resolve(101);
      });
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("error", () => resolve(-1));
    });
    expect(status).toBe(421);
    for (const path of ["/healthz", "/readyz"]) {
      expect((await rawRequest(app.server.url, { path, headers: { host: "health-checker.internal" } })).status).toBe(200);
    }
  });
});

describe("input rules (11.7)", () => {
  it("refuses strings with lone UTF-16 surrogates with BAD_REQUEST, unauthenticated too", async () => {
    const login = await postJson(app.server.url, "auth.login", { login: "ab\ud800c", password: "whatever1" });
    expect(login.status).toBe(400);
    expect(login.body.error.data.code).toBe("BAD_REQUEST");
    expect(login.body.error.data.zodError.fieldErrors.login?.[0]).toMatch(/invalid character/i);
    const password = await postJson(app.server.url, "auth.login", { login: "somebody", password: "pass\udfffword" });
    expect(password.body.error.data.code).toBe("BAD_REQUEST");

    const u = await signUp(app.server);
    const t = u.client.trpc;
    const room = await t.room.create.mutate({ name: uniqueName("sur") });
    expect(await errorCode(t.message.send.mutate({ roomId: room.id, text: "hi \ud83d" }))).toBe("BAD_REQUEST");
    expect(await errorCode(t.room.create.mutate({ name: "\udc00room" }))).toBe("BAD_REQUEST");
    // Lookups of something that cannot exist are misses, as the contract says for ids of the wrong shape.
    expect(await errorCode(t.user.get.query({ username: "x\ud800" }))).toBe("NOT_FOUND");
    expect(await errorCode(t.room.get.query({ roomId: `${room.id}\udc00` }))).toBe("NOT_FOUND");
    expect(await errorCode(t.message.list.query({ roomId: room.id, before: "\ud800" }))).toBe("BAD_REQUEST");
    // A well-formed pair is text like any other.
    const sent = await t.message.send.mutate({ roomId: room.id, text: "hi \ud83d\ude00" });
    expect(sent.text).toBe("hi 😀");
    expect(await app.db.prisma.message.count({ where: { roomId: room.id } })).toBe(1);
  });

  it("normalizes room names (NFKC) and refuses invisible and format characters", async () => {
    const u = await signUp(app.server);
    const t = u.client.trpc;
    const name = uniqueName("general");
    await t.room.create.mutate({ name });
    const zeroWidth = `${name.slice(0, 3)}\u200b${name.slice(3)}`;
    for (const invisible of [zeroWidth, `${name}\u200d`, `\u2060${name}x`, `${name}\ufeffy`, `\u202e${name}z`, `${name}\u0007`]) {
      expect(await errorCode(t.room.create.mutate({ name: invisible })), JSON.stringify(invisible)).toBe("BAD_REQUEST");
    }
    // Full-width letters are the same name after NFKC: taken.
    const fullWidth = [...name].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join("");
    expect(await errorCode(t.room.create.mutate({ name: fullWidth }))).toBe("CONFLICT");
    // Stored normalized; emoji sequences stay allowed.
    const ligature = await t.room.create.mutate({ name: `\ufb01nance ${name}` });
    expect(ligature.name).toBe(`finance ${name}`);
    const stored = await app.db.prisma.room.findUnique({ where: { id: ligature.id }, select: { name: true } });
    expect(stored?.name).toBe(`finance ${name}`);
    const emoji = await t.room.create.mutate({ name: `❤️ 👩‍💻 ${name}` });
    expect(emoji.name).toBe(`❤️ 👩‍💻 ${name}`);
    expect(await errorCode(t.room.create.mutate({ name: "\u200b" }))).toBe("BAD_REQUEST");
  });

  it("answers TRACE and other unknown methods on /trpc with 405 and an Allow header", async () => {
    for (const method of ["TRACE", "PUT", "DELETE", "PATCH"]) {
      const res = await rawRequest(app.server.url, { method, path: "/trpc/auth.me" });
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe("GET, POST, OPTIONS");
    }
    expect((await rawRequest(app.server.url, { method: "TRACE", path: "/" })).status).toBe(405);
  });
});
