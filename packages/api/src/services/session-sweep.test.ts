import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startSessionSweep } from "./session-sweep";
import { SESSION_REVOKED_CLOSE_CODE, SocketRegistry } from "../lib/socket-registry";

class FakeSocket extends EventEmitter {
  readyState = 1;
  closedWith: number | null = null;
  close(code?: number) {
    this.closedWith = code ?? 1000;
    this.readyState = 3;
    this.emit("close");
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe("startSessionSweep", () => {
  it("closes, once a minute, the sockets of sessions that no longer exist, and only those", async () => {
    vi.useFakeTimers();
    const sockets = new SocketRegistry();
    const kept = new FakeSocket();
    const revoked = new FakeSocket();
    sockets.add("kept", kept);
    sockets.add("revoked", revoked);
    const asked: string[][] = [];
    const stop = startSessionSweep({
      sockets,
      existing: (ids) => {
        asked.push([...ids].sort());
        return Promise.resolve(new Set(ids.filter((id) => id !== "revoked")));
      },
    });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(asked).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.advanceTimersByTimeAsync(10);
    expect(asked).toEqual([["kept", "revoked"]]);
    expect(revoked.closedWith).toBe(SESSION_REVOKED_CLOSE_CODE);
    expect(kept.closedWith).toBeNull();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(asked).toEqual([["kept", "revoked"], ["kept"]]);
    stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(asked).toHaveLength(2);
  });
});
