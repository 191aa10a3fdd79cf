import { describe, expect, it } from "vitest";
import { SubscriptionSlots } from "./subscription-slots";

describe("SubscriptionSlots", () => {
  it("gives each user at most their share, and a release (once) frees one", () => {
    const slots = new SubscriptionSlots(2);
    const a = slots.take("alice");
    const b = slots.take("alice");
    expect(a && b).toBeTruthy();
    expect(slots.take("alice")).toBeNull();
    expect(slots.take("bob")).not.toBeNull(); // others are not affected
    a?.();
    a?.(); // twice is once
    expect(slots.held("alice")).toBe(1);
    expect(slots.take("alice")).not.toBeNull();
    expect(slots.take("alice")).toBeNull();
  });
});
