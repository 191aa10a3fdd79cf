import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  createParleyClient,
  errorCode as clientErrorCode,
  isParleyClientError,
  type ParleyClient,
  type ParleyClientError,
} from "@parley/client";
import type { InboxEvent, RoomEvent } from "@parley/contract";
import { applyMigrations, openDatabase, type Database } from "@parley/db";
import { afterAll, beforeAll, inject } from "vitest";
import { startServer, type ParleyServer } from "../src/app";
import { loadConfig, type ServerConfig } from "../src/env";

/** Which database this run uses: the run's PostgreSQL database, or PGlite. */
export const databaseKind: "postgres" | "pglite" = inject("databaseUrl") ? "postgres" : "pglite";

/** A server config for tests: an ephemeral port, the run's database, env overrides on top. */
export function testConfig(env: Record<string, string> = {}): ServerConfig {
  const url = inject("databaseUrl");
  return loadConfig({
    PORT: "0",
    NODE_ENV: "test",
    ...(url ? { DATABASE_URL: url } : {}),
    ...env,
  });
}

/**
 * Opens this file's database: the run's PostgreSQL database, or PGlite (in memory, or in
 * `dataDir` when a test restarts the server on the same data), with migrations applied.
 */
export async function openTestDatabase(dataDir: string | null = null): Promise<Database> {
  const config = testConfig();
  const db = await openDatabase(config.database.kind === "postgres" ? config.database : { kind: "pglite", dataDir });
  await applyMigrations(db, config.migrationsDir);
  return db;
}

/** A temporary directory, removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "parley-test-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts the real server (HTTP + WebSocket) on an ephemeral port over `db`. */
export function startTestServer(db: Database, env: Record<string, string> = {}): Promise<ParleyServer> {
  return startServer(testConfig(env), { db });
}

/**
 * This file's database and server: opened before its tests, closed (with every client) after.
 * Read `db` and `server` inside tests and hooks, not at import time.
 */
export function useTestServer(env: Record<string, string> = {}): { db: Database; server: ParleyServer } {
  const state = {} as { db: Database; server: ParleyServer };
  beforeAll(async () => {
    state.db = await openTestDatabase();
    state.server = await startTestServer(state.db, env);
  });
  afterAll(async () => {
    await closeClients();
    await state.server.close();
    await state.db.close();
  });
  return state;
}

/** A unique name for this run, so tests on a shared PostgreSQL database never collide. */
export function uniqueName(prefix = "u"): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}

const openClients = new Set<ParleyClient>();

/** A client over a real WebSocket; closed by closeClients(). */
export function connect(server: ParleyServer, token?: string | (() => string | null)): ParleyClient {
  const client = createParleyClient({ url: server.url, token: token ?? null });
  openClients.add(client);
  return client;
}

export async function closeClients(): Promise<void> {
  await Promise.all([...openClients].map((c) => c.close()));
  openClients.clear();
}

export type TestUser = { id: string; username: string; email: string; token: string; client: ParleyClient };

/** Signs a new user up over the WebSocket and returns a client authenticated as them. */
export async function signUp(server: ParleyServer, prefix = "user"): Promise<TestUser> {
  const anonymous = connect(server);
  const username = uniqueName(prefix);
  const { user, token } = await anonymous.trpc.auth.signup.mutate({
    username,
    email: `${username}@example.com`,
    password: "correct horse battery",
  });
  await anonymous.close();
  openClients.delete(anonymous);
  return { id: user.id, username: user.username, email: user.email, token, client: connect(server, token) };
}

/** A new room made by the first person, joined by the others. */
export async function roomWith(...people: TestUser[]) {
  const [owner, ...others] = people;
  if (!owner) throw new Error("roomWith needs at least one person");
  const room = await owner.client.trpc.room.create.mutate({ name: uniqueName("room") });
  for (const p of others) await p.client.trpc.room.join.mutate({ roomId: room.id });
  return room;
}

// Errors are read with @parley/client's decoders, as any app reads them: `codeOf` is its
// errorCode for an error in hand; errorCode here waits for a call to fail first.
export { errorCode as codeOf, errorField, retryAfterMs } from "@parley/client";

/** The error a call rejects with, as the client types it (fails the test if the call succeeds). */
export async function rejection(promise: Promise<unknown>): Promise<ParleyClientError> {
  try {
    await promise;
  } catch (error) {
    if (isParleyClientError(error)) return error;
    throw error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** The tRPC error code a call rejects with ("null" when it got no answer from the server). */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  return String(clientErrorCode(await rejection(promise)));
}

/** Collects what a subscription yields, for assertions. */
export class Collector<T> {
  readonly items: T[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  push = (item: T): void => {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (this.items.length >= w.count) {
        w.resolve();
        return false;
      }
      return true;
    });
  };

  /** Resolves once `count` items have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 5_000): Promise<T[]> {
    if (this.items.length >= count) return Promise.resolve(this.items);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`timed out waiting for ${count} items; have ${this.items.length}: ${JSON.stringify(this.items).slice(0, 2000)}`),
          ),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.items);
        },
      });
    });
  }
}

/** Resolves once a subscription has started (tRPC's `started`), so later events must arrive. */
export function started(): { onStarted: () => void; ready: Promise<void> } {
  let onStarted!: () => void;
  const ready = new Promise<void>((resolve) => {
    onStarted = resolve;
  });
  return { onStarted, ready };
}

/** A room event as a room.events subscriber gets it: the public event id and the event. */
export type TrackedEvent = { id: string; data: RoomEvent };

/** Subscribes to `me.events` and resolves once it is live. */
export async function inbox(user: TestUser, client = user.client) {
  const news = new Collector<InboxEvent>();
  const { onStarted, ready } = started();
  const sub = client.trpc.me.events.subscribe({}, { onStarted, onData: news.push });
  await ready;
  return { news, stop: () => sub.unsubscribe() };
}

/** Subscribes to `room.events` and resolves once it is live; `state.ended` flips when the server ends it. */
export async function roomEvents(user: TestUser, roomId: string) {
  const events = new Collector<TrackedEvent>();
  const state = { ended: false, error: null as unknown };
  const { onStarted, ready } = started();
  const sub = user.client.trpc.room.events.subscribe(
    { roomId },
    {
      onStarted,
      onData: events.push,
      onComplete: () => (state.ended = true),
      onError: (error) => {
        state.error = error;
        state.ended = true;
      },
    },
  );
  await ready;
  return { events, state, stop: () => sub.unsubscribe() };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 20 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

const builtMain = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/**
 * Starts the built server (dist/main.js) as its own process on this run's database, with `env`
 * on top, and resolves once it says where it listens. `shellPrefix` runs first in the same
 * shell (e.g. `ulimit -n 400`). `output()` is what it printed so far.
 */
export async function startBuiltServer(
  env: Record<string, string>,
  options: { shellPrefix?: string } = {},
): Promise<{ url: string; child: ChildProcessWithoutNullStreams; output: () => string }> {
  if (!existsSync(builtMain)) throw new Error("apps/server/dist/main.js is missing: run `pnpm run build` first");
  const fullEnv: Record<string, string> = { ...(process.env as Record<string, string>), PORT: "0", NODE_ENV: "production", ...env };
  if (databaseKind === "postgres") fullEnv.DATABASE_URL = inject("databaseUrl") ?? "";
  else delete fullEnv.DATABASE_URL;
  const child = options.shellPrefix
    ? spawn("sh", ["-c", `${options.shellPrefix} && exec "${process.execPath}" "${builtMain}"`], { env: fullEnv })
    : spawn(process.execPath, [builtMain], { env: fullEnv });
  let output = "";
  child.stderr.on("data", (chunk) => (output += String(chunk)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that has not started in time must not outlive the test that gave up on it.
      child.kill("SIGKILL");
      reject(new Error(`no start within 20 s: ${output}`));
    }, 20_000);
    child.stdout.on("data", (chunk) => {
      output += String(chunk);
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return { url, child, output: () => output };
}
