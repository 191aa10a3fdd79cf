// message.send throughput into ONE room through the real server and @parley/client: how many
// sends per second are acknowledged, and how long an acknowledgement takes.
//
//   pnpm exec tsx bench/send-throughput.ts                 # PostgreSQL, then PGlite
//   BENCH_DB=postgres pnpm exec tsx bench/send-throughput.ts
//   BENCH_DB=pglite BENCH_SECONDS=10 pnpm exec tsx bench/send-throughput.ts
//
// Phase 1 (closed loop): BENCH_CONNECTIONS clients (20), each keeping BENCH_IN_FLIGHT sends (10)
// in flight for BENCH_SECONDS (5): the rate the server sustains, with p50/p99 ack latency.
// Phase 2 (open loop): the same clients send at half that rate, spread evenly over time, for
// BENCH_SECONDS: p50/p99 ack latency at a load the server is not saturated by.
// PostgreSQL uses a fresh database made on DATABASE_URL's server (default the local test one);
// PGlite is in memory. Rate limits are off. Client and server share this process.
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createParleyClient, type ParleyClient } from "@parley/client";
import { applyMigrations, openDatabase, type Database } from "@parley/db";
import pg from "pg";
import { startServer } from "../apps/server/src/app";
import { loadConfig } from "../apps/server/src/env";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = 1;
const POSTGRES_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const kinds = (process.env.BENCH_DB ?? "postgres,pglite").split(",") as ("postgres" | "pglite")[];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function openBenchDatabase(kind: "postgres" | "pglite"): Promise<{ db: Database; drop: () => Promise<void> }> {
  const { migrationsDir } = loadConfig({ PORT: "0" });
  if (kind === "pglite") {
    const db = await openDatabase({ kind: "pglite", dataDir: null });
    await applyMigrations(db, migrationsDir);
    return { db, drop: () => db.close() };
  }
  const name = `parley_send_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: "postgres", url: url.toString() });
  await applyMigrations(db, migrationsDir);
  return {
    db,
    drop: async () => {
      await db.close();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

type Stats = { acks: number; errors: number; seconds: number; p50: number; p99: number; max: number };

function summarise(latencies: number[], errors: number, seconds: number): Stats {
  latencies.sort((a, b) => a - b);
  return {
    acks: latencies.length,
    errors,
    seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? NaN,
  };
}

/** Every client keeps IN_FLIGHT sends outstanding until `seconds` have passed. */
async function closedLoop(clients: ParleyClient[], roomId: string, seconds: number): Promise<Stats> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let n = 0;
  await Promise.all(
    clients.flatMap((client, c) =>
      Array.from({ length: IN_FLIGHT }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          try {
            await client.trpc.message.send.mutate({ roomId, text: `c${c} m${n++}`, clientMsgId: randomBytes(8).toString("hex") });
            latencies.push(performance.now() - t0);
          } catch {
            errors++;
          }
        }
      }),
    ),
  );
  return summarise(latencies, errors, (performance.now() - start) / 1000);
}

/** Sends at `rate` per second in total, round-robin over the clients, for `seconds`. */
async function openLoop(clients: ParleyClient[], roomId: string, rate: number, seconds: number): Promise<Stats> {
  const latencies: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const total = Math.round(rate * seconds);
  let issued = 0;
  while (issued < total) {
    // Issue every send that is due by now, then sleep a millisecond.
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; issued < due; issued++) {
      const client = clients[issued % clients.length];
      if (!client) continue;
      const t0 = performance.now();
      pending.push(
        client.trpc.message.send.mutate({ roomId, text: `o m${issued}`, clientMsgId: randomBytes(8).toString("hex") }).then(
          () => void latencies.push(performance.now() - t0),
          () => void errors++,
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  return summarise(latencies, errors, (performance.now() - start) / 1000);
}

function line(label: string, s: Stats): string {
  return `  ${label.padEnd(34)} ${(s.acks / s.seconds).toFixed(0).padStart(6)} acks/s  p50 ${s.p50.toFixed(1).padStart(6)} ms  p99 ${s.p99.toFixed(1).padStart(6)} ms  max ${s.max.toFixed(1).padStart(6)} ms  (${s.acks} acks, ${s.errors} errors)`;
}

async function run(kind: "postgres" | "pglite"): Promise<void> {
  const { db, drop } = await openBenchDatabase(kind);
  const server = await startServer(loadConfig({ PORT: "0", RATE_LIMITS: "off", DATABASE_URL: "", NODE_ENV: "production" }), { db });
  const clients: ParleyClient[] = [];
  try {
    const anon = createParleyClient({ url: server.url });
    clients.push(anon);
    const signup = async () => {
      const name = `s_${randomBytes(4).toString("hex")}`;
      const { token } = await anon.trpc.auth.signup.mutate({ username: name, email: `${name}@b.io`, password: "benchmark password" });
      const client = createParleyClient({ url: server.url, token });
      clients.push(client);
      return client;
    };
    const owner = await signup();
    const room = await owner.trpc.room.create.mutate({ name: `send ${randomBytes(3).toString("hex")}` });
    const senders = [owner];
    while (senders.length < CONNECTIONS) {
      const c = await signup();
      await c.trpc.room.join.mutate({ roomId: room.id });
      senders.push(c);
    }
    await closedLoop(senders, room.id, WARMUP_SECONDS);
    const full = await closedLoop(senders, room.id, SECONDS);
    const fullRate = full.acks / full.seconds;
    const half = await openLoop(senders, room.id, fullRate / 2, SECONDS);
    // What a subscriber replaying the room sees: contiguous event ids.
    const head = await db.prisma.room.findUniqueOrThrow({ where: { id: room.id }, select: { lastEventSeq: true } });
    const eventCount = await db.prisma.roomEvent.count({ where: { roomId: room.id } });
    console.log(`\nmessage.send into one room, ${kind} (${CONNECTIONS} connections x ${IN_FLIGHT} in flight, ${SECONDS} s)`);
    console.log(line("saturated (closed loop)", full));
    console.log(line(`half rate (open loop, ${(fullRate / 2).toFixed(0)}/s)`, half));
    console.log(`  room log: ${eventCount} events, last id ${head.lastEventSeq} (${BigInt(eventCount) === head.lastEventSeq ? "no holes" : "HOLES"})`);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
    await drop();
  }
}

for (const kind of kinds) await run(kind);
