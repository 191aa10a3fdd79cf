// Outages under load: the database, then Redis, stopped and started again under a stream of
// sends and a subscriber, on servers of the test's own (never the machine's PostgreSQL or Redis).
// Each asserts what a user would notice: every acknowledged send is delivered once and stored
// once, in order; what clients see while it is down; and how long it takes to recover (printed).
import { randomBytes, randomUUID } from "node:crypto";
import type { ParleyClient } from "@parley/client";
import { applyMigrations, openDatabase, type Database } from "@parley/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParleyServer } from "../src/app";
import { startServer } from "../src/app";
import {
  closeClients,
  codeOf,
  retryAfterMs,
  connect,
  databaseKind,
  openTestDatabase,
  roomEvents,
  roomWith,
  signUp,
  sleep,
  started,
  startTestServer,
  testConfig,
  until,
  type TestUser,
  type TrackedEvent,
} from "./harness";
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from "./private-services";

/**
 * What a call that is not retried (message.send without a clientMsgId) answers while the
 * database is away: SERVICE_UNAVAILABLE, with how long to wait before trying again.
 */
function expectDatabaseOutageError(error: unknown): void {
  expect(codeOf(error)).toBe("SERVICE_UNAVAILABLE");
  expect(retryAfterMs(error)).toBeGreaterThan(0);
}

/**
 * What opening a subscription that needs Redis (room.activity: presence) answers while Redis is
 * away: SERVICE_UNAVAILABLE (error.data.reason "redis_unavailable"), not an internal error.
 */
function isRedisOutageError(code: string): boolean {
  return code === "SERVICE_UNAVAILABLE";
}

/** One message.send: what was sent, how long it took, and its answer. */
type Send = { n: number; clientMsgId: string; startedAt: number; ms: number; messageId: string | null; code: string | null };

/**
 * Sends "<label> <n>" one after another (each with its own clientMsgId, every `gapMs`) until
 * `stop()` says so, into `sends` as they are answered. Sequential sends by one person have one
 * order: the order they were sent.
 */
async function sendStream(
  client: ParleyClient,
  roomId: string,
  label: string,
  stop: () => boolean,
  sends: Send[] = [],
  gapMs = 30,
): Promise<Send[]> {
  for (let n = 0; !stop(); n++) {
    const clientMsgId = randomUUID();
    const startedAt = performance.now();
    try {
      const message = await client.trpc.message.send.mutate({ roomId, text: `${label} ${n}`, clientMsgId });
      sends.push({ n, clientMsgId, startedAt, ms: performance.now() - startedAt, messageId: message.id, code: null });
    } catch (error) {
      sends.push({ n, clientMsgId, startedAt, ms: performance.now() - startedAt, messageId: null, code: String(codeOf(error)) });
    }
    await sleep(gapMs);
  }
  return sends;
}

/** The room's messages as stored, oldest first (every page). */
async function storedMessages(client: ParleyClient, roomId: string) {
  const all = [];
  let before: string | null = null;
  for (;;) {
    const page = await client.trpc.message.list.query({ roomId, before, limit: 100 });
    all.unshift(...page.messages);
    if (!page.nextCursor) return all;
    before = page.nextCursor;
  }
}

function messageIds(events: TrackedEvent[]): string[] {
  return events.flatMap((e) => (e.data.type === "message.created" ? [e.data.message.id] : []));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/**
 * What every outage test asserts once the stream is over: every acknowledged send is stored
 * once and delivered once, in the order sent; a send that failed and was sent again with its
 * clientMsgId is stored once; nothing else reached the room.
 */
async function expectNothingLostOrDoubled(sender: TestUser, roomId: string, sends: Send[], delivered: TrackedEvent[]) {
  // The failed sends, sent again with the same clientMsgId (as a client retries): the server
  // may have written one before the answer was lost; either way it must exist exactly once.
  const retried = new Map<string, string>();
  for (const send of sends.filter((s) => s.code !== null)) {
    const message = await sender.client.trpc.message.send.mutate({ roomId, text: "retried", clientMsgId: send.clientMsgId });
    retried.set(send.clientMsgId, message.id);
  }
  const acknowledged = sends.flatMap((s) => (s.messageId ? [s.messageId] : []));
  const everySent = sends.map((s) => s.messageId ?? (retried.get(s.clientMsgId) as string));
  await until(() => everySent.every((id) => messageIds(delivered).includes(id)), "every message reached the subscriber", 20_000);
  await sleep(300); // anything doubled would arrive now

  const stored = await storedMessages(sender.client, roomId);
  const storedIds = stored.map((m) => m.id);
  const deliveredIds = messageIds(delivered);
  // Nothing doubled: one row per clientMsgId, one delivery per message.
  expect(new Set(storedIds).size).toBe(storedIds.length);
  expect(new Set(deliveredIds).size).toBe(deliveredIds.length);
  expect(new Set(stored.map((m) => m.clientMsgId)).size).toBe(stored.length);
  // Nothing lost, nothing else: exactly the sends, stored and delivered in one order.
  expect(storedIds).toEqual(deliveredIds);
  expect(new Set(storedIds)).toEqual(new Set(everySent));
  // Order kept: the acknowledged sends, one after another, in the order they were made.
  expect(storedIds.filter((id) => acknowledged.includes(id))).toEqual(acknowledged);
  // Event ids only ever grow.
  const seqs = delivered.map((e) => BigInt(e.id));
  expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
}

describe("PostgreSQL outage (a private cluster, stopped and started)", () => {
  let pg: PrivatePostgres;
  let db: Database;
  let server: ParleyServer;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    db = await openDatabase({ kind: "postgres", url: pg.url });
    await applyMigrations(db, testConfig().migrationsDir);
    server = await startServer(testConfig({ DATABASE_URL: pg.url }), { db });
  });

  afterAll(async () => {
    await closeClients();
    await server?.close();
    await db?.close();
    await pg?.remove();
  });

  // One cluster per run is plenty: under PGlite this file still runs the Redis half.
  it.skipIf(databaseKind === "pglite")(
    "loses nothing, doubles nothing and keeps order; sends wait out the outage in the client, a call that cannot be retried is told SERVICE_UNAVAILABLE",
    async () => {
      const alice = await signUp(server, "pga");
      const bob = await signUp(server, "pgb");
      const room = await roomWith(alice, bob);
      const sub = await roomEvents(bob, room.id);

      let done = false;
      const stream = sendStream(alice.client, room.id, "pg", () => done);
      await until(() => messageIds(sub.events.items).length >= 5, "sends flow before the outage", 10_000);

      await pg.stop();
      const stoppedAt = performance.now();
      await sleep(1_000);
      // A send the client may not repeat on its own (no clientMsgId) is told why it failed.
      const raw = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "no id" }).then(
        () => null,
        (error: unknown) => error,
      );
      await sleep(2_000);
      const readyDuring = (await fetch(`${server.url}/readyz`)).status;
      await pg.start();
      const startedAt = performance.now();
      await sleep(2_000);
      done = true;
      const sends = await stream;

      // Sends with a clientMsgId wait out the outage in the client and are acknowledged once the
      // database is back: the one in flight when it went away took longer, none failed.
      const waited = sends.filter((s) => s.startedAt > stoppedAt - 1_000 && s.startedAt < startedAt);
      const firstBack = sends.find((s) => s.startedAt + s.ms >= startedAt && s.code === null);
      const failed = sends.filter((s) => s.code !== null);
      console.log(
        `postgres outage: ${sends.length} sends, ${sends.length - failed.length} acknowledged, ${failed.length} failed; ` +
          `the send that waited took ${Math.max(...waited.map((s) => s.ms)).toFixed(0)} ms; ` +
          `first send acknowledged ${firstBack ? (firstBack.startedAt + firstBack.ms - startedAt).toFixed(0) : "never"} ms after PostgreSQL was back`,
      );
      // What clients saw: an outage error with a retry hint where nothing retries, /readyz 503.
      expect(raw).not.toBeNull();
      expectDatabaseOutageError(raw);
      expect(readyDuring).toBe(503);
      expect(failed).toEqual([]);
      expect(waited.some((s) => s.startedAt + s.ms > startedAt)).toBe(true);
      // Back by itself, within the two seconds given, with no restart.
      expect(firstBack).toBeDefined();
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      // The subscriber's stream lived through it.
      expect(sub.state.ended).toBe(false);

      await expectNothingLostOrDoubled(alice, room.id, sends, sub.events.items);
      sub.stop();
    },
    60_000,
  );
});

describe("Redis outage under two servers (a private redis-server, killed and started)", () => {
  let redis: PrivateRedis;
  let db: Database;
  let one: ParleyServer;
  let two: ParleyServer;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    db = await openTestDatabase();
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: `parley-outage-${randomBytes(4).toString("hex")}:` };
    one = await startTestServer(db, env);
    two = await startTestServer(db, env);
  });

  afterAll(async () => {
    await closeClients();
    await one?.close();
    await two?.close();
    await db?.close();
    await redis?.kill();
  });

  it("keeps sends fast (they count in memory), loses nothing, doubles nothing, and fills the gap when Redis is back", async () => {
    const alice = await signUp(one, "rda");
    const bob = await signUp(two, "rdb");
    const room = await roomWith(alice, bob);
    const sub = await roomEvents(bob, room.id); // on the other server: every delivery crosses Redis

    let done = false;
    const stream = sendStream(alice.client, room.id, "redis", () => done);
    await until(() => messageIds(sub.events.items).length >= 10, "sends flow before the outage", 10_000);

    await redis.kill();
    const killedAt = performance.now();
    await sleep(500);
    // Presence needs Redis: a new room.activity fails at once, with an error the client can show.
    const bobAgain = connect(two, bob.token);
    const activityStartedAt = performance.now();
    const activity = await new Promise<{ code: string | null; ms: number }>((resolve) => {
      const { onStarted } = started();
      bobAgain.trpc.room.activity.subscribe(
        { roomId: room.id },
        {
          onStarted,
          onData: () => resolve({ code: null, ms: performance.now() - activityStartedAt }),
          onError: (error) => resolve({ code: String(codeOf(error)), ms: performance.now() - activityStartedAt }),
        },
      );
    });
    await sleep(2_500);
    // The last messages of the room are sent while Redis is away: no later one will reveal the
    // gap to the other server, which must catch up by itself once Redis is back.
    done = true;
    const before = await stream;
    await redis.start();
    const restartedAt = performance.now();
    const acknowledged = before.flatMap((s) => (s.messageId ? [s.messageId] : []));
    await until(() => acknowledged.every((id) => messageIds(sub.events.items).includes(id)), "the outage's messages reached bob", 20_000);
    const recoveredMs = performance.now() - restartedAt;
    // And live delivery works again.
    let doneAfter = false;
    const after = sendStream(alice.client, room.id, "after", () => doneAfter);
    await sleep(1_000);
    doneAfter = true;
    const sends = [...before, ...(await after)];

    const during = before.filter((s) => s.startedAt > killedAt);
    const baseline = before.filter((s) => s.startedAt < killedAt);
    const ms = (values: Send[], p: number) =>
      percentile(
        values.map((s) => s.ms),
        p,
      ).toFixed(1);
    const slowest = [...during].sort((a, b) => b.ms - a.ms).slice(0, 3);
    console.log(
      `redis outage: slowest sends during it: ${slowest.map((s) => `${s.ms.toFixed(0)} ms, ${(s.startedAt - killedAt).toFixed(0)} ms in`).join("; ")}`,
    );
    console.log(
      `redis outage: ${sends.length} sends; before it p50 ${ms(baseline, 50)} ms, p99 ${ms(baseline, 99)} ms; ` +
        `during it (${during.length} sends) p50 ${ms(during, 50)} ms, p99 ${ms(during, 99)} ms, max ${ms(during, 100)} ms; ` +
        `room.activity refused in ${activity.ms.toFixed(0)} ms (${activity.code}); ` +
        `the outage's messages reached the other server ${recoveredMs.toFixed(0)} ms after Redis was back`,
    );

    // Every send during the outage was acknowledged, and fast: the rate limiter counted in memory
    // instead of waiting out ioredis's retries (2.5 s each before the breaker).
    expect(during.length).toBeGreaterThan(20);
    expect(during.filter((s) => s.code !== null)).toEqual([]);
    expect(
      percentile(
        during.map((s) => s.ms),
        99,
      ),
    ).toBeLessThan(500);
    // What a client saw: presence refused quickly with an outage error; bob's stream lived on.
    expect(activity.code !== null && isRedisOutageError(activity.code), String(activity.code)).toBe(true);
    expect(activity.ms).toBeLessThan(1_000);
    expect(sub.state.ended).toBe(false);

    await expectNothingLostOrDoubled(alice, room.id, sends, sub.events.items);
    sub.stop();
  }, 60_000);
});
