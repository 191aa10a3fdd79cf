import { TRPCClientError, type Operation, type OperationLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import type { AppRouter } from "@parley/api";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { databaseRetryLink, type DatabaseState } from "./database-retry";

const outage = (retryAfterMs: number) =>
  new TRPCClientError<AppRouter>("The database is briefly unavailable", {
    result: {
      error: {
        code: -32603,
        message: "x",
        data: { code: "SERVICE_UNAVAILABLE", httpStatus: 503, retryAfterMs, reason: "database_unavailable" },
      },
    } as never,
  });

/** A server that fails the first `failures` calls with `error`, then answers. */
function server(failures: number, error: unknown) {
  let calls = 0;
  const next: Parameters<OperationLink<AppRouter>>[0]["next"] = () =>
    observable((observer) => {
      calls++;
      if (calls <= failures) observer.error(error as TRPCClientError<AppRouter>);
      else {
        observer.next({ result: { type: "data", data: "ok" } } as never);
        observer.complete();
      }
    });
  return { next, calls: () => calls };
}

function run(op: Partial<Operation>, failures: number, error: unknown, options: Parameters<typeof databaseRetryLink>[0] = {}) {
  const states: DatabaseState[] = [];
  const link = databaseRetryLink({ random: () => 0.5, onStateChange: (s) => states.push(s), ...options })({});
  const fake = server(failures, error);
  const full = {
    id: 1,
    type: "mutation",
    path: "message.send",
    input: { roomId: "r", text: "t", clientMsgId: "c1" },
    context: {},
    signal: null,
    ...op,
  } as Operation;
  const result = new Promise((resolve, reject) => {
    link({ op: full, next: fake.next }).subscribe({ next: resolve, error: reject });
  });
  result.catch(() => undefined);
  return { result, states, calls: fake.calls };
}

describe("databaseRetryLink", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends an idempotent message.send again after retryAfterMs until it lands, and says so", async () => {
    const { result, states, calls } = run({}, 2, outage(1000));
    expect(states).toEqual(["unavailable"]);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls()).toBe(1); // waits the server's retryAfterMs (1 s > the first backoff, 0.5 s)
    await vi.advanceTimersByTimeAsync(1);
    expect(calls()).toBe(2);
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(result).resolves.toMatchObject({ result: { data: "ok" } });
    expect(calls()).toBe(3);
    expect(states).toEqual(["unavailable", "available"]);
  });

  it("gives up with the last error once it has waited maxTotalMs", async () => {
    const { result, states, calls } = run({}, Infinity, outage(1000), { maxTotalMs: 10_000, maxDelayMs: 5_000 });
    await vi.advanceTimersByTimeAsync(20_000);
    await expect(result).rejects.toBeInstanceOf(TRPCClientError);
    expect(calls()).toBeLessThanOrEqual(6);
    expect(states).toEqual(["unavailable", "available"]);
  });

  it("never retries a send without a clientMsgId, another procedure, or another error", async () => {
    const noId = run({ input: { roomId: "r", text: "t" } }, 1, outage(1000));
    await expect(noId.result).rejects.toBeInstanceOf(TRPCClientError);
    const other = run({ path: "room.create", input: { name: "x" } }, 1, outage(1000));
    await expect(other.result).rejects.toBeInstanceOf(TRPCClientError);
    const notFound = new TRPCClientError<AppRouter>("nope", {
      result: { error: { code: -32004, message: "nope", data: { code: "NOT_FOUND", httpStatus: 404 } } } as never,
    });
    const wrong = run({}, 1, notFound);
    await expect(wrong.result).rejects.toBe(notFound);
    expect([noId.calls(), other.calls(), wrong.calls()]).toEqual([1, 1, 1]);
    expect([...noId.states, ...other.states, ...wrong.states]).toEqual([]);
  });
});
