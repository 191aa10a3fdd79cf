import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyMigrations, openDatabase, type Database } from "@parley/db";
import pg from "pg";
import { rawWsProtocol, socketIoProtocol, trpcInboxProtocol, trpcProtocol, type WireProtocol } from "./protocols";

// Starts the servers under test, each as its own process so /proc can measure it alone.

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const benchRoot = path.join(repoRoot, "bench");

export type TargetKind = "raw-ws" | "socketio" | "parley-pg" | "parley-pg-inbox" | "parley-pglite" | "parley-pg-redis";

/** A running system under test: one or two server processes serving one room. */
export interface Target {
  name: string;
  protocol: WireProtocol;
  /** "host:port" of each server process; connection i goes to servers[i % length]. */
  hostPorts: string[];
  pids: number[];
  roomId: string;
  /** Token of subscriber `i` (0-based). */
  subscriberToken(i: number): string;
  /** Token of sender `j` (0-based). */
  senderToken(j: number): string;
  /** False once a server process has exited. */
  alive(): boolean;
  close(): Promise<void>;
}

export interface TargetOptions {
  /** How many subscriber and sender users to seed (Parley only). */
  subscribers: number;
  senders: number;
  /** A PostgreSQL URL on which the bench may CREATE and DROP its own databases. */
  postgresUrl: string;
  redisUrl: string | null;
  /** Extra environment for Parley's servers, over the bench's defaults. */
  env?: Record<string, string>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export type ServerProcess = { child: ChildProcess; pid: number; hostPort: string; stop(): Promise<void> };

/** Spawns `node <script>` and waits (≤ 60 s) for a line saying it listens. */
export async function startProcess(label: string, script: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  // BENCH_NODE_ARGS: extra Node flags for the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: repoRoot,
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stderr?.on("data", keep);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start in 60 s:\n${output}`)), 60_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      keep(chunk);
      if (/listening/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code} before listening:\n${output}`));
    });
  });
  child.stdout?.resume();
  const pid = child.pid ?? -1;
  return {
    child,
    pid,
    hostPort: `127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 8_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const token = (i: number) => `benchtoken-${i}`;

/**
 * Seeds `count` users, each with a session whose token is `benchtoken-<i>` (the database keeps
 * its sha256, as Parley's tokens service does) and a membership in one room. Plain SQL: signing
 * up through the API would cost an argon2 hash per user.
 */
export async function seedParley(db: Database, migrationsDir: string, count: number): Promise<string> {
  await applyMigrations(db, migrationsDir);
  const sql = db.sql;
  await sql.query(
    `INSERT INTO users (id, username, username_key, email, password_hash)
     SELECT gen_random_uuid()::text, 'bench' || i, 'bench' || i, 'bench' || i || '@bench.invalid', 'not-a-hash'
     FROM generate_series(0, $1::int - 1) AS i`,
    [count],
  );
  await sql.query(
    `INSERT INTO sessions (id, token_hash, user_id, expires_at)
     SELECT gen_random_uuid()::text, encode(sha256(convert_to('benchtoken-' || i, 'UTF8')), 'hex'), u.id,
            now() + interval '30 days'
     FROM generate_series(0, $1::int - 1) AS i JOIN users u ON u.username_key = 'bench' || i`,
    [count],
  );
  const [room] = await sql.query<{ id: string }>(
    `INSERT INTO rooms (id, name, name_key, created_by_id)
     SELECT gen_random_uuid()::text, 'bench', 'bench', id FROM users WHERE username_key = 'bench0'
     RETURNING id`,
  );
  if (!room) throw new Error("seeding the bench room failed");
  await sql.query(`INSERT INTO memberships (room_id, user_id) SELECT $1, id FROM users`, [room.id]);
  return room.id;
}

/** The built server; BENCH_PARLEY_MAIN points at another build (e.g. an older commit's) to compare. */
export const PARLEY_MAIN = process.env.BENCH_PARLEY_MAIN ?? path.join(repoRoot, "apps", "server", "dist", "main.js");
export const MIGRATIONS = path.join(repoRoot, "prisma", "migrations");

/** Starts the target `kind`: its database (fresh, seeded), then its server process(es). */
export async function startTarget(kind: TargetKind, options: TargetOptions): Promise<Target> {
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch((e: unknown) => console.error("[bench] cleanup:", e));
  };
  try {
    if (kind === "raw-ws" || kind === "socketio") {
      const script = path.join(benchRoot, "servers", kind === "raw-ws" ? "raw-ws.mjs" : "socketio.mjs");
      const server = await startProcess(kind, script, {});
      cleanups.push(() => server.stop());
      return {
        name: kind === "raw-ws" ? "raw ws" : "Socket.IO",
        protocol: kind === "raw-ws" ? rawWsProtocol : socketIoProtocol,
        hostPorts: [server.hostPort],
        pids: [server.pid],
        roomId: "bench",
        subscriberToken: () => "",
        senderToken: () => "",
        alive: () => server.child.exitCode === null && server.child.signalCode === null,
        close: cleanup,
      };
    }

    const users = options.subscribers + options.senders;
    // Every bench connection comes from 127.0.0.1: lift the per-address caps (issue 11) that
    // would otherwise refuse a single client holding thousands of sockets.
    const env: Record<string, string> = {
      RATE_LIMITS: "off",
      NODE_ENV: "production",
      WS_MAX_PER_ADDRESS: "100000",
      WS_MAX_ANONYMOUS_PER_ADDRESS: "100000",
      MAX_SUBSCRIPTIONS_PER_USER: "100000",
      // The start-up line the bench waits for is logged at info (the default in production).
      LOG_LEVEL: "info",
      ...options.env,
    };
    let roomId: string;
    if (kind === "parley-pglite") {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), "parley-bench-"));
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
      const db = await openDatabase({ kind: "pglite", dataDir });
      try {
        roomId = await seedParley(db, MIGRATIONS, users);
      } finally {
        await db.close();
      }
      env.DATA_DIR = dataDir;
      env.DATABASE_URL = "";
    } else {
      const name = `parley_bench_${randomBytes(4).toString("hex")}`;
      const admin = new pg.Client({ connectionString: options.postgresUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
      cleanups.push(async () => {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.end();
      });
      const url = new URL(options.postgresUrl);
      url.pathname = `/${name}`;
      const db = await openDatabase({ kind: "postgres", url: url.toString() });
      try {
        roomId = await seedParley(db, MIGRATIONS, users);
      } finally {
        await db.close();
      }
      env.DATABASE_URL = url.toString();
    }
    if (kind === "parley-pg-redis") {
      if (!options.redisUrl) throw new Error("parley-pg-redis needs REDIS_URL");
      env.REDIS_URL = options.redisUrl;
      env.REDIS_PREFIX = `parley-bench-${randomBytes(4).toString("hex")}:`;
    }
    const count = kind === "parley-pg-redis" ? 2 : 1;
    const servers: ServerProcess[] = [];
    for (let i = 0; i < count; i++) {
      const server = await startProcess(`${kind} #${i + 1}`, PARLEY_MAIN, env);
      servers.push(server);
      cleanups.push(() => server.stop());
    }
    return {
      name: {
        "parley-pg": "Parley PostgreSQL",
        "parley-pg-inbox": "Parley PG + me.events",
        "parley-pglite": "Parley PGlite",
        "parley-pg-redis": "Parley PG + Redis ×2",
      }[kind],
      protocol: kind === "parley-pg-inbox" ? trpcInboxProtocol : trpcProtocol,
      hostPorts: servers.map((s) => s.hostPort),
      pids: servers.map((s) => s.pid),
      roomId,
      subscriberToken: (i) => token(i),
      senderToken: (j) => token(options.subscribers + j),
      alive: () => servers.every((s) => s.child.exitCode === null && s.child.signalCode === null),
      close: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
