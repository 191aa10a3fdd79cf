import { randomBytes } from "node:crypto";
import type { Activity, User } from "@parley/contract";
import type { StoredRoomEvent } from "@parley/db";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { RedisHub } from "./redis-hub";
import { topics } from "./topics";

// Against the Redis that runs on every development and CI machine, under a prefix of its own.
const REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const alice: User = { id: "a", username: "alice", createdAt: "2026-01-01T00:00:00.000Z" };
const bob: User = { id: "b", username: "bob", createdAt: "2026-01-01T00:00:00.000Z" };

const open: RedisHub[] = [];
async function hubs(count: number, options: { prefix?: string; heartbeatMs?: number; deadAfterMs?: number } = {}) {
  const prefix = options.prefix ?? `parley-test-${randomBytes(4).toString("hex")}:`;
  const made = [];
  for (let i = 0; i < count; i++) made.push(await RedisHub.connect({ url: REDIS_URL, ...options, prefix }));
  open.push(...made);
  return made;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close().catch(() => {})));
});

function collect<T>() {
  const items: T[] = [];
  return {
    items,
    push: (item: T) => items.push(item),
    async waitFor(n: number) {
      for (let i = 0; i < 100 && items.length < n; i++) await new Promise((r) => setTimeout(r, 20));
      return items;
    },
  };
}

describe("RedisHub", () => {
  it("carries room events between servers, with bigint sequence numbers intact", async () => {
    const [one, two] = await hubs(2);
    const got = collect<StoredRoomEvent>();
    await two!.subscribe(topics.roomEvents("r1"), got.push);
    one!.publish(topics.roomEvents("r1"), { roomId: "r1", seq: 42n, event: { type: "message.deleted", roomId: "r1", messageId: "m" } });
    one!.publish(topics.roomEvents("r2"), { roomId: "r2", seq: 1n, event: { type: "message.deleted", roomId: "r2", messageId: "m" } });
    await got.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(got.items).toEqual([{ roomId: "r1", seq: 42n, event: { type: "message.deleted", roomId: "r1", messageId: "m" } }]);
  });

  it("stops delivering after the last local listener unsubscribes", async () => {
    const [one, two] = await hubs(2);
    const got = collect<Activity>();
    const off = await two!.subscribe(topics.roomActivity("r1"), got.push);
    one!.publish(topics.roomActivity("r1"), { type: "typing", roomId: "r1", user: alice });
    await got.waitFor(1);
    off();
    one!.publish(topics.roomActivity("r1"), { type: "typing", roomId: "r1", user: alice });
    await new Promise((r) => setTimeout(r, 150));
    expect(got.items).toHaveLength(1);
  });

  it("shares presence: first and last count subscriptions on every server", async () => {
    const [one, two] = await hubs(2);
    expect(await one!.presenceEnter("r1", alice, "s1")).toEqual({ first: true });
    expect(await two!.presenceEnter("r1", alice, "s2")).toEqual({ first: false });
    expect(await two!.presenceEnter("r1", bob, "s3")).toEqual({ first: true });
    expect((await one!.onlineUsers("r1")).map((u) => u.username).sort()).toEqual(["alice", "bob"]);
    expect(await one!.presenceLeave("r1", alice.id, "s1")).toEqual({ last: false });
    expect(await two!.presenceLeave("r1", alice.id, "s2")).toEqual({ last: true });
    expect((await one!.onlineUsers("r1")).map((u) => u.username)).toEqual(["bob"]);
  });

  it("takes a dead server's users offline and announces it", async () => {
    const prefix = `parley-test-${randomBytes(4).toString("hex")}:`;
    const [survivor] = await hubs(1, { prefix, heartbeatMs: 100, deadAfterMs: 300 });
    // A server that vanishes without closing: its heartbeat is faked, then stops.
    const raw = new Redis(REDIS_URL);
    await raw.zadd(`${prefix}servers`, Date.now(), "ghost");
    await raw.sadd(`${prefix}presence:r1:conns:${bob.id}`, "ghost/x");
    await raw.sadd(`${prefix}server:ghost:conns`, `r1\n${bob.id}\nx`);
    await raw.hset(`${prefix}presence:r1:users`, bob.id, JSON.stringify(bob));
    await raw.quit();
    const got = collect<Activity>();
    await survivor!.subscribe(topics.roomActivity("r1"), got.push);
    await got.waitFor(1);
    expect(got.items).toEqual([{ type: "presence.offline", roomId: "r1", user: bob }]);
    expect(await survivor!.onlineUsers("r1")).toEqual([]);
  });

  it("carries room-list changes between servers", async () => {
    const [one, two] = await hubs(2);
    const got = collect<unknown>();
    await two!.subscribe(topics.rooms(), got.push);
    one!.publish(topics.rooms(), { type: "room.created", roomId: "r9" });
    await got.waitFor(1);
    expect(got.items).toEqual([{ type: "room.created", roomId: "r9" }]);
  });

  it("broadcasts session revocations to every server", async () => {
    const [one, two] = await hubs(2);
    const got: string[] = [];
    await two!.subscribe(topics.sessions(), (id) => got.push(id));
    one!.publish(topics.sessions(), "session-1");
    for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(["session-1"]);
  });

  it("uses the topic table's channel names under its prefix, and leaves a channel with its last listener", async () => {
    const prefix = `parley-test-${randomBytes(4).toString("hex")}:`;
    const [hub] = await hubs(1, { prefix });
    const raw = new Redis(REDIS_URL);
    const subscribers = async (channel: string) => {
      const reply = (await raw.call("PUBSUB", "NUMSUB", channel)) as [string, number];
      return Number(reply[1]);
    };
    try {
      const off = await hub!.subscribe(topics.roomActivity("r7"), () => {});
      const offToo = await hub!.subscribe(topics.roomActivity("r7"), () => {});
      expect(await subscribers(`${prefix}room:r7:activity`)).toBe(1); // one Redis subscription per server
      off();
      expect(await subscribers(`${prefix}room:r7:activity`)).toBe(1);
      offToo();
      for (let i = 0; i < 50 && (await subscribers(`${prefix}room:r7:activity`)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await subscribers(`${prefix}room:r7:activity`)).toBe(0);
    } finally {
      await raw.quit();
    }
  });
});
