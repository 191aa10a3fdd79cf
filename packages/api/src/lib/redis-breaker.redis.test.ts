import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import type { User } from "@parley/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisHub } from "../hub/redis-hub";
import { topics } from "../hub/topics";
import { DEFAULT_RULES, RateLimiter } from "../services/rate-limit";

// A Redis of this file's own on a free port, killed and started again under the hub and the rate
// limiter (never the machine's Redis on 6379). Needs redis-server on the PATH.
let port = 0;
let redis: ChildProcess | null = null;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRedis(): Promise<void> {
  redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  for (let i = 0; i < 250; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(true)).on("error", () => resolve(false));
      socket.unref();
      setTimeout(() => socket.destroy(), 50);
    });
    if (up) return;
    await sleep(20);
  }
  throw new Error(`redis-server did not start on ${port}`);
}

async function killRedis(): Promise<void> {
  const child = redis;
  redis = null;
  if (!child || child.exitCode !== null) return;
  await new Promise((resolve) => child.once("exit", resolve).kill("SIGKILL"));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const alice: User = { id: "a", username: "alice", createdAt: "2026-01-01T00:00:00.000Z" };

/** How long `call` takes to settle, in ms, and whether it succeeded. */
async function timed(call: () => Promise<unknown>): Promise<{ ms: number; ok: boolean }> {
  const start = performance.now();
  const ok = await call().then(
    () => true,
    () => false,
  );
  return { ms: performance.now() - start, ok };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
  return performance.now() - start;
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
});

afterAll(async () => {
  await killRedis();
});

describe("Redis outage: the breaker", () => {
  it("lets the rate limiter, presence and the hub answer within 50 ms while Redis is down, and recover by themselves", async () => {
    const url = `redis://127.0.0.1:${port}`;
    const prefix = `parley-test-${Date.now()}:`;
    const rules = { ...DEFAULT_RULES, message: { capacity: 3, refillPerSecond: 0.01 } };
    const limiter = await RateLimiter.connect({ enabled: true, rules, redis: { url, prefix } });
    const one = await RedisHub.connect({ url, prefix, probeAfterMs: 200 });
    const two = await RedisHub.connect({ url, prefix, probeAfterMs: 200 });
    try {
      // Redis counts while it is up: two of the three allowed.
      expect((await limiter.take("message", "u1")).ok).toBe(true);
      expect((await limiter.take("message", "u1")).ok).toBe(true);
      const got: string[] = [];
      await two.subscribe(topics.sessions(), (id) => got.push(id));
      const resumes: [number, number] = [0, 0];
      one.onResume(() => (resumes[0] += 1));
      two.onResume(() => (resumes[1] += 1));

      await killRedis();
      const takes = [];
      const presences = [];
      for (let i = 0; i < 20; i++) {
        takes.push(await timed(() => limiter.take("message", `outage-${i}`)));
        presences.push(await timed(() => one.presenceEnter("r1", alice, `s${i}`)));
        one.publish(topics.sessions(), `lost-${i}`); // never throws, never waits
      }
      // Calls settle within 50 ms (the limiter counts in memory, presence fails); the slowest
      // gets some slack for a busy machine (before the breaker each one took 0.5-2.5 s).
      const p90 = (values: { ms: number }[]) => values.map((t) => t.ms).sort((a, b) => a - b)[Math.floor(values.length * 0.9)] ?? NaN;
      expect(p90(takes)).toBeLessThan(50);
      expect(p90(presences)).toBeLessThan(50);
      expect(Math.max(...takes.map((t) => t.ms), ...presences.map((t) => t.ms))).toBeLessThan(250);
      expect(takes.every((t) => t.ok)).toBe(true);
      expect(presences.every((t) => !t.ok)).toBe(true);
      // In memory the limit still holds (three per process while Redis is away).
      const inMemory = [];
      for (let i = 0; i < 4; i++) inMemory.push((await limiter.take("message", "u2")).ok);
      expect(inMemory).toEqual([true, true, true, false]);
      expect(resumes).toEqual([0, 0]); // nothing to catch up on while Redis is away

      await startRedis();
      // Back by themselves: presence works, the subscription was renewed, and the limiter
      // counts in Redis again (its count there survived nowhere: this Redis keeps nothing).
      const recoverMs = await until(async () => (await timed(() => one.presenceEnter("r1", alice, "back"))).ok, "presence works again");
      await until(async () => {
        one.publish(topics.sessions(), "back");
        await sleep(50);
        return got.includes("back");
      }, "a publish reaches the other hub");
      await until(async () => {
        await limiter.take("message", "u3");
        return (await rawExists(port, `${prefix}rl:message:u3`)) === 1;
      }, "the limiter counts in Redis");
      expect(got.filter((id) => id.startsWith("lost-"))).toEqual([]);
      // Both hubs told their streams to read what they missed (coalesced: once or twice each).
      await until(() => Promise.resolve(resumes.every((n) => n >= 1)), "both hubs resumed");
      expect(resumes.every((n) => n <= 3)).toBe(true);
      console.log(
        `redis outage (unit): take p90 ${p90(takes).toFixed(2)} ms, max ${Math.max(...takes.map((t) => t.ms)).toFixed(2)} ms; ` +
          `presenceEnter p90 ${p90(presences).toFixed(2)} ms; presence back ${recoverMs.toFixed(0)} ms after restart; resumes ${resumes.join(",")}`,
      );
    } finally {
      await Promise.all([limiter.close(), one.close().catch(() => {}), two.close().catch(() => {})]);
    }
  });
});

describe("Redis hangs: the breaker's timeout", () => {
  it("fails the first call after timeoutMs, every later one at once, and recovers when Redis answers again", async () => {
    const url = `redis://127.0.0.1:${port}`;
    const hub = await RedisHub.connect({ url, prefix: `parley-test-hang-${Date.now()}:`, timeoutMs: 200, probeAfterMs: 200 });
    const frozen = redis;
    try {
      frozen?.kill("SIGSTOP"); // alive, connected, silent
      const first = await timed(() => hub.presenceEnter("r1", alice, "s1"));
      const later = [];
      for (let i = 0; i < 10; i++) later.push(await timed(() => hub.onlineUsers("r1")));
      expect(first.ok).toBe(false);
      expect(first.ms).toBeGreaterThanOrEqual(190);
      expect(first.ms).toBeLessThan(400);
      expect(later.every((t) => !t.ok)).toBe(true);
      expect(Math.max(...later.map((t) => t.ms))).toBeLessThan(50);
      frozen?.kill("SIGCONT");
      await until(async () => (await timed(() => hub.onlineUsers("r1"))).ok, "Redis answers the hub again");
    } finally {
      frozen?.kill("SIGCONT");
      await hub.close().catch(() => {});
    }
  });
});

async function rawExists(port: number, key: string): Promise<number> {
  const { Redis } = await import("ioredis");
  const raw = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await raw.connect();
    return await raw.exists(key);
  } finally {
    raw.disconnect();
  }
}
