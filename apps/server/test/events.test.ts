import { createParleyClient } from "@parley/client";
import type { RoomEvent } from "@parley/contract";
import { describe, expect, it } from "vitest";
import { codeOf, Collector, errorCode, roomWith, signUp, sleep, started, type TestUser, useTestServer } from "./harness";
import { startProxy } from "./tcp-proxy";

const app = useTestServer();

type Tracked = { id: string; data: RoomEvent };

/** Subscribes to room.events and resolves once the server has said `started`. */
async function subscribe(user: TestUser, input: { roomId: string; lastEventId?: string | null }) {
  const events = new Collector<Tracked>();
  const errors = new Collector<unknown>();
  const { onStarted, ready } = started();
  const sub = user.client.trpc.room.events.subscribe(input, {
    onStarted,
    onData: (e) => events.push(e),
    onError: errors.push,
  });
  await ready;
  return { events, errors, sub };
}

function texts(items: Tracked[]): string[] {
  return items.flatMap((e) => (e.data.type === "message.created" ? [e.data.message.text] : []));
}

function expectStrictlyIncreasing(items: Tracked[]) {
  const ids = items.map((e) => BigInt(e.id));
  for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
}

describe("room.events", () => {
  it("delivers events committed after `started`, once each, in order, with tracked ids", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await roomWith(alice, bob);
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "before" });
    const { events, sub } = await subscribe(bob, { roomId: room.id });
    for (const text of ["one", "two", "three"]) await alice.client.trpc.message.send.mutate({ roomId: room.id, text });
    await events.waitFor(3);
    await sleep(100);
    expect(texts(events.items)).toEqual(["one", "two", "three"]);
    expectStrictlyIncreasing(events.items);
    const created = events.items[0]!.data;
    expect(created.type === "message.created" && created.message.author.id).toBe(alice.id);
    sub.unsubscribe();
  });

  it("carries every kind of room event", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const carol = await signUp(app.server);
    const room = await roomWith(alice, bob);
    const { events, sub } = await subscribe(alice, { roomId: room.id });
    const m = await bob.client.trpc.message.send.mutate({ roomId: room.id, text: "hi" });
    await bob.client.trpc.message.edit.mutate({ messageId: m.id, text: "hi!" });
    await bob.client.trpc.message.delete.mutate({ messageId: m.id });
    await carol.client.trpc.room.join.mutate({ roomId: room.id });
    await carol.client.trpc.room.leave.mutate({ roomId: room.id });
    await events.waitFor(5);
    expect(events.items.map((e) => e.data.type)).toEqual([
      "message.created",
      "message.updated",
      "message.deleted",
      "member.joined",
      "member.left",
    ]);
    expect(events.items[1]!.data).toMatchObject({ type: "message.updated", message: { id: m.id, text: "hi!" } });
    expect(events.items[2]!.data).toEqual({ type: "message.deleted", roomId: room.id, messageId: m.id });
    expect(events.items[3]!.data).toEqual({
      type: "member.joined",
      roomId: room.id,
      user: { id: carol.id, username: carol.username, createdAt: expect.any(String) },
    });
    sub.unsubscribe();
  });

  it("replays everything after lastEventId from message.list, then goes live", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await roomWith(alice, bob);
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "seen" });
    const page = await bob.client.trpc.message.list.query({ roomId: room.id });
    expect(page.messages.map((m) => m.text)).toEqual(["seen"]);
    for (const text of ["missed-1", "missed-2"]) await alice.client.trpc.message.send.mutate({ roomId: room.id, text });
    const { events, sub } = await subscribe(bob, { roomId: room.id, lastEventId: page.lastEventId });
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "live" });
    await events.waitFor(3);
    await sleep(100);
    expect(texts(events.items)).toEqual(["missed-1", "missed-2", "live"]);
    expectStrictlyIncreasing(events.items);
    sub.unsubscribe();
  });

  it("rejects a lastEventId this server never issued with BAD_REQUEST", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    for (const lastEventId of ["abc", "", "0", "-1", "99999", "1.5"]) {
      const code = await new Promise<string>((resolve) => {
        const sub = alice.client.trpc.room.events.subscribe(
          { roomId: room.id, lastEventId },
          { onError: (e) => resolve(String(codeOf(e))), onStarted: () => resolve("started") },
        );
        setTimeout(() => sub.unsubscribe(), 3000);
      });
      expect(code, lastEventId).toBe("BAD_REQUEST");
    }
  });

  it("loses nothing and repeats nothing under concurrent senders", async () => {
    const people = await Promise.all([signUp(app.server), signUp(app.server), signUp(app.server), signUp(app.server)]);
    const room = await roomWith(...people);
    const [watcher, ...senders] = people;
    const { events, sub } = await subscribe(watcher, { roomId: room.id });
    const perSender = 25;
    await Promise.all(
      senders.map((s, i) =>
        Promise.all(
          Array.from({ length: perSender }, (_, n) => s.client.trpc.message.send.mutate({ roomId: room.id, text: `s${i}-${n}` })),
        ),
      ),
    );
    const total = senders.length * perSender;
    await events.waitFor(total, 15_000);
    await sleep(200);
    const got = texts(events.items);
    expect(got).toHaveLength(total);
    expect(new Set(got).size).toBe(total);
    expectStrictlyIncreasing(events.items);
    // Ids are contiguous: nothing in between was skipped.
    const ids = events.items.map((e) => Number(e.id));
    expect(ids.at(-1)! - ids[0]!).toBe(total - 1);
    // The live order is the history order.
    const history = await watcher.client.trpc.message.list.query({ roomId: room.id, limit: 100 });
    expect(history.messages.map((m) => m.text)).toEqual(got);
    sub.unsubscribe();
  });

  it("resumes after the network drops: events sent while away arrive once, in order", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await roomWith(alice, bob);
    const proxy = await startProxy(app.server.port);
    const states = new Collector<string>();
    const bobViaProxy = createParleyClient({ url: proxy.url, token: bob.token, onConnectionStateChange: states.push });
    try {
      const events = new Collector<Tracked>();
      const { onStarted, ready } = started();
      const sub = bobViaProxy.trpc.room.events.subscribe({ roomId: room.id }, { onStarted, onData: (e) => events.push(e) });
      await ready;
      await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "before-drop" });
      await events.waitFor(1);
      proxy.cut();
      for (const text of ["away-1", "away-2", "away-3"]) await alice.client.trpc.message.send.mutate({ roomId: room.id, text });
      await events.waitFor(4, 15_000);
      await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "after" });
      await events.waitFor(5);
      await sleep(200);
      expect(texts(events.items)).toEqual(["before-drop", "away-1", "away-2", "away-3", "after"]);
      expectStrictlyIncreasing(events.items);
      expect(states.items).toContain("connecting");
      sub.unsubscribe();
    } finally {
      await bobViaProxy.close();
      await proxy.close();
    }
  });

  it("replays an old departure without ending the stream of someone who came back", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await roomWith(alice, bob);
    const page = await bob.client.trpc.message.list.query({ roomId: room.id });
    await bob.client.trpc.room.leave.mutate({ roomId: room.id });
    await bob.client.trpc.room.join.mutate({ roomId: room.id });
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "welcome back" });
    const { events, sub } = await subscribe(bob, { roomId: room.id, lastEventId: page.lastEventId });
    await events.waitFor(3);
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "live" });
    await events.waitFor(4);
    expect(events.items.map((e) => (e.data.type === "message.created" ? e.data.message.text : e.data.type))).toEqual([
      "member.left",
      "member.joined",
      "welcome back",
      "live",
    ]);
    sub.unsubscribe();
  });

  it("ends a member's stream when they leave the room", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await roomWith(alice, bob);
    const completed = new Collector<true>();
    const events = new Collector<Tracked>();
    const { onStarted, ready } = started();
    bob.client.trpc.room.events.subscribe(
      { roomId: room.id },
      { onStarted, onData: (e) => events.push(e), onComplete: () => completed.push(true) },
    );
    await ready;
    await bob.client.trpc.room.leave.mutate({ roomId: room.id });
    await completed.waitFor(1);
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "not for bob" });
    await sleep(200);
    expect(events.items.map((e) => e.data.type)).toEqual(["member.left"]);
    expect(await errorCode(bob.client.trpc.message.list.query({ roomId: room.id }))).toBe("FORBIDDEN");
  });
});
