import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { RoomEvent } from "@parley/contract";
import { Collector, roomWith, signUp, started, useTestServer } from "./harness";

// The Go server this replaces let one slow client stall every room. Here a subscriber that stops
// reading is cut off once its unsent backlog passes WS_MAX_BACKLOG_BYTES, while everyone else
// keeps receiving everything.
const app = useTestServer({ RATE_LIMITS: "off", WS_MAX_BACKLOG_BYTES: String(256 * 1024) });

type Tracked = { id: string; data: RoomEvent };

describe("a subscriber that stops reading", () => {
  it("is dropped, and does not hold up the others", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const carol = await signUp(app.server);
    const room = await roomWith(alice, bob, carol);

    // Bob subscribes over a raw socket and then stops reading from it.
    const slow = new WebSocket(`${app.server.url.replace("http", "ws")}/trpc`, { headers: { authorization: `Bearer ${bob.token}` } });
    await new Promise((resolve) => slow.once("open", resolve));
    let slowMessages = 0;
    const slowStarted = new Promise<void>((resolve) =>
      slow.on("message", (data: Buffer) => {
        slowMessages++;
        if (data.toString("utf8").includes('"started"')) resolve();
      }),
    );
    slow.send(JSON.stringify({ id: 1, method: "subscription", params: { path: "room.events", input: { roomId: room.id } } }));
    await slowStarted;
    const slowClosed = new Promise<number>((resolve) => slow.once("close", (code: number) => resolve(code)));
    // ws has no public "stop reading": pause the TCP socket underneath, as a stuck client would.
    (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

    // Carol reads normally.
    const events = new Collector<Tracked>();
    const { onStarted, ready } = started();
    carol.client.trpc.room.events.subscribe({ roomId: room.id }, { onStarted, onData: (e) => events.push(e) });
    await ready;

    // About 6 MB of messages: far more than loopback's socket buffers plus the 256 KiB backlog.
    const total = 1_600;
    const text = "x".repeat(3_500);
    for (let batch = 0; batch < total / 40; batch++) {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => alice.client.trpc.message.send.mutate({ roomId: room.id, text: `${batch * 40 + i} ${text}` })),
      );
    }
    await events.waitFor(total, 30_000);
    const ids = events.items.map((e) => BigInt(e.id));
    expect(new Set(ids).size).toBe(total);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);

    // Bob's socket was dropped partway: once it reads again it sees the close, not everything.
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    // 1006: the server terminated the connection (no close frame), as it does to a backed-up socket.
    expect(await slowClosed).toBe(1006);
    expect(slowMessages).toBeLessThan(total);
  }, 90_000);
});
