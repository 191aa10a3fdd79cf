import { describe, expect, it } from "vitest";
import { SubscriptionQueue } from "./queue";

describe("SubscriptionQueue", () => {
  it("hands over what was pushed, in order, in batches", async () => {
    const queue = new SubscriptionQueue<number>(new AbortController().signal, 10);
    queue.push(1);
    queue.push(2);
    expect(await queue.take()).toEqual({ items: [1, 2], overflowed: false });
    const waiting = queue.take();
    queue.push(3);
    expect(await waiting).toEqual({ items: [3], overflowed: false });
  });

  it("drops its buffer and flags overflow past the limit instead of growing", async () => {
    const queue = new SubscriptionQueue<number>(new AbortController().signal, 3);
    for (let i = 0; i < 5; i++) queue.push(i);
    const batch = await queue.take();
    expect(batch?.overflowed).toBe(true);
    expect(batch?.items.length).toBeLessThanOrEqual(3);
  });

  it("wakes a waiting taker with null when the signal aborts", async () => {
    const abort = new AbortController();
    const queue = new SubscriptionQueue<number>(abort.signal, 3);
    const waiting = queue.take();
    abort.abort();
    expect(await waiting).toBeNull();
  });

  it("ends after the buffered items when ended", async () => {
    const queue = new SubscriptionQueue<number>(new AbortController().signal, 3);
    queue.push(1);
    queue.end();
    queue.push(2);
    expect(await queue.take()).toEqual({ items: [1], overflowed: false });
    expect(await queue.take()).toBeNull();
  });
});
