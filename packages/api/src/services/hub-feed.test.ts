import type { RoomListChange } from "@parley/contract";
import { describe, expect, it } from "vitest";
import { MemoryHub } from "../hub/memory-hub";
import { topics } from "../hub/topics";
import { HubFeed } from "./hub-feed";

const change = (roomId: string): RoomListChange => ({ type: "room.created", roomId });

describe("HubFeed", () => {
  it("yields what is published after it opens, in order, and only what it accepts", async () => {
    const hub = new MemoryHub();
    hub.publish(topics.rooms(), change("before")); // not yet subscribed: never seen
    const feed = await HubFeed.open(hub, topics.rooms(), undefined, { limit: 10, accept: (c) => c.roomId !== "skip" });
    for (const id of ["a", "skip", "b", "c"]) hub.publish(topics.rooms(), change(id));
    feed.end();
    const got: string[] = [];
    for await (const c of feed) got.push(c.roomId);
    expect(got).toEqual(["a", "b", "c"]);
    expect(hub.listenerCount(topics.rooms())).toBe(0);
  });

  it("lets go of the hub when its signal aborts, even if nobody iterated it", async () => {
    const hub = new MemoryHub();
    const abort = new AbortController();
    await HubFeed.open(hub, topics.rooms(), abort.signal, { limit: 10 });
    expect(hub.listenerCount(topics.rooms())).toBe(1);
    abort.abort();
    expect(hub.listenerCount(topics.rooms())).toBe(0);
  });

  it("wakes a waiting reader when the signal aborts", async () => {
    const hub = new MemoryHub();
    const abort = new AbortController();
    const feed = await HubFeed.open(hub, topics.rooms(), abort.signal, { limit: 10 });
    const reading = (async () => {
      const got: string[] = [];
      for await (const c of feed) got.push(c.roomId);
      return got;
    })();
    hub.publish(topics.rooms(), change("a"));
    await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    expect(await reading).toEqual(["a"]);
  });

  it("drops what a stuck reader has not taken past its limit instead of blocking the publisher", async () => {
    const hub = new MemoryHub();
    const feed = await HubFeed.open(hub, topics.rooms(), undefined, { limit: 3 });
    for (const id of ["a", "b", "c", "d", "e"]) hub.publish(topics.rooms(), change(id));
    feed.end();
    const got: string[] = [];
    for await (const c of feed) got.push(c.roomId);
    expect(got.length).toBeLessThan(5);
    expect(got.at(-1)).toBe("e");
  });

  it("ends a waiting reader's loop at once on close, dropping what is buffered", async () => {
    const hub = new MemoryHub();
    const feed = await HubFeed.open(hub, topics.rooms(), undefined, { limit: 10 });
    const got: string[] = [];
    const reading = (async () => {
      for await (const c of feed) got.push(c.roomId);
    })();
    hub.publish(topics.rooms(), change("a"));
    await new Promise((r) => setTimeout(r, 10));
    feed.close();
    await reading;
    expect(got).toEqual(["a"]);
    expect(hub.listenerCount(topics.rooms())).toBe(0);
  });
});
