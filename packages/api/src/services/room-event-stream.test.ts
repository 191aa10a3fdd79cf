import { fileURLToPath } from "node:url";
import { publicUser, type Me } from "@parley/contract";
import { applyMigrations, events, messages, openDatabase, rooms, users, type Database, type StoredRoomEvent } from "@parley/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Context } from "../context";
import type { ApiDeps } from "../deps";
import { MemoryHub } from "../hub/memory-hub";
import { topics } from "../hub/topics";
import { appRouter } from "../root";
import { createCallerFactory } from "../trpc";
import { silentLogger } from "../log";
import { noopMetrics } from "../metrics";
import { PasswordHasher } from "./passwords";
import { RateLimiter } from "./rate-limit";
import { SocketRegistry } from "../lib/socket-registry";
import { SubscriptionSlots } from "./subscription-slots";
import { RoomChannels } from "../stream/room-channels";
import type { RoomEventStream } from "./room-event-stream";
import { RoomTallies } from "./room-tally";
import { createSendBatcher } from "./send-batcher";

// The stream logic against a real (in-memory PGlite) database, through a router caller: no
// network, but a hub we control, so live events can arrive late, early or out of order.

let db: Database;
let me: Me;

beforeAll(async () => {
  db = await openDatabase({ kind: "pglite", dataDir: null });
  await applyMigrations(db, fileURLToPath(new URL("../../../../prisma/migrations", import.meta.url)));
  me = await users.createUser(db, { username: "streamer", email: "s@example.com", passwordHash: "x" });
});

afterAll(async () => {
  await db.close();
});

/** Log reads through the channels, counted. */
type Counted = { reads: number };

/** What the send path does after a commit: hands the event to the hub. */
const publish = (hub: MemoryHub, event: StoredRoomEvent) => hub.publish(topics.roomEvents(event.roomId), event);

function depsFor(hub: MemoryHub, counted: Counted = { reads: 0 }, pageSize = 500): ApiDeps {
  return {
    db,
    hub,
    sockets: new SocketRegistry(),
    subscriptionSlots: new SubscriptionSlots(1000),
    sends: createSendBatcher(db, hub),
    rateLimiter: RateLimiter.memory(false),
    passwords: new PasswordHasher(),
    roomChannels: new RoomChannels(hub, db, {
      pageSize,
      readLog: (roomId, afterSeq, options) => {
        counted.reads += 1;
        return events.listEventsAfter(db, roomId, afterSeq, options);
      },
    }),
    roomTallies: new RoomTallies(hub, { intervalMs: 0 }),
    config: {
      isDev: true,
      sessionTtlMs: 60_000,
      secureCookies: false,
      maxSocketBacklogBytes: 1 << 20,
      maxSubscriptionsPerUser: 1000,
      trustProxy: false,
      roomListLimit: 200,
    },
    metrics: noopMetrics,
    log: silentLogger,
  };
}

function callerFor(hubOrDeps: MemoryHub | ApiDeps) {
  const deps = hubOrDeps instanceof MemoryHub ? depsFor(hubOrDeps) : hubOrDeps;
  const ctx: Context = {
    deps,
    session: { id: "s", user: me, expiresAt: new Date(Date.now() + 60_000), lastSeenAt: new Date() },
    http: null,
    socket: null,
    clientAddress: "test",
    log: silentLogger,
  };
  return createCallerFactory(appRouter)(ctx);
}

/** Writes a message to the database without publishing it (the caller decides when). */
async function write(roomId: string, text: string): Promise<StoredRoomEvent> {
  const { event } = await messages.createMessage(db, { roomId, author: publicUser(me), text, clientMsgId: null });
  if (!event) throw new Error("expected an event");
  return event;
}

async function take(iterator: AsyncIterator<unknown>, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const next = await iterator.next();
    const [id, event] = next.value as [string, { type: string; message?: { text: string } }];
    out.push(`${id}:${event.message?.text ?? event.type}`);
  }
  return out;
}

describe("room.events stream", () => {
  it("fills a gap from the database when a later event arrives first, and drops the late duplicate", async () => {
    const hub = new MemoryHub();
    const { room } = await rooms.createRoom(db, { name: "gaps", creator: publicUser(me) });
    const stream = await callerFor(hub).room.events({ roomId: room.id });
    const iterator = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const e2 = await write(room.id, "two");
    const e3 = await write(room.id, "three");
    publish(hub, e3); // arrives before e2
    publish(hub, e2); // late: already delivered from the database
    const e4 = await write(room.id, "four");
    publish(hub, e4);
    expect(await take(iterator, 3)).toEqual(["2:two", "3:three", "4:four"]);
    await iterator.return?.();
  });

  it("replays after lastEventId, then goes live without repeating what the replay read", async () => {
    const hub = new MemoryHub();
    const { room } = await rooms.createRoom(db, { name: "replay", creator: publicUser(me) });
    const a = await write(room.id, "a");
    const b = await write(room.id, "b");
    const stream = await callerFor(hub).room.events({ roomId: room.id, lastEventId: String(a.seq) });
    const iterator = (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    publish(hub, b); // b is both in the log and live
    const c = await write(room.id, "c");
    publish(hub, c);
    expect(await take(iterator, 2)).toEqual(["3:b", "4:c"]);
    await iterator.return?.();
  });

  it("orders out-of-order events once per room: fifty subscribers, one read of the gap", async () => {
    const hub = new MemoryHub();
    const counted = { reads: 0 };
    const deps = depsFor(hub, counted);
    const { room } = await rooms.createRoom(db, { name: "fan-out", creator: publicUser(me) });
    const iterators = [];
    for (let i = 0; i < 50; i++) {
      const stream = await callerFor(deps).room.events({ roomId: room.id });
      iterators.push((stream as AsyncIterable<unknown>)[Symbol.asyncIterator]());
    }
    const written: StoredRoomEvent[] = [];
    for (let i = 0; i < 6; i++) written.push(await write(room.id, `m${i}`));
    // The hub hands them over out of commit order, the second one never.
    for (const i of [0, 3, 2, 5, 4]) publish(hub, written[i]!);
    const expected = written.map((e, i) => `${e.seq}:m${i}`);
    for (const iterator of iterators) expect(await take(iterator, 6)).toEqual(expected);
    // One read of the log for the whole room (the missing event), not one per subscriber.
    expect(counted.reads).toBe(1);
    for (const iterator of iterators) await iterator.return?.();
    expect(hub.listenerCount(topics.roomEvents(room.id))).toBe(0);
    expect(deps.roomChannels.size).toBe(0);
  });

  it("never serves a message's text from memory once the message was deleted", async () => {
    const hub = new MemoryHub();
    const deps = depsFor(hub);
    const { room } = await rooms.createRoom(db, { name: "forget", creator: publicUser(me) });
    const first = await callerFor(deps).room.events({ roomId: room.id });
    const firstIterator = (first as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const firstGot = take(firstIterator, 3); // listening live before anything happens
    const secret = await write(room.id, "secret");
    publish(hub, secret);
    const kept = await write(room.id, "kept");
    publish(hub, kept);
    const { event: deleted } = await messages.deleteMessage(db, {
      messageId: (secret.event as { message: { id: string } }).message.id,
      roomId: room.id,
    });
    publish(hub, deleted);
    expect(await firstGot).toEqual([`${secret.seq}:secret`, `${kept.seq}:kept`, `${deleted.seq}:message.deleted`]);
    // A later subscriber resuming from before the secret catches up from the channel's memory.
    const late = await callerFor(deps).room.events({ roomId: room.id, lastEventId: "1" });
    const lateIterator = (late as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    expect(await take(lateIterator, 2)).toEqual([`${kept.seq}:kept`, `${deleted.seq}:message.deleted`]);
    await firstIterator.return?.();
    await lateIterator.return?.();
  });

  it("reads a replay's next page only once the subscriber's socket has drained", async () => {
    const hub = new MemoryHub();
    const counted = { reads: 0 };
    const deps = depsFor(hub, counted, 10);
    const { room } = await rooms.createRoom(db, { name: "backpressure", creator: publicUser(me) });
    for (let i = 0; i < 34; i++) await write(room.id, `old ${i}`);
    const stream = (await callerFor(deps).room.events({ roomId: room.id, lastEventId: "1" })) as unknown as RoomEventStream;
    const written: string[] = [];
    let drain: (() => void) | null = null;
    stream.run({
      write: (frame) => written.push(frame.id),
      bufferedAmount: 300 * 1024, // a socket with a lot queued, but not past the cut-off
      drained: () => new Promise<void>((resolve) => (drain = resolve)),
      end() {},
      fail() {},
      dropSocket() {},
    });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
    await settle();
    expect(counted.reads).toBe(0); // nothing read while the socket is full
    for (let page = 1; page <= 3; page++) {
      (drain as (() => void) | null)?.();
      await settle();
      expect(counted.reads).toBe(page);
      expect(written).toHaveLength(page * 10);
    }
    stream.cancel();
    expect(deps.roomChannels.size).toBe(0);
  });

  it("reads a gap that opened before its channel knew the room's head", async () => {
    const hub = new MemoryHub();
    const { room } = await rooms.createRoom(db, { name: "early", creator: publicUser(me) });
    const first = await write(room.id, "first");
    const second = await write(room.id, "second");
    // The channel's head read answers as if neither had committed yet, and the second one's
    // live copy arrives meanwhile; the first one's never does.
    const channels = new RoomChannels(hub, db, {
      readHead: () => {
        publish(hub, second);
        return Promise.resolve(first.seq - 1n);
      },
    });
    const channel = await channels.acquire(room.id);
    const deadline = Date.now() + 5_000;
    while (channel.position < second.seq && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(channel.position).toBe(second.seq);
    expect(channel.framesAfter(first.seq - 1n)?.map((f) => f.id)).toEqual([String(first.seq), String(second.seq)]);
    channel.release();
  });

  it("catches up from the log when the hub resumes after losing its broker, with no later event to show the gap", async () => {
    // A hub that lost what was published while its broker was away, then says it is back.
    const resume = new Set<() => void>();
    const hub = Object.assign(new MemoryHub(), {
      onResume: (listener: () => void) => {
        resume.add(listener);
        return () => resume.delete(listener);
      },
    });
    const { room } = await rooms.createRoom(db, { name: "resumed", creator: publicUser(me) });
    const channels = new RoomChannels(hub, db);
    const channel = await channels.acquire(room.id);
    const start = channel.position;
    const lost = [await write(room.id, "while away 1"), await write(room.id, "while away 2")]; // never published
    await new Promise((r) => setTimeout(r, 100));
    expect(channel.position).toBe(start);
    for (const listener of resume) listener();
    const deadline = Date.now() + 5_000;
    while (channel.position < lost[1]!.seq && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(channel.framesAfter(start)?.map((f) => f.id)).toEqual(lost.map((e) => String(e.seq)));
    // The live copies, should they turn up after all, are not delivered twice.
    for (const event of lost) publish(hub, event);
    await new Promise((r) => setTimeout(r, 50));
    expect(channel.framesAfter(start)).toHaveLength(2);
    channel.release();
  });

  it("refuses a lastEventId beyond the room's log", async () => {
    const hub = new MemoryHub();
    const { room } = await rooms.createRoom(db, { name: "future", creator: publicUser(me) });
    await expect(callerFor(hub).room.events({ roomId: room.id, lastEventId: "5" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(hub.listenerCount(topics.roomEvents(room.id))).toBe(0); // nothing left subscribed
  });
});
