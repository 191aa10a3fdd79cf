import { describe, expect, it } from "vitest";
import { DEFAULT_RULES, RateLimiter, windowOf } from "./rate-limit";

const rules = {
  ...DEFAULT_RULES,
  message: { capacity: 3, refillPerSecond: 2 },
  typing: { capacity: 1, refillPerSecond: 1 },
};

describe("RateLimiter (memory)", () => {
  it("allows a burst up to capacity per key, then refuses with the time until the window ends", async () => {
    const limiter = RateLimiter.memory(true, rules);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.take("message", "u1"));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    const refused = results[3];
    expect(refused?.ok === false && refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused?.ok === false && refused.retryAfterMs).toBeLessThanOrEqual(2_000);
    expect((await limiter.take("message", "u2")).ok).toBe(true);
  });

  it("takes back a refunded count", async () => {
    const limiter = RateLimiter.memory(true, rules);
    expect((await limiter.take("typing", "u1")).ok).toBe(true);
    await limiter.refund("typing", "u1");
    expect((await limiter.take("typing", "u1")).ok).toBe(true);
    expect((await limiter.take("typing", "u1")).ok).toBe(false);
  });

  it("never limits when disabled", async () => {
    const limiter = RateLimiter.memory(false, rules);
    const results = await Promise.all(Array.from({ length: 100 }, () => limiter.take("typing", "u1")));
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it("turns burst/per-second rules into windows of whole seconds with the same average rate", () => {
    expect(windowOf({ capacity: 30, refillPerSecond: 0.5 })).toEqual({ points: 30, duration: 60 });
    expect(windowOf({ capacity: 3, refillPerSecond: 2 })).toEqual({ points: 3, duration: 2 });
    expect(windowOf({ capacity: 1, refillPerSecond: 0 })).toEqual({ points: 1, duration: 0 });
  });
});

describe("rulesFromEnv", () => {
  it("overrides single rules from RATE_LIMIT_<ACTION> and refuses malformed values", async () => {
    const { rulesFromEnv, DEFAULT_RULES } = await import("./rate-limit");
    const rules = rulesFromEnv({ RATE_LIMIT_MESSAGE: "20/1", RATE_LIMIT_LOGIN_ACCOUNT: "5/0.5" });
    expect(rules.message).toEqual({ capacity: 20, refillPerSecond: 1 });
    expect(rules.loginAccount).toEqual({ capacity: 5, refillPerSecond: 0.5 });
    expect(rules.typing).toEqual(DEFAULT_RULES.typing);
    expect(() => rulesFromEnv({ RATE_LIMIT_MESSAGE: "lots" })).toThrow(/RATE_LIMIT_MESSAGE/);
    expect(() => rulesFromEnv({ RATE_LIMIT_MESSAGES: "5/1" })).toThrow(/not a rate limit/);
  });
});
