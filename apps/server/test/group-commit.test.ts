// message.send under concurrency: sends to one room are written together (group commit), and
// every rule of a lone send still holds for each of them.
import { inject } from "vitest";
import { publicUser, type Message, type RoomEvent } from "@parley/contract";
import { messages } from "@parley/db";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { codeOf, Collector, databaseKind, rejection, roomWith, signUp, sleep, started, type TestUser, useTestServer } from "./harness";

const app = useTestServer();

type Tracked = { id: string; data: RoomEvent };

async function subscribe(user: TestUser, roomId: string) {
  const events = new Collector<Tracked>();
  const { onStarted, ready } = started();
  user.client.trpc.room.events.subscribe({ roomId }, { onStarted, onData: (e) => events.push(e) });
  await ready;
  return events;
}

/** Every message of the room's history, oldest first, read a page at a time. */
async function history(user: TestUser, roomId: string): Promise<Message[]> {
  const all: Message[] = [];
  let before: string | null = null;
  for (;;) {
    const page: { messages: Message[]; nextCursor: string | null } = await user.client.trpc.message.list.query({
      roomId,
      before,
      limit: 100,
    });
    all.unshift(...page.messages);
    if (!page.nextCursor) return all;
    before = page.nextCursor;
  }
}

/** The room's log has events 1..n with no holes, and n is the room's last event id. */
async function expectContiguousLog(roomId: string): Promise<bigint[]> {
  const log = await app.db.prisma.roomEvent.findMany({ where: { roomId }, orderBy: { seq: "asc" }, select: { seq: true } });
  const room = await app.db.prisma.room.findUniqueOrThrow({ where: { id: roomId }, select: { lastEventSeq: true } });
  expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => BigInt(i + 1)));
  expect(room.lastEventSeq).toBe(BigInt(log.length));
  return log.map((e) => e.seq);
}

/** Event ids as delivered: each one more than the last. */
function expectConsecutiveIds(events: Tracked[]): void {
  const ids = events.map((e) => Number(e.id));
  const first = ids[0] ?? 0;
  expect(ids).toEqual(ids.map((_, i) => first + i));
}

describe("message.send under concurrency (group commit)", () => {
  it("writes concurrent sends and retries as one message per clientMsgId, events in commit order with no holes", async () => {
    const senders = [await signUp(app.server), await signUp(app.server), await signUp(app.server)];
    const watcher = await signUp(app.server);
    const room = await roomWith(...senders, watcher);
    const live = await subscribe(watcher, room.id);

    // Each sender: 30 sends with a clientMsgId (every fifth sent three times at once, as a client
    // that retries on a flaky network would) and 10 without one, all in flight together.
    const calls: { author: string; clientMsgId: string | null; call: Promise<Message> }[] = [];
    for (const sender of senders) {
      for (let i = 0; i < 40; i++) {
        const clientMsgId = i < 30 ? `${sender.username}-${i}` : null;
        const copies = clientMsgId && i % 5 === 0 ? 3 : 1;
        for (let c = 0; c < copies; c++) {
          calls.push({
            author: sender.id,
            clientMsgId,
            call: sender.client.trpc.message.send.mutate({
              roomId: room.id,
              text: `${sender.username} ${i}`,
              ...(clientMsgId ? { clientMsgId } : {}),
            }),
          });
        }
      }
    }
    const acks = await Promise.all(calls.map((c) => c.call));
    expect(acks).toHaveLength(3 * (30 + 6 * 2 + 10));

    // Every copy of a clientMsgId got the first (and only) message.
    const byKey = new Map<string, Set<string>>();
    for (const [i, ack] of acks.entries()) {
      const { author, clientMsgId } = calls[i]!;
      expect(ack.author.id).toBe(author);
      expect(ack.clientMsgId).toBe(clientMsgId);
      if (clientMsgId) byKey.set(`${author}/${clientMsgId}`, (byKey.get(`${author}/${clientMsgId}`) ?? new Set()).add(ack.id));
    }
    expect(byKey.size).toBe(90);
    for (const ids of byKey.values()) expect(ids.size).toBe(1);
    const created = new Set(acks.map((a) => a.id));
    expect(created.size).toBe(120);

    // Stored once each; the log has no holes.
    expect(await app.db.prisma.message.count({ where: { roomId: room.id } })).toBe(120);
    expect(await app.db.prisma.roomEvent.count({ where: { roomId: room.id, type: "message.created" } })).toBe(120);
    await expectContiguousLog(room.id);

    // Live: each message once, ids consecutive; and live order is history order.
    const events = await live.waitFor(120);
    await sleep(200);
    expect(live.items).toHaveLength(120);
    expectConsecutiveIds(events);
    const liveIds = events.map((e) => (e.data.type === "message.created" ? e.data.message.id : e.data.type));
    expect(new Set(liveIds)).toEqual(created);
    expect((await history(watcher, room.id)).map((m) => m.id)).toEqual(liveIds);
  });

  it("answers a non-member's send FORBIDDEN and only theirs, whatever else shares the batch", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const mallory = await signUp(app.server);
    const room = await roomWith(alice, bob);
    const live = await subscribe(bob, room.id);

    const send = (user: TestUser, text: string, clientMsgId?: string) =>
      user.client.trpc.message.send.mutate({ roomId: room.id, text, ...(clientMsgId ? { clientMsgId } : {}) });
    const results = await Promise.allSettled([
      ...Array.from({ length: 10 }, (_, i) => send(alice, `a${i}`, `same-${i}`)),
      send(mallory, "let me in", "same-0"),
      send(mallory, "x".repeat(4001)),
      ...Array.from({ length: 10 }, (_, i) => send(bob, `b${i}`, `same-${i}`)),
      send(alice, "😀".repeat(4000)),
      send(alice, "x".repeat(4001)),
    ]);
    const outcome = (r: PromiseSettledResult<Message>) => (r.status === "fulfilled" ? "ok" : String(codeOf(r.reason)));
    expect(results.map(outcome)).toEqual([
      ...Array<string>(10).fill("ok"),
      "FORBIDDEN",
      "BAD_REQUEST",
      ...Array<string>(10).fill("ok"),
      "ok",
      "BAD_REQUEST",
    ]);
    expect((await rejection(send(mallory, "again"))).message).toBe("Join the room first");
    // An unknown room is NOT_FOUND, checked before membership.
    expect(
      (await rejection(mallory.client.trpc.message.send.mutate({ roomId: "01a21600-0000-7000-8000-000000000000", text: "x" }))).data?.code,
    ).toBe("NOT_FOUND");

    const stored = await app.db.prisma.message.findMany({ where: { roomId: room.id }, select: { authorId: true, text: true } });
    expect(stored).toHaveLength(21);
    expect(stored.filter((m) => m.authorId === mallory.id)).toEqual([]);
    expect(stored.filter((m) => [...m.text].length === 4000)).toHaveLength(1);
    await live.waitFor(21);
    expectConsecutiveIds(live.items);
    await expectContiguousLog(room.id);
  });

  it("writes two busy rooms in parallel, each with its own gap-free log and order", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const roomA = await roomWith(alice, bob);
    const roomB = await roomWith(bob, alice);
    const liveA = await subscribe(alice, roomA.id);
    const liveB = await subscribe(alice, roomB.id);

    const sends = [];
    for (let i = 0; i < 60; i++) {
      for (const [user, room] of [
        [alice, roomA],
        [bob, roomA],
        [alice, roomB],
        [bob, roomB],
      ] as const) {
        sends.push(user.client.trpc.message.send.mutate({ roomId: room.id, text: `${room.name} ${user.username} ${i}` }));
      }
    }
    const acks = await Promise.all(sends);
    for (const [room, live] of [
      [roomA, liveA],
      [roomB, liveB],
    ] as const) {
      const mine = acks.filter((m) => m.roomId === room.id);
      expect(mine).toHaveLength(120);
      const events = await live.waitFor(120);
      expectConsecutiveIds(events);
      const liveIds = events.map((e) => (e.data.type === "message.created" ? e.data.message.id : e.data.type));
      expect(new Set(liveIds)).toEqual(new Set(mine.map((m) => m.id)));
      expect((await history(alice, room.id)).map((m) => m.id)).toEqual(liveIds);
      await expectContiguousLog(room.id);
    }
  });

  // PGlite is one connection: nothing can commit in the middle of a statement there.
  it.skipIf(databaseKind === "pglite")(
    "retries a batch one send at a time when a clientMsgId commits elsewhere meanwhile, so only that send is affected",
    async () => {
      const alice = await signUp(app.server);
      const bob = await signUp(app.server);
      const room = await roomWith(alice, bob);
      const elsewhere = await roomWith(alice);
      const author = publicUser({ id: alice.id, username: alice.username, createdAt: new Date().toISOString() });
      const bobUser = { ...author, id: bob.id, username: bob.username };

      // Another server's transaction has written alice's "k" and not committed yet.
      const other = new pg.Client({ connectionString: inject("databaseUrl") ?? "" });
      await other.connect();
      try {
        await other.query("BEGIN");
        await other.query(
          `INSERT INTO messages (id, room_id, author_id, text, client_msg_id) VALUES ('01a21600-0000-7000-8000-00000000000a', $1, $2, 'from elsewhere', 'k')`,
          [elsewhere.id, alice.id],
        );
        // The batch reads before that commits and then waits on the unique index for it.
        const batch = messages.createMessages(app.db, room.id, [
          { author: bobUser, text: "before", clientMsgId: "k" },
          { author, text: "racing", clientMsgId: "k" },
          { author, text: "after", clientMsgId: "k2" },
        ]);
        await sleep(300);
        await other.query("COMMIT");
        const outcomes = await batch;
        expect(outcomes.map((o) => o.status)).toEqual(["created", "existing", "created"]);
        expect(outcomes[1]).toMatchObject({ message: { id: "01a21600-0000-7000-8000-00000000000a", text: "from elsewhere" } });
        expect(outcomes.flatMap((o) => (o.status === "created" ? [o.message.text] : []))).toEqual(["before", "after"]);
      } finally {
        await other.end();
      }
      expect(await app.db.prisma.message.count({ where: { roomId: room.id } })).toBe(2);
      await expectContiguousLog(room.id);
    },
  );
});
