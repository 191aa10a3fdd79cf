import { randomBytes } from "node:crypto";
import { RedisHub, topics } from "@parley/api/hub";
import { afterEach, describe, expect, it } from "vitest";
import { createMetrics } from "./metrics";

// Against the Redis that runs on every development and CI machine, under a prefix of its own.
const REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const open: RedisHub[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((hub) => hub.close()));
});

describe("the Redis hub's metrics", () => {
  it("times a probe through Redis with every heartbeat, and counts publishes by topic", async () => {
    const metrics = createMetrics();
    const prefix = `parley-test-${randomBytes(4).toString("hex")}:`;
    const hub = await RedisHub.connect({ url: REDIS_URL, prefix, heartbeatMs: 50, metrics });
    open.push(hub);
    hub.publish(topics.rooms(), { type: "room.updated", room: null } as never);
    let text = "";
    for (let i = 0; i < 100; i++) {
      text = await metrics.registry.metrics();
      if (/parley_hub_lag_seconds_count [3-9]/.test(text)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(text).toMatch(/parley_hub_lag_seconds_count [3-9]/);
    // Probes are this server's own: they never reach a listener, and lag is well under a second.
    expect(text).toMatch(/parley_hub_lag_seconds_bucket\{le="1"\} [3-9]/);
    expect(text).toContain('parley_hub_published_total{topic="rooms"} 1');
  });
});
