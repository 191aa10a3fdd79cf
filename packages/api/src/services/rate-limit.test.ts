import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  const rules = {
    signup: { capacity: 2, refillPerSecond: 1 },
    login: { capacity: 2, refillPerSecond: 1 },
    loginAccount: { capacity: 2, refillPerSecond: 1 },
    membership: { capacity: 2, refillPerSecond: 1 },
    message: { capacity: 3, refillPerSecond: 2 },
    typing: { capacity: 1, refillPerSecond: 1 },
    roomCreate: { capacity: 1, refillPerSecond: 1 },
    replay: { capacity: 1, refillPerSecond: 1 },
  };

  it("allows a burst up to capacity, then refills over time, per key", () => {
    let now = 0;
    const limiter = new RateLimiter(true, rules, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take("message", "u1"))).toEqual([true, true, true, false]);
    expect(limiter.take("message", "u2")).toBe(true);
    now += 500; // one token back at 2/s
    expect(limiter.take("message", "u1")).toBe(true);
    expect(limiter.take("message", "u1")).toBe(false);
  });

  it("takes back a refunded token", () => {
    const limiter = new RateLimiter(true, rules, () => 0);
    expect(limiter.take("typing", "u1")).toBe(true);
    limiter.refund("typing", "u1");
    expect(limiter.take("typing", "u1")).toBe(true);
    expect(limiter.take("typing", "u1")).toBe(false);
  });

  it("never limits when disabled", () => {
    const limiter = new RateLimiter(false, rules, () => 0);
    expect(Array.from({ length: 100 }, () => limiter.take("typing", "u1")).every(Boolean)).toBe(true);
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
