import { describe, expect, it } from "vitest";
import { FairQueue } from "./fair-queue";
import { RetryLaterError } from "./retry-later";

/** A task that finishes when its `finish` is called. */
function gate() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { finish, task: () => done };
}

describe("FairQueue", () => {
  it("runs up to `concurrency` at once, queues a few, and refuses the rest at once", async () => {
    const queue = new FairQueue({ concurrency: 2, maxQueued: 2, maxQueuedPerLane: 2, retryAfterMs: 500 });
    const gates = Array.from({ length: 5 }, gate);
    const runs = gates.map((g) => queue.run("a", g.task));
    const refused = await runs[4]?.catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RetryLaterError);
    expect((refused as RetryLaterError).retryAfterMs).toBe(500);
    for (const g of gates) g.finish();
    await Promise.all(runs.slice(0, 4));
  });

  it("gives each lane a turn, so a flooding lane cannot keep another waiting", async () => {
    const queue = new FairQueue({ concurrency: 1, maxQueued: 10, maxQueuedPerLane: 3 });
    const order: string[] = [];
    const blocker = gate();
    const first = queue.run("flood", blocker.task);
    const runs = [
      ...["f1", "f2", "f3"].map((name) => queue.run("flood", () => Promise.resolve(void order.push(name)))),
      queue.run("real", () => Promise.resolve(void order.push("real"))),
    ];
    // The flood's lane is full: a fourth is refused, while another lane still gets in.
    await expect(queue.run("flood", () => Promise.resolve())).rejects.toBeInstanceOf(RetryLaterError);
    blocker.finish();
    await Promise.all([first, ...runs]);
    expect(order).toEqual(["f1", "real", "f2", "f3"]);
  });

  it("keeps running after a task fails", async () => {
    const queue = new FairQueue({ concurrency: 1, maxQueued: 5, maxQueuedPerLane: 5 });
    const failing = queue.run("a", () => Promise.reject(new Error("boom")));
    const next = queue.run("a", () => Promise.resolve("ok"));
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ok");
  });
});
