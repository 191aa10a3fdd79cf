import { describe, expect, it } from "vitest";
import { ConnectionLimits, effectiveTotal } from "./connection-limits";

describe("ConnectionLimits", () => {
  it("caps anonymous connections per address lower than signed-in ones, and frees slots on release", () => {
    const limits = new ConnectionLimits({ total: 100, perAddress: 4, anonymousPerAddress: 2 });
    const a = limits.admit("1.1.1.1");
    const b = limits.admit("1.1.1.1");
    expect(a.ok && b.ok).toBe(true);
    expect(limits.admit("1.1.1.1")).toMatchObject({ ok: false, status: 429 });
    expect(limits.admit("2.2.2.2").ok).toBe(true); // another address is not affected
    if (!a.ok || !b.ok) throw new Error("unreachable");
    a.slot.signedIn();
    b.slot.signedIn();
    const c = limits.admit("1.1.1.1");
    const d = limits.admit("1.1.1.1");
    expect(c.ok && d.ok).toBe(true);
    expect(limits.admit("1.1.1.1")).toMatchObject({ ok: false, status: 429 }); // 4 in all
    a.slot.release();
    a.slot.release(); // twice is once
    expect(limits.open).toBe(4);
    if (c.ok) c.slot.signedIn();
    expect(limits.admit("1.1.1.1").ok).toBe(true);
  });

  it("refuses everyone with 503 past the total", () => {
    const limits = new ConnectionLimits({ total: 2, perAddress: 10, anonymousPerAddress: 10 });
    expect(limits.admit("a").ok && limits.admit("b").ok).toBe(true);
    expect(limits.admit("c")).toMatchObject({ ok: false, status: 503 });
  });

  it("keeps descriptors back for HTTP and the database", () => {
    expect(effectiveTotal(10_000, 1_200)).toBe(1_000);
    expect(effectiveTotal(500, 65_536)).toBe(500);
    expect(effectiveTotal(500, null)).toBe(500);
  });
});
