import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_RULES, RateLimiter } from "./rate-limit";

// Needs the Redis server at PARLEY_TEST_REDIS_URL (the "redis" test project).
const REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const rules = { ...DEFAULT_RULES, message: { capacity: 3, refillPerSecond: 2 } };

describe("RateLimiter (Redis)", () => {
  const clients: Redis[] = [];
  afterAll(() => {
    for (const client of clients) client.disconnect();
  });

  it("counts in one place for every process that shares the prefix", async () => {
    const prefix = `parley-test-${randomBytes(4).toString("hex")}:`;
    const [a, b] = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
    clients.push(a, b);
    const one = RateLimiter.redis(a, prefix, rules);
    const two = RateLimiter.redis(b, prefix, rules);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await (i % 2 === 0 ? one : two).take("message", "u1"));
    await one.refund("message", "u1");
    for (let i = 0; i < 2; i++) results.push(await (i % 2 === 0 ? two : one).take("message", "u1"));
    // Three, one given back, one more: the fifth is one too many for both processes.
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, false]);
    expect(await a.exists(`${prefix}rl:message:u1`)).toBe(1);
  });
});
