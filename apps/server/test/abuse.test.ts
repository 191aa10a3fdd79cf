import { publicUser } from "@parley/contract";
import { messages } from "@parley/db";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { ParleyServer } from "../src/app";
import { Collector, roomWith, signUp, started, startTestServer, until, useTestServer, type TestUser } from "./harness";

// Issue 11, findings 1 and 2: one user must not be able to freeze Parley with replays or sockets.

const app = useTestServer();
const extra: ParleyServer[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const server of extra.splice(0)) await server.close();
});

async function serverWith(env: Record<string, string>): Promise<ParleyServer> {
  const server = await startTestServer(app.db, env);
  extra.push(server);
  return server;
}

/** A raw protocol socket: resolves once open, or with the HTTP status that refused the upgrade. */
function rawSocket(server: ParleyServer, options: { token?: string } = {}): Promise<{ ws?: WebSocket; status?: number }> {
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/trpc`, { headers });
    ws.once("open", () => {
      sockets.push(ws);
      resolve({ ws });
    });
    ws.once("unexpected-response", (_req, res) => resolve({ status: res.statusCode }));
    ws.once("error", () => resolve({ status: -1 }));
  });
}

/** Collects the parsed frames a raw socket receives. */
function frames(ws: WebSocket): any[] {
  const out: any[] = [];
  ws.on("message", (data: Buffer) => {
    const text = data.toString("utf8");
    if (text !== "PING" && text !== "PONG") out.push(JSON.parse(text));
  });
  return out;
}

/** One frame of `count` room.events subscriptions (ids 1…count) with the same input. */
function roomEventsFrame(count: number, input: { roomId: string; lastEventId?: string }): string {
  return JSON.stringify(
    Array.from({ length: count }, (_, i) => ({ id: i + 1, method: "subscription", params: { path: "room.events", input } })),
  );
}

/** Writes `count` messages straight into the room's log (as `author`), in batches. */
async function seed(roomId: string, author: TestUser, count: number): Promise<void> {
  for (let done = 0; done < count; done += 100) {
    const drafts = Array.from({ length: Math.min(100, count - done) }, (_, i) => ({
      author: publicUser({ id: author.id, username: author.username, createdAt: new Date().toISOString() }),
      text: `history ${done + i} ${"h".repeat(200)}`,
      clientMsgId: null,
    }));
    await messages.createMessages(app.db, roomId, drafts);
  }
}

describe("replay amplification (11.1)", () => {
  it("caps subscriptions per socket: past 100 in one frame, TOO_MANY_REQUESTS", async () => {
    const server = await serverWith({ RATE_LIMIT_SUBSCRIBE: "1000/100" }); // the socket's cap, not the user's rate
    const alice = await signUp(server);
    const room = await roomWith(alice);
    const { ws } = await rawSocket(server, { token: alice.token });
    const got = frames(ws!);
    ws!.send(roomEventsFrame(130, { roomId: room.id }));
    await until(() => got.length >= 130, "every subscription is answered", 10_000);
    const startedCount = got.filter((f) => f.result?.type === "started").length;
    const refused = got.filter((f) => f.error?.data?.code === "TOO_MANY_REQUESTS");
    expect(startedCount).toBe(100);
    expect(refused).toHaveLength(30);
    expect(refused[0].error.message).toMatch(/100 subscriptions per connection/);
  });

  it("limits the subscriptions a user opens, before any query: 60 at once by default", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    const { ws } = await rawSocket(app.server, { token: alice.token });
    const got = frames(ws!);
    ws!.send(roomEventsFrame(70, { roomId: room.id }));
    await until(() => got.length >= 70, "every subscription is answered", 10_000);
    expect(got.filter((f) => f.result?.type === "started")).toHaveLength(60);
    const refused = got.filter((f) => f.error?.data?.code === "TOO_MANY_REQUESTS");
    expect(refused).toHaveLength(10);
    expect(refused[0].error.data.retryAfterMs).toBeGreaterThan(0);
  });

  it("rate-limits replays that read the log, and keeps the server answering everyone else meanwhile", async () => {
    const server = await serverWith({ RATE_LIMIT_REPLAY: "5/0.01" });
    const [alice, mallory, carol, dave] = [await signUp(server), await signUp(server), await signUp(server), await signUp(server)];
    const room = await roomWith(alice, mallory);
    await seed(room.id, alice, 1_200);

    // Another room, busy with its own conversation.
    const other = await roomWith(carol, dave);
    const daveGot = new Collector<unknown>();
    const { onStarted, ready } = started();
    dave.client.trpc.room.events.subscribe({ roomId: other.id }, { onStarted, onData: (e) => daveGot.push(e) });
    await ready;

    // Mallory asks for forty full replays of a 1,200-message room in one frame.
    const { ws } = await rawSocket(server, { token: mallory.token });
    const got = frames(ws!);
    ws!.send(roomEventsFrame(40, { roomId: room.id, lastEventId: "1" }));
    for (let i = 0; i < 10; i++) await carol.client.trpc.message.send.mutate({ roomId: other.id, text: `meanwhile ${i}` });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await daveGot.waitFor(10, 10_000);

    await until(() => got.filter((f) => f.result?.type === "started" || f.error).length >= 40, "every replay is answered", 10_000);
    const refused = got.filter((f) => f.error?.data?.code === "TOO_MANY_REQUESTS");
    expect(refused).toHaveLength(35);
    // The five that were allowed replay the whole log: 1,200 messages each.
    await until(() => got.filter((f) => f.result?.type === "data").length >= 5 * 1_200, "the allowed replays finish", 20_000);
  });
});

describe("a client that never reads", () => {
  it("is dropped once its unread replies pass WS_MAX_BACKLOG_BYTES", { timeout: 60_000 }, async () => {
    const server = await serverWith({ WS_MAX_BACKLOG_BYTES: String(64 * 1024), RATE_LIMITS: "off" });
    const alice = await signUp(server);
    const room = await roomWith(alice);
    await seed(room.id, alice, 100);
    const before = server.stats().webSockets;
    const { ws } = await rawSocket(server, { token: alice.token });
    const closed = new Promise<number>((resolve) => ws!.once("close", (code: number) => resolve(code)));
    // Stop reading (as a stuck client would), then ask for page after page of history.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    let id = 1;
    for (let frame = 0; frame < 40 && ws!.readyState === WebSocket.OPEN; frame++) {
      ws!.send(
        JSON.stringify(
          Array.from({ length: 25 }, () => ({
            id: id++,
            method: "query",
            params: { path: "message.list", input: { roomId: room.id, limit: 100 } },
          })),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // Still not reading: the server must give up on the socket by itself, however long its
    // replies take to pile up (reading again earlier would drain them and prove nothing).
    await until(() => server.stats().webSockets === before, "the server to drop the stuck socket", 25_000);
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toBe(1006); // terminated by the server, not closed politely
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe("connection exhaustion (11.2)", () => {
  it("refuses anonymous sockets past the per-address cap with 429, and keeps /healthz answering", async () => {
    const server = await serverWith({ WS_MAX_ANONYMOUS_PER_ADDRESS: "5", WS_MAX_PER_ADDRESS: "8" });
    const alice = await signUp(server);
    // Only Alice's signed-in socket is open (the one she signed up on has gone): then the
    // address holds no anonymous socket yet.
    await alice.client.trpc.auth.me.query();
    await until(() => server.stats().webSockets === 1, "only Alice's signed-in socket is open", 10_000);
    const held = [];
    for (let i = 0; i < 5; i++) held.push(await rawSocket(server));
    expect(held.every((h) => h.ws)).toBe(true);
    expect((await rawSocket(server)).status).toBe(429);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // A socket that closes gives its place back.
    held[0]!.ws!.close();
    await until(() => server.stats().webSockets <= 5, "the closed socket is gone", 10_000);
    const again = await rawSocket(server, { token: alice.token });
    expect(again.ws).toBeDefined();
    // Its first answer comes once its session is known: from then on it counts as signed in.
    const answered = new Promise((resolve) => again.ws!.once("message", resolve));
    again.ws!.send(JSON.stringify({ id: 1, method: "query", params: { path: "auth.me" } }));
    await answered;
    // A signed-in socket counts towards the address's total of 8, not towards the anonymous 5.
    expect((await rawSocket(server)).ws).toBeDefined(); // the fifth anonymous one again
    expect((await rawSocket(server)).status).toBe(429);
  });

  it("refuses everyone with 503 past the server's total", async () => {
    const server = await serverWith({ WS_MAX_CONNECTIONS: "3" });
    for (let i = 0; i < 3; i++) expect((await rawSocket(server)).ws).toBeDefined();
    expect((await rawSocket(server)).status).toBe(503);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});
