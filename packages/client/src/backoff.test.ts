import { describe, expect, it } from "vitest";
import { reconnectDelayMs } from "./backoff";

describe("reconnectDelayMs", () => {
  it("doubles from 0.5 s up to a 10 s cap", () => {
    const middle = () => 0.5; // no jitter
    expect([0, 1, 2, 3, 4, 5, 20].map((n) => reconnectDelayMs(n, middle))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it("jitters each delay by up to ±50 %", () => {
    expect(reconnectDelayMs(2, () => 0)).toBe(1_000);
    expect(reconnectDelayMs(2, () => 0.999_999)).toBe(3_000);
  });
});
