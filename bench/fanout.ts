// Message throughput and delivery latency through the real server, measured against a baseline
// in the same run: the repository call alone (one transaction per message, no network, no hub).
//
//   pnpm bench                          # PGlite, in-process hub
//   DATABASE_URL=postgres://… pnpm bench  # PostgreSQL (uses a fresh database it creates)
//   REDIS_URL=redis://127.0.0.1:6379 pnpm bench
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createParleyClient } from "@parley/client";
import { publicUser } from "@parley/contract";
import { applyMigrations, messages, openDatabase, rooms, users, type Database } from "@parley/db";
import pg from "pg";
import { startServer } from "../apps/server/src/app";
import { loadConfig } from "../apps/server/src/env";

const SENDERS = Number(process.env.BENCH_SENDERS ?? 10);
const PER_SENDER = Number(process.env.BENCH_MESSAGES ?? 100);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 20);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function openBenchDatabase(): Promise<{ db: Database; drop: () => Promise<void> }> {
  const config = loadConfig({ ...process.env, PORT: "0" });
  if (config.database.kind === "pglite") {
    const db = await openDatabase({ kind: "pglite", dataDir: null });
    await applyMigrations(db, config.migrationsDir);
    return { db, drop: () => db.close() };
  }
  const name = `parley_bench_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: config.database.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(config.database.url);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: "postgres", url: url.toString() });
  await applyMigrations(db, config.migrationsDir);
  return {
    db,
    drop: async () => {
      await db.close();
      // pg's pool.end() resolves a moment before its sockets are gone; don't FORCE-kill them.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

async function baseline(db: Database): Promise<number> {
  const me = await users.createUser(db, {
    username: `base_${randomBytes(3).toString("hex")}`,
    email: `${randomBytes(4).toString("hex")}@b.io`,
    passwordHash: "x",
  });
  const { room } = await rooms.createRoom(db, { name: `base ${randomBytes(3).toString("hex")}`, creator: publicUser(me) });
  const total = SENDERS * PER_SENDER;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async (_, s) => {
      for (let i = 0; i < PER_SENDER; i++) {
        await messages.createMessage(db, { roomId: room.id, author: publicUser(me), text: `b${s}-${i}`, clientMsgId: null });
      }
    }),
  );
  return total / ((performance.now() - start) / 1000);
}

async function endToEnd(db: Database) {
  const server = await startServer(loadConfig({ ...process.env, PORT: "0", RATE_LIMITS: "off", DATABASE_URL: "" }), { db });
  const anon = createParleyClient({ url: server.url });
  const signup = async () => {
    const name = `b_${randomBytes(4).toString("hex")}`;
    return anon.trpc.auth.signup.mutate({ username: name, email: `${name}@b.io`, password: "benchmark password" });
  };
  const owner = await signup();
  const ownerClient = createParleyClient({ url: server.url, token: owner.token });
  const room = await ownerClient.trpc.room.create.mutate({ name: `bench ${randomBytes(3).toString("hex")}` });

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const total = SENDERS * PER_SENDER;
  let delivered = 0;
  let allDelivered!: () => void;
  const done = new Promise<void>((resolve) => (allDelivered = resolve));
  const clients = [ownerClient, anon];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const u = await signup();
    const c = createParleyClient({ url: server.url, token: u.token });
    clients.push(c);
    await c.trpc.room.join.mutate({ roomId: room.id });
    await new Promise<void>((resolve) => {
      c.trpc.room.events.subscribe(
        { roomId: room.id },
        {
          onStarted: () => resolve(),
          onData: ({ data }) => {
            if (data.type !== "message.created") return;
            const t0 = sentAt.get(data.message.text);
            if (t0 !== undefined) latencies.push(performance.now() - t0);
            if (++delivered === total * SUBSCRIBERS) allDelivered();
          },
        },
      );
    });
  }
  const senders = [];
  for (let s = 0; s < SENDERS; s++) {
    const u = await signup();
    const c = createParleyClient({ url: server.url, token: u.token });
    clients.push(c);
    await c.trpc.room.join.mutate({ roomId: room.id });
    senders.push(c);
  }
  const start = performance.now();
  await Promise.all(
    senders.map(async (c, s) => {
      for (let i = 0; i < PER_SENDER; i++) {
        const text = `e${s}-${i}`;
        sentAt.set(text, performance.now());
        await c.trpc.message.send.mutate({ roomId: room.id, text });
      }
    }),
  );
  const sendSeconds = (performance.now() - start) / 1000;
  await Promise.race([done, new Promise((r) => setTimeout(r, 60_000))]);
  const allSeconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  return {
    sendRate: total / sendSeconds,
    deliveryRate: delivered / allSeconds,
    delivered,
    expected: total * SUBSCRIBERS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

const { db, drop } = await openBenchDatabase();
try {
  const base = await baseline(db);
  const e2e = await endToEnd(db);
  const kind = db.kind + (process.env.REDIS_URL ? " + Redis hub" : " + in-process hub");
  console.log(`\nParley fan-out benchmark (${kind}; ${SENDERS} senders x ${PER_SENDER} messages, ${SUBSCRIBERS} subscribers)`);
  console.log(`  baseline: repository only      ${base.toFixed(0).padStart(8)} messages/s`);
  console.log(
    `  end to end: message.send       ${e2e.sendRate.toFixed(0).padStart(8)} messages/s  (${((e2e.sendRate / base) * 100).toFixed(0)}% of baseline)`,
  );
  console.log(
    `  end to end: deliveries         ${e2e.deliveryRate.toFixed(0).padStart(8)} events/s   (${e2e.delivered}/${e2e.expected} delivered)`,
  );
  console.log(`  send → receive latency         p50 ${e2e.p50.toFixed(1)} ms, p99 ${e2e.p99.toFixed(1)} ms`);
} finally {
  await drop();
}
