import { randomBytes } from "node:crypto";
import type { Activity, InboxEvent, RoomEvent } from "@parley/contract";
import type { Database } from "@parley/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParleyServer } from "../src/app";
import {
  closeClients,
  Collector,
  connect,
  errorCode,
  openTestDatabase,
  signUp,
  sleep,
  startTestServer,
  started,
  uniqueName,
  until,
} from "./harness";

// Two servers over one database, sharing fan-out and presence through the local Redis.
const REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

let db: Database;
let one: ParleyServer;
let two: ParleyServer;

beforeAll(async () => {
  db = await openTestDatabase();
  const env = { REDIS_URL, REDIS_PREFIX: `parley-test-${randomBytes(4).toString("hex")}:` };
  one = await startTestServer(db, env);
  two = await startTestServer(db, env);
});

afterAll(async () => {
  await closeClients();
  await one.close();
  await two.close();
  await db.close();
});

type Tracked = { id: string; data: RoomEvent };

describe("several servers through Redis", () => {
  it("delivers a message sent on one server to a subscriber on the other", async () => {
    const alice = await signUp(one);
    const bob = await signUp(two);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("multi") });
    await bob.client.trpc.room.join.mutate({ roomId: room.id });
    const events = new Collector<Tracked>();
    const { onStarted, ready } = started();
    const sub = bob.client.trpc.room.events.subscribe({ roomId: room.id }, { onStarted, onData: (e) => events.push(e) });
    await ready;
    for (const text of ["from one", "again"]) await alice.client.trpc.message.send.mutate({ roomId: room.id, text });
    await events.waitFor(2);
    await sleep(100);
    expect(events.items.map((e) => (e.data.type === "message.created" ? e.data.message.text : e.data.type))).toEqual(["from one", "again"]);
    sub.unsubscribe();
  });

  it("shares presence and typing across servers", async () => {
    const alice = await signUp(one);
    const bob = await signUp(two);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("multi-presence") });
    await bob.client.trpc.room.join.mutate({ roomId: room.id });
    const seen = new Collector<Activity>();
    const { onStarted, ready } = started();
    alice.client.trpc.room.activity.subscribe({ roomId: room.id }, { onStarted, onData: seen.push });
    await ready;
    const bobOnTwo = connect(two, bob.token);
    const bobSeen = new Collector<Activity>();
    const bobStarted = started();
    bobOnTwo.trpc.room.activity.subscribe({ roomId: room.id }, { onStarted: bobStarted.onStarted, onData: bobSeen.push });
    await bobStarted.ready;
    await bobSeen.waitFor(1);
    const snapshot = bobSeen.items[0];
    expect(snapshot?.type === "presence.snapshot" && snapshot.online.map((u) => u.id).sort()).toEqual([alice.id, bob.id].sort());
    await seen.waitFor(2);
    expect(seen.items[1]).toMatchObject({ type: "presence.online", user: { id: bob.id } });
    const members = await alice.client.trpc.room.members.query({ roomId: room.id });
    expect(members.find((m) => m.user.id === bob.id)?.online).toBe(true);
    await bob.client.trpc.room.typing.mutate({ roomId: room.id });
    await seen.waitFor(3);
    expect(seen.items[2]).toMatchObject({ type: "typing", user: { id: bob.id } });
    await bobOnTwo.close();
    await seen.waitFor(4);
    expect(seen.items[3]).toMatchObject({ type: "presence.offline", user: { id: bob.id } });
  });

  it("shares the failed-login limit between servers (one bucket in Redis, not one per server)", async () => {
    // A fresh pair with a small failed-login limit, and their own key prefix.
    const env = { REDIS_URL, REDIS_PREFIX: `parley-test-${randomBytes(4).toString("hex")}:`, RATE_LIMIT_LOGIN_ACCOUNT: "10/0.1" };
    const a = await startTestServer(db, env);
    const b = await startTestServer(db, env);
    try {
      const u = await signUp(a);
      const codes: string[] = [];
      // Alternating servers: with a bucket per process each would allow 10, so 16 would all pass.
      for (let i = 0; i < 16; i++) {
        const client = connect(i % 2 === 0 ? a : b);
        codes.push(await errorCode(client.trpc.auth.login.mutate({ login: u.username, password: "wrong password" })));
      }
      expect(codes.slice(0, 10).every((c) => c === "UNAUTHORIZED")).toBe(true);
      expect(codes.slice(10).every((c) => c === "TOO_MANY_REQUESTS")).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("closes a session's sockets on every server at logout", async () => {
    const alice = await signUp(one);
    const onTwo = connect(two, alice.token);
    expect((await onTwo.trpc.auth.me.query()).id).toBe(alice.id);
    await alice.client.trpc.auth.logout.mutate();
    await sleep(300);
    expect(await errorCode(onTwo.trpc.auth.me.query())).toBe("UNAUTHORIZED");
  });

  it("ends a removed member's subscriptions on the other server within a second, and tells them there", async () => {
    const alice = await signUp(one);
    const bob = await signUp(two);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("multi-remove"), visibility: "private" });
    await alice.client.trpc.room.addMember.mutate({ roomId: room.id, username: bob.username });
    const ended = { events: false, activity: false };
    const news = new Collector<InboxEvent>();
    const live = [started(), started(), started()];
    bob.client.trpc.room.events.subscribe({ roomId: room.id }, { onStarted: live[0]!.onStarted, onComplete: () => (ended.events = true) });
    bob.client.trpc.room.activity.subscribe(
      { roomId: room.id },
      { onStarted: live[1]!.onStarted, onComplete: () => (ended.activity = true) },
    );
    bob.client.trpc.me.events.subscribe({}, { onStarted: live[2]!.onStarted, onData: news.push });
    await Promise.all(live.map((l) => l.ready));
    const removedAt = Date.now();
    await alice.client.trpc.room.removeMember.mutate({ roomId: room.id, username: bob.username });
    await until(() => ended.events && ended.activity, "bob's subscriptions on server two to end", 1_000);
    expect(Date.now() - removedAt).toBeLessThan(1_000);
    expect(await news.waitFor(1)).toEqual([{ type: "room.removed", roomId: room.id }]);
    expect(await errorCode(bob.client.trpc.room.get.query({ roomId: room.id }))).toBe("NOT_FOUND");
  });

  it("delivers me.events across servers: a dm opened on one server reaches the other person on the other", async () => {
    const alice = await signUp(one);
    const bob = await signUp(two);
    const news = new Collector<InboxEvent>();
    const { onStarted, ready } = started();
    bob.client.trpc.me.events.subscribe({}, { onStarted, onData: news.push });
    await ready;
    const dm = await alice.client.trpc.dm.open.mutate({ username: bob.username });
    const [added] = await news.waitFor(1);
    expect(added).toMatchObject({ type: "room.added", room: { id: dm.id, kind: "dm", name: alice.username } });
  });

  it("counts unread and tells mentions across servers, and a read in one tab reaches the tab on the other", async () => {
    const alice = await signUp(one);
    const bob = await signUp(two);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("multi-unread") });
    await bob.client.trpc.room.join.mutate({ roomId: room.id });
    const onTwo = new Collector<InboxEvent>();
    const live = started();
    bob.client.trpc.me.events.subscribe({}, { onStarted: live.onStarted, onData: onTwo.push });
    await live.ready;
    const message = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: `@${bob.username} hello from one` });
    await onTwo.waitFor(2);
    expect(onTwo.items.find((e) => e.type === "mention")).toEqual({ type: "mention", roomId: room.id, message });
    expect(onTwo.items.find((e) => e.type === "room.unread")).toMatchObject({ roomId: room.id, unreadCount: 1, mentionCount: 1 });
    // Bob reads in a tab on server one: his tab on server two hears of it.
    const bobOnOne = connect(one, bob.token);
    const page = await bobOnOne.trpc.message.list.query({ roomId: room.id });
    await bobOnOne.trpc.room.markRead.mutate({ roomId: room.id, eventId: page.lastEventId! });
    await onTwo.waitFor(3);
    expect(onTwo.items.at(-1)).toMatchObject({
      type: "room.unread",
      roomId: room.id,
      unreadCount: 0,
      mentionCount: 0,
      lastReadEventId: page.lastEventId,
    });
  });
});
