// `pnpm cluster` (issue 12.5): two built servers on PostgreSQL and Redis behind the script's proxy.
// One chat whose two people's sockets land on different replicas, so every delivery crosses Redis.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { RoomEvent } from "@parley/client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Collector, started, until, uniqueName } from "./harness";
import { createParleyClient, type ParleyClient } from "@parley/client";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const ADMIN_URL = process.env.PARLEY_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let databaseUrl: string;
let dropDatabase: (() => Promise<void>) | null = null;
let cluster: ChildProcess;
let output = "";
let url: string;
const clients: ParleyClient[] = [];

beforeAll(async () => {
  // The run's PostgreSQL database; on a PGlite run, a scratch PostgreSQL database of its own
  // (two processes cannot share an embedded database).
  const provided = inject("databaseUrl");
  if (provided) databaseUrl = provided;
  else {
    const name = `parley_cluster_${Date.now()}_${randomBytes(3).toString("hex")}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const u = new URL(ADMIN_URL);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    dropDatabase = async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    };
  }
  // Its own process group, so the test can press "Ctrl-C" on the whole of it as a terminal would.
  cluster = spawn("pnpm", ["cluster", "--port", "0"], {
    cwd: root,
    detached: true,
    env: { ...process.env, CLUSTER_DATABASE_URL: databaseUrl, REDIS_PREFIX: `parley-cluster-test-${randomBytes(4).toString("hex")}:` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cluster.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  cluster.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await until(() => /Parley cluster on (http:\/\/\S+)/.test(output) || cluster.exitCode !== null, "the cluster listens", 90_000);
  const match = /Parley cluster on (http:\/\/\S+)/.exec(output);
  if (!match?.[1]) throw new Error(`pnpm cluster did not start:\n${output}`);
  url = match[1];
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  // If a test failed before its Ctrl-C, nothing of the cluster may outlive the run.
  if (cluster?.pid) {
    try {
      process.kill(-cluster.pid, "SIGKILL");
    } catch {
      // the group is gone already
    }
  }
  await dropDatabase?.();
});

async function signUpThroughProxy(prefix: string): Promise<{ id: string; username: string; token: string }> {
  const username = uniqueName(prefix);
  const res = await fetch(`${url}/trpc/auth.signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, email: `${username}@example.com`, password: "correct horse battery" }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { result: { data: { user: { id: string }; token: string } } };
  return { id: body.result.data.user.id, username, token: body.result.data.token };
}

/** The replica numbers the proxy sent WebSockets to, in order. */
function routedSockets(): number[] {
  return [...output.matchAll(/^ws \S+ → replica (\d+)$/gm)].map((m) => Number(m[1]));
}

describe("pnpm cluster", () => {
  it("serves two replicas behind one address; a chat between sockets on different replicas is delivered", async () => {
    expect(output).toMatch(/^replica 1: http:\/\/127\.0\.0\.1:\d+$/m);
    expect(output).toMatch(/^replica 2: http:\/\/127\.0\.0\.1:\d+$/m);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: "ready" });
    expect((await fetch(`${url}/`)).headers.get("content-type")).toMatch(/text\/html/);

    const ada = await signUpThroughProxy("ada");
    const ben = await signUpThroughProxy("ben");
    const adaClient = createParleyClient({ url, token: ada.token });
    clients.push(adaClient);
    expect((await adaClient.trpc.auth.me.query()).id).toBe(ada.id);
    const benClient = createParleyClient({ url, token: ben.token });
    clients.push(benClient);
    expect((await benClient.trpc.auth.me.query()).id).toBe(ben.id);
    const routed = routedSockets();
    expect(routed).toHaveLength(2);
    expect(new Set(routed)).toEqual(new Set([1, 2]));

    const room = await adaClient.trpc.room.create.mutate({ name: uniqueName("cluster") });
    await benClient.trpc.room.join.mutate({ roomId: room.id });
    const received = new Collector<RoomEvent>();
    const { onStarted, ready } = started();
    const sub = benClient.trpc.room.events.subscribe({ roomId: room.id }, { onStarted, onData: ({ data }) => received.push(data) });
    await ready;
    const sent = await adaClient.trpc.message.send.mutate({ roomId: room.id, text: "hello from the other replica" });
    await until(
      () => received.items.some((e) => e.type === "message.created" && e.message.id === sent.id),
      "ben receives ada's message",
      10_000,
    );
    const reply = await benClient.trpc.message.send.mutate({ roomId: room.id, text: "and back" });
    const history = await adaClient.trpc.message.list.query({ roomId: room.id });
    expect(history.messages.map((m) => m.id)).toEqual([sent.id, reply.id]);
    sub.unsubscribe();
  }, 60_000);

  it("stops the proxy and both servers on Ctrl-C", async () => {
    const replicaUrls = [...output.matchAll(/^replica \d+: (http:\/\/\S+)$/gm)].map((m) => m[1] ?? "");
    expect(replicaUrls).toHaveLength(2);
    await Promise.all(clients.splice(0).map((c) => c.close()));
    const exited = new Promise<number | null>((resolve) => cluster.once("exit", (code) => resolve(code)));
    if (!cluster.pid) throw new Error("no cluster process");
    process.kill(-cluster.pid, "SIGINT");
    await exited;
    // pnpm may exit first; the script then finishes stopping its servers within moments.
    const answering = async () => {
      const results = await Promise.allSettled([url, ...replicaUrls].map((address) => fetch(`${address}/healthz`)));
      return results.filter((r) => r.status === "fulfilled").length;
    };
    const deadline = Date.now() + 10_000;
    while ((await answering()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await answering()).toBe(0);
  }, 30_000);
});
