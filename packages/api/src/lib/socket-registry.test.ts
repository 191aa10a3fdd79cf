import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { SESSION_REVOKED_CLOSE_CODE, SocketRegistry } from "./socket-registry";

class FakeSocket extends EventEmitter {
  closedWith: number | null = null;
  close(code?: number) {
    this.closedWith = code ?? 1000;
    this.emit("close");
  }
}

describe("SocketRegistry", () => {
  it("does not keep a socket that closed while its session was being looked up", () => {
    const registry = new SocketRegistry();
    const gone = Object.assign(new FakeSocket(), { readyState: 3 });
    registry.add("s1", gone);
    expect(registry.count()).toBe(0);
  });

  it("closes every socket of a revoked session after a short delay, and only those", () => {
    vi.useFakeTimers();
    try {
      const registry = new SocketRegistry();
      const [a, b, other] = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
      registry.add("s1", a);
      registry.add("s1", b);
      registry.add("s2", other);
      registry.closeSession("s1");
      expect(a.closedWith).toBeNull(); // the reply to logout goes out first
      vi.advanceTimersByTime(50);
      expect([a.closedWith, b.closedWith, other.closedWith]).toEqual([SESSION_REVOKED_CLOSE_CODE, SESSION_REVOKED_CLOSE_CODE, null]);
      expect(registry.count()).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("closes a socket that registers just after its session was revoked", () => {
    const registry = new SocketRegistry();
    registry.closeSession("s1");
    const late = new FakeSocket();
    registry.add("s1", late);
    expect(late.closedWith).toBe(SESSION_REVOKED_CLOSE_CODE);
    expect(registry.count()).toBe(0);
  });
});
