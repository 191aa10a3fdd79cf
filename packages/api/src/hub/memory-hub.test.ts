import type { User } from "@parley/contract";
import type { StoredRoomEvent } from "@parley/db";
import { describe, expect, it } from "vitest";
import { MemoryHub } from "./memory-hub";
import { topics } from "./topics";

const alice: User = { id: "a", username: "alice", createdAt: "2026-01-01T00:00:00.000Z" };
const event = (roomId: string, seq: bigint): StoredRoomEvent => ({
  roomId,
  seq,
  event: { type: "message.deleted", roomId, messageId: `m${seq}` },
});

describe("MemoryHub", () => {
  it("delivers a room's events only to that room's subscribers, the same object to each", async () => {
    const hub = new MemoryHub();
    const got: StoredRoomEvent[] = [];
    const other: StoredRoomEvent[] = [];
    await hub.subscribe(topics.roomEvents("r1"), (e) => got.push(e));
    await hub.subscribe(topics.roomEvents("r1"), (e) => got.push(e));
    await hub.subscribe(topics.roomEvents("r2"), (e) => other.push(e));
    hub.publish(topics.roomEvents("r1"), event("r1", 1n));
    expect(got).toHaveLength(2);
    expect(got[0]).toBe(got[1]);
    expect(Object.isFrozen(got[0])).toBe(true);
    expect(other).toHaveLength(0);
  });

  it("stops delivering after unsubscribe and forgets empty rooms", async () => {
    const hub = new MemoryHub();
    const got: StoredRoomEvent[] = [];
    const off = await hub.subscribe(topics.roomEvents("r1"), (e) => got.push(e));
    off();
    hub.publish(topics.roomEvents("r1"), event("r1", 1n));
    expect(got).toHaveLength(0);
    expect(hub.listenerCount(topics.roomEvents("r1"))).toBe(0);
  });

  it("keeps delivering to the rest of the room when one listener throws", async () => {
    const hub = new MemoryHub();
    const got: StoredRoomEvent[] = [];
    const original = console.error;
    console.error = () => {};
    try {
      await hub.subscribe(topics.roomEvents("r1"), () => {
        throw new Error("boom");
      });
      await hub.subscribe(topics.roomEvents("r1"), (e) => got.push(e));
      hub.publish(topics.roomEvents("r1"), event("r1", 1n));
    } finally {
      console.error = original;
    }
    expect(got).toHaveLength(1);
  });

  it("counts presence per subscription: first on the first tab, last on the last", async () => {
    const hub = new MemoryHub();
    expect(await hub.presenceEnter("r1", alice, "tab1")).toEqual({ first: true });
    expect(await hub.presenceEnter("r1", alice, "tab2")).toEqual({ first: false });
    expect(await hub.onlineUsers("r1")).toEqual([alice]);
    expect(await hub.presenceLeave("r1", alice.id, "tab1")).toEqual({ last: false });
    expect(await hub.presenceLeave("r1", alice.id, "tab1")).toEqual({ last: false }); // twice is harmless
    expect(await hub.presenceLeave("r1", alice.id, "tab2")).toEqual({ last: true });
    expect(await hub.onlineUsers("r1")).toEqual([]);
  });

  it("broadcasts room-list changes to every listener", async () => {
    const hub = new MemoryHub();
    const got: unknown[] = [];
    const off = await hub.subscribe(topics.rooms(), (c) => got.push(c));
    hub.publish(topics.rooms(), { type: "room.created", roomId: "r1" });
    off();
    hub.publish(topics.rooms(), { type: "room.membership", roomId: "r1" });
    expect(got).toEqual([{ type: "room.created", roomId: "r1" }]);
  });

  it("broadcasts session revocations", async () => {
    const hub = new MemoryHub();
    const got: string[] = [];
    await hub.subscribe(topics.sessions(), (id) => got.push(id));
    hub.publish(topics.sessions(), "s1");
    expect(got).toEqual(["s1"]);
  });
});
