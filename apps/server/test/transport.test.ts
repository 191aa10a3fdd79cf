import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { codeOf, connect, errorCode, openTestDatabase, signUp, startTestServer, uniqueName, useTestServer } from "./harness";

const app = useTestServer({ ALLOWED_ORIGINS: "https://chat.example.com" });

/** Opens a raw WebSocket; resolves with the open socket or the HTTP status that refused it. */
function openRaw(headers: Record<string, string> = {}, path = "/trpc"): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(app.server.url.replace("http", "ws") + path, { headers });
    ws.once("open", () => resolve({ ws }));
    ws.once("unexpected-response", (_req, res) => resolve({ status: res.statusCode }));
    ws.once("error", () => resolve({ status: -1 }));
  });
}

function nextMessage(ws: WebSocket): Promise<any> {
  return new Promise((resolve) => ws.once("message", (data: Buffer) => resolve(JSON.parse(data.toString("utf8")))));
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once("close", (code) => resolve(code)));
}

describe("HTTP endpoints", () => {
  it("answers /healthz and /readyz", async () => {
    const health = await fetch(`${app.server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${app.server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  it("serves the web app with an SPA fallback and never files outside it", async () => {
    const page = await fetch(`${app.server.url}/rooms/anything`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const traversal = await fetch(`${app.server.url}/..%2f..%2f..%2fetc%2fpasswd`);
    expect(await traversal.text()).not.toContain("root:");
  });

  it("refuses HTTP bodies over 64 KiB with PAYLOAD_TOO_LARGE", async () => {
    const res = await fetch(`${app.server.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: "x".repeat(70 * 1024), password: "y" }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as any;
    expect(body.error.data.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("batches HTTP queries", async () => {
    const u = await signUp(app.server);
    const res = await fetch(`${app.server.url}/trpc/auth.me,room.list?batch=1&input=${encodeURIComponent("{}")}`, {
      headers: { authorization: `Bearer ${u.token}` },
    });
    const body = (await res.json()) as any[];
    expect(body).toHaveLength(2);
    expect(body[0].result.data.id).toBe(u.id);
    expect(Array.isArray(body[1].result.data)).toBe(true);
  });
});

describe("WebSocket upgrade", () => {
  it("refuses a browser Origin that is not allowed with 403, and accepts allowed or absent ones", async () => {
    expect((await openRaw({ origin: "https://evil.example" })).status).toBe(403);
    for (const headers of [{}, { origin: app.server.url }, { origin: "https://chat.example.com" }] as Record<string, string>[]) {
      const { ws, status } = await openRaw(headers);
      expect(status, JSON.stringify(headers)).toBeUndefined();
      ws?.close();
    }
    expect((await openRaw({}, "/elsewhere")).status).toBe(404);
  });

  it("uses the cookie sent with the upgrade request", async () => {
    const u = await signUp(app.server);
    const { ws } = await openRaw({ cookie: `parley_session=${u.token}` });
    ws!.send(JSON.stringify({ id: 1, method: "query", params: { path: "auth.me" } }));
    const reply = await nextMessage(ws!);
    expect(reply.result.data.id).toBe(u.id);
    ws!.close();
    // A foreign page cannot ride on the cookie: its upgrade is refused before the cookie is read.
    expect((await openRaw({ cookie: `parley_session=${u.token}`, origin: "https://evil.example" })).status).toBe(403);
  });

  it("survives malformed frames, oversized frames and malformed connectionParams", async () => {
    const { ws } = await openRaw();
    ws!.send("this is not json");
    const reply = await nextMessage(ws!);
    expect(reply.error.data.code).toBe("PARSE_ERROR");
    ws!.send(JSON.stringify({ id: 2, method: "query", params: { path: "no.such.procedure" } }));
    expect((await nextMessage(ws!)).error.data.code).toBe("NOT_FOUND");
    ws!.send("x".repeat(65 * 1024));
    expect(await closed(ws!)).toBe(1009); // message too big

    const params = await openRaw({}, "/trpc?connectionParams=1");
    params.ws!.send(JSON.stringify({ method: "connectionParams", data: { token: 42 } }));
    const code = await closed(params.ws!);
    expect(code).toBeGreaterThan(0);

    // The server is still fine.
    const u = await signUp(app.server);
    expect((await u.client.trpc.auth.me.query()).id).toBe(u.id);
    expect((await fetch(`${app.server.url}/healthz`)).status).toBe(200);
  });
});

describe("production errors", () => {
  it("hide stack traces and internals, and /readyz reports a dead database", async () => {
    const deadDb = await openTestDatabase();
    const prod = await startTestServer(deadDb, { NODE_ENV: "production" });
    try {
      const anonymous = connect(prod);
      const badInput = await fetch(`${prod.url}/trpc/room.create`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "" }),
      });
      const badBody = (await badInput.json()) as any;
      expect(badBody.error.data.stack).toBeUndefined();
      await deadDb.close();
      const ready = await fetch(`${prod.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "unavailable" });
      const res = await fetch(`${prod.url}/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ login: uniqueName(), password: "whatever1" }),
      });
      const body = (await res.json()) as any;
      // A database that is gone is an outage the client may wait out, not an internal error (19.4).
      expect(res.status).toBe(503);
      expect(body.error.data.code).toBe("SERVICE_UNAVAILABLE");
      expect(body.error.data.retryAfterMs).toBe(1000);
      expect(body.error.message).toBe("The database is briefly unavailable; try again shortly");
      expect(body.error.data.stack).toBeUndefined();
      expect(JSON.stringify(body)).not.toMatch(/SELECT|prisma|at .*\.ts/i);
      await anonymous.close();
    } finally {
      await prod.close();
    }
  });
});

describe("rate limits", () => {
  it("answer TOO_MANY_REQUESTS past a configured burst, and RATE_LIMITS=off turns them off", async () => {
    const limited = await startTestServer(app.db, { RATE_LIMIT_MESSAGE: "20/1" });
    try {
      const u = await signUp(limited);
      const room = await u.client.trpc.room.create.mutate({ name: uniqueName("flood") });
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => u.client.trpc.message.send.mutate({ roomId: room.id, text: `flood ${i}` })),
      );
      const limitedCalls = results.filter((r) => r.status === "rejected" && codeOf(r.reason) === "TOO_MANY_REQUESTS");
      expect(limitedCalls.length).toBeGreaterThanOrEqual(15);
      expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThanOrEqual(20);
      expect(await app.db.prisma.message.count({ where: { roomId: room.id } })).toBe(40 - limitedCalls.length);
    } finally {
      await limited.close();
    }

    // The defaults let a script seed a long history in one go.
    const u = await signUp(app.server);
    const seeded = await u.client.trpc.room.create.mutate({ name: uniqueName("seed") });
    for (let i = 0; i < 150; i++) await u.client.trpc.message.send.mutate({ roomId: seeded.id, text: `seed ${i}` });

    const unlimited = await startTestServer(app.db, { RATE_LIMITS: "off", RATE_LIMIT_MESSAGE: "1/0.01" });
    try {
      const v = await signUp(unlimited);
      const open = await v.client.trpc.room.create.mutate({ name: uniqueName("open") });
      const all = await Promise.allSettled(
        Array.from({ length: 60 }, (_, i) => v.client.trpc.message.send.mutate({ roomId: open.id, text: `ok ${i}` })),
      );
      expect(all.every((r) => r.status === "fulfilled")).toBe(true);
    } finally {
      await unlimited.close();
    }
  });
});

describe("input that the database cannot store", () => {
  it("is refused or unknown, never a 500: NUL characters and over-long ids", async () => {
    const u = await signUp(app.server);
    const room = await u.client.trpc.room.create.mutate({ name: uniqueName("nul") });
    const t = u.client.trpc;
    expect(await errorCode(t.message.send.mutate({ roomId: room.id, text: "a\u0000b" }))).toBe("BAD_REQUEST");
    expect(await errorCode(t.message.send.mutate({ roomId: room.id, text: "ok", clientMsgId: "x\u0000" }))).toBe("BAD_REQUEST");
    expect(await errorCode(t.room.create.mutate({ name: "bad\u0000name" }))).toBe("BAD_REQUEST");
    expect(await errorCode(t.message.list.query({ roomId: room.id, before: "ab\u0000c" }))).toBe("BAD_REQUEST");
    expect(await errorCode(t.user.get.query({ username: "ab\u0000c" }))).toBe("NOT_FOUND");
    expect(await errorCode(connect(app.server).trpc.auth.login.mutate({ login: "ab\u0000c", password: "whatever1" }))).toBe("UNAUTHORIZED");
    expect(await errorCode(t.room.get.query({ roomId: "x".repeat(300) }))).toBe("NOT_FOUND");
    expect(await errorCode(t.user.get.query({ username: "x".repeat(300) }))).toBe("NOT_FOUND");
    expect(await errorCode(t.message.delete.mutate({ messageId: "x".repeat(300) }))).toBe("NOT_FOUND");
  });
});
