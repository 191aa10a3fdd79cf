import type { AppRouter } from "@parley/api";
import { createTRPCClient, createWSClient, TRPCClientError, wsLink } from "@trpc/client";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { Collector, roomWith, signUp, sleep, started, until, useTestServer } from "./harness";
import { startProxy } from "./tcp-proxy";

// Parley serves tRPC's WebSocket protocol with its own adapter (apps/server/src/ws). These tests
// hold it to what the unchanged @trpc/client (createWSClient + wsLink) and raw protocol
// clients expect: subscribe, tracked ids, stop, reconnect with lastEventId, errors, batches.

const app = useTestServer();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function trpcClient(url: string, token: string) {
  const wsClient = createWSClient({
    url: url.replace(/^http/, "ws") + "/trpc",
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, // Node 20 has no global WebSocket
    connectionParams: () => ({ token }),
    retryDelayMs: () => 100,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
  cleanups.push(() => wsClient.close());
  return client;
}

type Tracked = { id: string; data: { type: string; message?: { text: string } } };

describe("Parley's WebSocket adapter with the real @trpc/client", () => {
  it("subscribes, delivers tracked events in order, and a stop ends the stream on the server", async () => {
    const [alice, bob] = [await signUp(app.server), await signUp(app.server)];
    const room = await roomWith(alice, bob);
    const client = trpcClient(app.server.url, bob.token);
    const got = new Collector<Tracked>();
    const { onStarted, ready } = started();
    const sub = client.room.events.subscribe({ roomId: room.id }, { onStarted, onData: (e) => got.push(e) });
    await ready;
    expect(app.server.stats().roomChannels).toBeGreaterThanOrEqual(1);
    for (const text of ["one", "two", "three"]) await alice.client.trpc.message.send.mutate({ roomId: room.id, text });
    const events = await got.waitFor(3);
    expect(events.map((e) => e.data.message?.text)).toEqual(["one", "two", "three"]);
    const ids = events.map((e) => BigInt(e.id));
    expect(ids[1]! - ids[0]!).toBe(1n);
    expect(ids[2]! - ids[1]!).toBe(1n);
    sub.unsubscribe();
    await until(() => app.server.stats().roomChannels === 0, "the room's channel is closed");
  });

  it("resumes with lastEventId after the network drops: nothing lost, nothing twice", async () => {
    const [alice, bob] = [await signUp(app.server), await signUp(app.server)];
    const room = await roomWith(alice, bob);
    const proxy = await startProxy(app.server.port);
    cleanups.push(() => proxy.close());
    const client = trpcClient(proxy.url, bob.token);
    const got = new Collector<Tracked>();
    let starts = 0;
    const { onStarted, ready } = started();
    client.room.events.subscribe(
      { roomId: room.id },
      {
        onStarted: () => {
          starts += 1;
          onStarted();
        },
        onData: (e) => got.push(e),
      },
    );
    await ready;
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "before" });
    await got.waitFor(1);
    proxy.cut();
    for (const text of ["while away 1", "while away 2"]) await alice.client.trpc.message.send.mutate({ roomId: room.id, text });
    await until(() => starts >= 2, "the subscription restarted");
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "after" });
    const events = await got.waitFor(4);
    await sleep(200);
    expect(got.items.map((e) => e.data.message?.text)).toEqual(["before", "while away 1", "while away 2", "after"]);
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
  });

  it("answers errors in tRPC's shape: validation (with zodError) and a FORBIDDEN subscription", async () => {
    const [alice, bob] = [await signUp(app.server), await signUp(app.server)];
    const room = await alice.client.trpc.room.create.mutate({ name: `adapter-${Date.now()}` });
    const client = trpcClient(app.server.url, bob.token);
    const error = await client.message.send.mutate({ roomId: room.id, text: "" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe("BAD_REQUEST");
    expect((error as TRPCClientError<AppRouter>).data?.zodError?.fieldErrors.text).toBeDefined();
    const subscriptionError = await new Promise<unknown>((resolve) => {
      client.room.events.subscribe({ roomId: room.id }, { onError: resolve });
    });
    expect((subscriptionError as TRPCClientError<AppRouter>).data?.code).toBe("FORBIDDEN");
    expect(app.server.stats().roomChannels).toBe(0);
  });
});

describe("the raw protocol", () => {
  function open(token: string): Promise<{ ws: WebSocket; next: () => Promise<any>; messages: any[] }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(app.server.url.replace(/^http/, "ws") + "/trpc?connectionParams=1");
      const messages: any[] = [];
      const waiters: ((m: any) => void)[] = [];
      ws.on("message", (data: Buffer) => {
        const text = data.toString("utf8");
        const message = text === "PONG" ? "PONG" : JSON.parse(text);
        const waiter = waiters.shift();
        if (waiter) waiter(message);
        else messages.push(message);
      });
      const next = () => (messages.length > 0 ? Promise.resolve(messages.shift()) : new Promise<any>((r) => waiters.push(r)));
      ws.once("open", () => {
        ws.send(JSON.stringify({ method: "connectionParams", data: { token } }));
        resolve({ ws, next, messages });
      });
      ws.once("error", reject);
      cleanups.push(() => ws.close());
    });
  }

  it("answers a batch in one frame, PING with PONG, a duplicate id with BAD_REQUEST, and stop with stopped", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    const { ws, next } = await open(alice.token);
    ws.send("PING");
    expect(await next()).toBe("PONG");
    ws.send(
      JSON.stringify([
        { id: 1, method: "query", params: { path: "auth.me" } },
        { id: 2, method: "query", params: { path: "room.get", input: { roomId: room.id } } },
      ]),
    );
    const replies = [await next(), await next()].sort((a, b) => a.id - b.id);
    expect(replies[0].result.data.id).toBe(alice.id);
    expect(replies[1].result.data.id).toBe(room.id);

    ws.send(JSON.stringify({ id: 3, method: "subscription", params: { path: "room.events", input: { roomId: room.id } } }));
    expect(await next()).toEqual({ id: 3, result: { type: "started" } });
    ws.send(JSON.stringify({ id: 3, method: "subscription", params: { path: "room.events", input: { roomId: room.id } } }));
    expect((await next()).error.data.code).toBe("BAD_REQUEST");
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "raw" });
    const data = await next();
    expect(data).toMatchObject({ id: 3, result: { type: "data", data: { data: { type: "message.created", message: { text: "raw" } } } } });
    expect(data.result.id).toBe(data.result.data.id);
    ws.send(JSON.stringify({ id: 3, method: "subscription.stop" }));
    expect(await next()).toEqual({ id: 3, result: { type: "stopped" } });
    await until(() => app.server.stats().roomChannels === 0, "the room's channel is closed");
  });

  it("stops a subscription whose stop arrives while its resolver still runs", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    const { ws, next } = await open(alice.token);
    // Subscribe and stop in one frame: the stop lands while the resolver awaits the database.
    ws.send(
      JSON.stringify([
        { id: 7, method: "subscription", params: { path: "room.events", input: { roomId: room.id } } },
        { id: 7, method: "subscription.stop" },
      ]),
    );
    expect(await next()).toEqual({ id: 7, result: { type: "stopped" } });
    await sleep(300);
    expect(app.server.stats().roomChannels).toBe(0);
  });

  it("never lets a stop overtake its subscribe, even past the first ten requests of a frame", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    const { ws, messages } = await open(alice.token);
    ws.send(
      JSON.stringify(
        Array.from({ length: 15 }, (_, i) => ({
          id: 100 + i,
          method: "subscription",
          params: { path: "room.events", input: { roomId: room.id } },
        })),
      ),
    );
    ws.send(JSON.stringify({ id: 112, method: "subscription.stop" })); // the 13th, in the next frame
    await until(() => messages.filter((m) => m.result?.type === "started" || m.result?.type === "stopped").length >= 15, "all answered");
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "after the stop" });
    await until(() => messages.filter((m) => m.result?.type === "data").length >= 14, "the others receive it");
    await sleep(200);
    const data = messages.filter((m) => m.result?.type === "data");
    expect(data).toHaveLength(14);
    expect(data.some((m) => m.id === 112)).toBe(false);
  });
});
