import type { InboxEvent, Message, User } from "@parley/contract";
import type { reading } from "@parley/db";
import { describe, expect, it } from "vitest";
import { MemoryHub } from "../hub/memory-hub";
import { topics } from "../hub/topics";
import { InboxStream } from "./inbox-stream";
import { RoomTallies, TALLY_LIMIT, type MessagePlaceReader } from "./room-tally";

// The stream's counting, against an in-memory hub and a stand-in for the database: what the
// database would answer is whatever the test puts in `db`.

const me: User = { id: "me", username: "me", createdAt: "" };
const them: User = { id: "them", username: "them", createdAt: "" };

type Fake = { rooms: Map<string, reading.ReadingOf>; reads: number };

function fakeDb(): Fake {
  return { rooms: new Map(), reads: 0 };
}

function member(head: bigint, unread = 0, mentions = 0): reading.ReadingOf {
  return {
    unreadCount: unread,
    mentionCount: mentions,
    lastReadEventId: String(head - BigInt(unread)),
    lastMessageAt: null,
    member: true,
    head,
  };
}

function message(id: string, author: User, mentions: User[] = []): Message {
  return {
    id,
    roomId: "r",
    author,
    text: id,
    createdAt: `t-${id}`,
    editedAt: null,
    clientMsgId: null,
    replyTo: null,
    mentions,
    reactions: [],
  };
}

/** The tallies of the "server" each hub stands for: its streams share them, as createApiDeps makes them. */
const serverTallies = new WeakMap<MemoryHub, RoomTallies>();

function talliesOf(hub: MemoryHub, intervalMs: number, lookUpPlace: MessagePlaceReader | null): RoomTallies {
  let tallies = serverTallies.get(hub);
  if (!tallies) serverTallies.set(hub, (tallies = new RoomTallies(hub, { intervalMs, lookUpPlace })));
  return tallies;
}

async function open(hub: MemoryHub, db: Fake, unreadIntervalMs = 0, messagePlaces?: MessagePlaceReader) {
  const abort = new AbortController();
  const stream = await InboxStream.open(
    {
      hub,
      tallies: talliesOf(hub, unreadIntervalMs, messagePlaces ?? null),
      readStates: (roomIds) => {
        db.reads++;
        return Promise.resolve(
          new Map(roomIds.flatMap((id) => (db.rooms.has(id) ? [[id, db.rooms.get(id) as reading.ReadingOf] as const] : []))),
        );
      },
      memberRooms: () => Promise.resolve([...db.rooms.keys()]),
    },
    me.id,
    abort.signal,
    { limit: 100 },
  );
  const got: InboxEvent[] = [];
  const done = (async () => {
    for await (const event of stream) got.push(event);
  })();
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  return { stream, got, settle, stop: async () => (abort.abort(), await done) };
}

const created = (seq: bigint, m: Message) => ({ roomId: "r", seq, event: { type: "message.created" as const, message: m } });
const unread = (events: InboxEvent[]) =>
  events.filter((e) => e.type === "room.unread").map((e) => e.type === "room.unread" && [e.unreadCount, e.mentionCount, e.lastReadEventId]);

describe("InboxStream", () => {
  it("counts others' messages from the database's answer on, and tells mentions at once", async () => {
    const hub = new MemoryHub();
    const db = fakeDb();
    db.rooms.set("r", member(10n, 2));
    const s = await open(hub, db);
    hub.publish(topics.roomEvents("r"), created(9n, message("old", them))); // counted by the database already
    hub.publish(topics.roomEvents("r"), created(11n, message("a", them)));
    await s.settle();
    hub.publish(topics.roomEvents("r"), created(12n, message("b", them, [me])));
    await s.settle();
    expect(s.got.map((e) => e.type)).toEqual(["room.unread", "mention", "room.unread"]);
    expect(unread(s.got)).toEqual([
      [3, 0, "8"],
      [4, 1, "8"],
    ]);
    await s.stop();
    expect(hub.listenerCount(topics.roomEvents("r"))).toBe(0);
  });

  it("clears what the user's own message or a read position in another tab covers", async () => {
    const hub = new MemoryHub();
    const db = fakeDb();
    db.rooms.set("r", member(10n));
    const s = await open(hub, db);
    hub.publish(topics.roomEvents("r"), created(11n, message("a", them, [me])));
    hub.publish(topics.roomEvents("r"), created(12n, message("b", them)));
    await s.settle();
    hub.publish(topics.user(me.id), {
      type: "room.unread",
      roomId: "r",
      unreadCount: 1,
      mentionCount: 0,
      lastReadEventId: "11",
      lastMessageAt: null,
    });
    await s.settle();
    hub.publish(topics.roomEvents("r"), created(13n, message("mine", me)));
    await s.settle();
    // Two messages published together are counted together.
    expect(unread(s.got)).toEqual([
      [2, 1, "10"],
      [1, 0, "11"],
      [0, 0, "13"],
    ]);
    // With nothing unread, the user's own message is no news.
    hub.publish(topics.roomEvents("r"), created(14n, message("mine2", me)));
    await s.settle();
    expect(unread(s.got)).toHaveLength(3);
    expect(db.reads).toBe(1);
    await s.stop();
  });

  it("asks the database again after a delete, and for a read position before it started", async () => {
    const hub = new MemoryHub();
    const db = fakeDb();
    db.rooms.set("r", member(10n, 3));
    const s = await open(hub, db);
    db.rooms.set("r", member(11n, 2)); // what the database says after the delete
    hub.publish(topics.roomEvents("r"), { roomId: "r", seq: 11n, event: { type: "message.deleted", roomId: "r", messageId: "x" } });
    await s.settle();
    db.rooms.set("r", member(11n, 1));
    hub.publish(topics.user(me.id), {
      type: "room.unread",
      roomId: "r",
      unreadCount: 1,
      mentionCount: 0,
      lastReadEventId: "10",
      lastMessageAt: null,
    });
    await s.settle();
    expect(unread(s.got)).toEqual([
      [2, 0, "9"],
      [1, 0, "10"],
    ]);
    expect(db.reads).toBe(3);
    await s.stop();
  });

  it("sends counts at most once an interval, the latest ones", async () => {
    const hub = new MemoryHub();
    const db = fakeDb();
    db.rooms.set("r", member(10n));
    const s = await open(hub, db, 1_000);
    hub.publish(topics.roomEvents("r"), created(11n, message("a", them)));
    await s.settle();
    for (let i = 12n; i < 20n; i++) {
      hub.publish(topics.roomEvents("r"), created(i, message(`m${i}`, them)));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(unread(s.got)).toEqual([[1, 0, "10"]]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(unread(s.got)).toEqual([
      [1, 0, "10"],
      [9, 0, "10"],
    ]);
    await s.stop();
  });

  it("follows rooms the user is added to and forgets rooms they leave", async () => {
    const hub = new MemoryHub();
    const db = fakeDb();
    const s = await open(hub, db);
    expect(s.stream.roomCount).toBe(0);
    db.rooms.set("r", member(5n));
    const room = { id: "r", unreadCount: 0, mentionCount: 0 } as Extract<InboxEvent, { type: "room.added" }>["room"];
    hub.publish(topics.user(me.id), { type: "room.added", room });
    await s.settle();
    expect(s.stream.roomCount).toBe(1);
    hub.publish(topics.roomEvents("r"), created(6n, message("a", them)));
    await s.settle();
    expect(unread(s.got)).toEqual([[1, 0, "5"]]);
    hub.publish(topics.roomEvents("r"), { roomId: "r", seq: 7n, event: { type: "member.left", roomId: "r", user: me } });
    await s.settle();
    expect(s.stream.roomCount).toBe(0);
    expect(hub.listenerCount(topics.roomEvents("r"))).toBe(0);
    await s.stop();
  });

  it("counts in what the room's tally forgets, and reads within what it remembers without the database", async () => {
    const hub = new MemoryHub();
    const db = fakeDb();
    db.rooms.set("r", member(10n));
    const s = await open(hub, db);
    const last = 10n + BigInt(TALLY_LIMIT) + 50n;
    for (let i = 11n; i <= last; i++)
      hub.publish(topics.roomEvents("r"), created(i, message(`m${i}`, them, i === 15n || i === last ? [me] : [])));
    await s.settle();
    expect(unread(s.got).at(-1)).toEqual([TALLY_LIMIT + 50, 2, "10"]);
    // A read position before what the tally still remembers: the database counts.
    db.rooms.set("r", member(last, Number(last) - 20, 2));
    hub.publish(topics.user(me.id), {
      type: "room.unread",
      roomId: "r",
      unreadCount: 0,
      mentionCount: 0,
      lastReadEventId: "20",
      lastMessageAt: null,
    });
    await s.settle();
    expect(unread(s.got).at(-1)).toEqual([Number(last) - 20, 2, "20"]);
    expect(db.reads).toBe(2);
    // A read among the messages counted since: no database.
    for (let i = last + 1n; i <= last + 5n; i++) hub.publish(topics.roomEvents("r"), created(i, message(`m${i}`, them)));
    await s.settle();
    expect(unread(s.got).at(-1)).toEqual([Number(last) - 15, 2, "20"]);
    hub.publish(topics.user(me.id), {
      type: "room.unread",
      roomId: "r",
      unreadCount: 0,
      mentionCount: 0,
      lastReadEventId: String(last + 3n),
      lastMessageAt: null,
    });
    await s.settle();
    expect(unread(s.got).at(-1)).toEqual([2, 0, String(last + 3n)]);
    expect(db.reads).toBe(2);
    await s.stop();
  });

  it("shares one hub subscription per room among streams, and counts a deleted message it remembers without the database", async () => {
    const hub = new MemoryHub();
    const db = fakeDb();
    db.rooms.set("r", member(10n));
    const streams = await Promise.all([open(hub, db), open(hub, db), open(hub, db)]);
    expect(hub.listenerCount(topics.roomEvents("r"))).toBe(1);
    hub.publish(topics.roomEvents("r"), created(11n, message("a", them)));
    hub.publish(topics.roomEvents("r"), created(12n, message("b", them, [me])));
    await streams[0]?.settle();
    hub.publish(topics.roomEvents("r"), { roomId: "r", seq: 13n, event: { type: "message.deleted", roomId: "r", messageId: "b" } });
    await streams[0]?.settle();
    for (const s of streams) {
      expect(unread(s.got)).toEqual([
        [2, 1, "10"],
        [1, 0, "10"],
      ]);
      expect(s.got.filter((e) => e.type === "mention")).toHaveLength(1);
    }
    expect(db.reads).toBe(3); // the three opens
    for (const s of streams) await s.stop();
    expect(hub.listenerCount(topics.roomEvents("r"))).toBe(0);
  });

  it("looks up a deleted message it does not remember once for the room: only members who had it unread ask the database", async () => {
    const hub = new MemoryHub();
    const readIt = fakeDb();
    readIt.rooms.set("r", member(10n)); // read up to event 10
    const behind = fakeDb();
    behind.rooms.set("r", member(10n, 5)); // read up to event 5
    let lookups = 0;
    const messagePlaces: MessagePlaceReader = () => {
      lookups++;
      return Promise.resolve({ seq: 7n, lastMessageAt: "t-new" });
    };
    const a = await open(hub, readIt, 0, messagePlaces);
    const b = await open(hub, readIt, 0, messagePlaces);
    const c = await open(hub, behind, 0, messagePlaces);
    behind.rooms.set("r", member(11n, 4)); // the database after the delete
    hub.publish(topics.roomEvents("r"), { roomId: "r", seq: 11n, event: { type: "message.deleted", roomId: "r", messageId: "old" } });
    await a.settle();
    expect(lookups).toBe(1);
    expect(readIt.reads).toBe(2); // the two opens, nothing more
    expect(behind.reads).toBe(2); // its open, and one count again
    for (const s of [a, b]) {
      expect(s.got).toEqual([
        { type: "room.unread", roomId: "r", unreadCount: 0, mentionCount: 0, lastReadEventId: "10", lastMessageAt: "t-new" },
      ]);
    }
    expect(unread(c.got)).toEqual([[4, 0, "7"]]);
    for (const s of [a, b, c]) await s.stop();
  });

  it("sends a room just added its counts when the database has more than the Room the client was given", async () => {
    const hub = new MemoryHub();
    const db = fakeDb();
    const s = await open(hub, db);
    db.rooms.set("r", member(6n, 1)); // a message committed between room.added and the stream's read
    const room = { id: "r", unreadCount: 0, mentionCount: 0 } as Extract<InboxEvent, { type: "room.added" }>["room"];
    hub.publish(topics.user(me.id), { type: "room.added", room });
    await s.settle();
    expect(unread(s.got)).toEqual([[1, 0, "5"]]);
    await s.stop();
  });

  it("lets go of the user's channel when closed while subscribing to it", async () => {
    const hub = new MemoryHub();
    const db = fakeDb();
    db.rooms.set("r", member(5n));
    const abort = new AbortController();
    // A hub whose subscription is confirmed only after the client has gone.
    const slow = Object.assign(Object.create(hub) as MemoryHub, {
      subscribe: <T>(channel: Parameters<MemoryHub["subscribe"]>[0], listener: (message: T) => void) =>
        hub.subscribe(channel as never, listener).then((unsubscribe) => {
          abort.abort();
          return unsubscribe;
        }),
    });
    const opening = InboxStream.open(
      {
        hub: slow,
        tallies: new RoomTallies(slow, { intervalMs: 0 }),
        readStates: (roomIds) => Promise.resolve(new Map(roomIds.map((id) => [id, db.rooms.get(id) as reading.ReadingOf] as const))),
        memberRooms: () => Promise.resolve(["r"]),
      },
      me.id,
      abort.signal,
      { limit: 100 },
    );
    await opening.then((stream) => stream.close()).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(hub.listenerCount(topics.user(me.id))).toBe(0);
    expect(hub.listenerCount(topics.roomEvents("r"))).toBe(0);
  });

  it("counts again from the database when an edit changes the mentions of a message it had counted as unread", async () => {
    const hub = new MemoryHub();
    const behind = fakeDb();
    behind.rooms.set("r", member(10n, 4)); // read up to event 6; 7–10 unread, counted by the database
    const readIt = fakeDb();
    readIt.rooms.set("r", member(10n));
    const places: MessagePlaceReader = () => Promise.resolve({ seq: 8n, lastMessageAt: null });
    const a = await open(hub, behind, 0, places);
    const b = await open(hub, readIt, 0, places);
    behind.rooms.set("r", member(10n, 4, 1)); // the edit added a mention of me
    hub.publish(topics.roomEvents("r"), { roomId: "r", seq: 11n, event: { type: "message.updated", message: message("old", them, [me]) } });
    await a.settle();
    expect(unread(a.got)).toEqual([[4, 1, "6"]]);
    expect(behind.reads).toBe(2);
    expect(readIt.reads).toBe(1); // read it already: its mentions don't count
    expect(b.got).toEqual([]);
    await a.stop();
    await b.stop();
  });
});
