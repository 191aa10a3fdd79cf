// Issue 19.4: while the database is away a call answers SERVICE_UNAVAILABLE with
// `error.data.retryAfterMs` and `reason: "database_unavailable"` (HTTP 503 + Retry-After), not an
// opaque INTERNAL_SERVER_ERROR with a stack in the log; @parley/client sends an idempotent
// message.send again by itself until the database is back. With PostgreSQL the database goes
// away behind a TCP proxy (connections cut, new ones refused) and comes back; with PGlite the
// database is closed under the running server.
import net from "node:net";
import { createParleyClient, type DatabaseState } from "@parley/client";
import { openDatabase, type Database } from "@parley/db";
import { pino, type Logger } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startServer, type ParleyServer } from "../src/app";
import { closeClients, databaseKind, openTestDatabase, rejection, roomWith, signUp, testConfig, uniqueName } from "./harness";

/** A logger that keeps every line, to check that an outage logs no stack. */
function capturingLogger(): { log: Logger; lines: () => { level: number; msg: string; err?: { stack?: string } }[] } {
  const raw: string[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void raw.push(line) });
  return { log, lines: () => raw.map((line) => JSON.parse(line) as { level: number; msg: string; err?: { stack?: string } }) };
}

/** A TCP proxy in front of PostgreSQL that can go down (cut every connection, refuse new ones) and come back on the same port. */
async function databaseProxy(target: { host: string; port: number }) {
  const pairs = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const listen = async (): Promise<void> => {
    if (server) return;
    const s = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        pairs.add(socket);
        socket
          .on("error", () => undefined)
          .on("close", () => {
            pairs.delete(socket);
            client.destroy();
            upstream.destroy();
          });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => s.listen(port, "127.0.0.1", resolve));
    port = (s.address() as net.AddressInfo).port;
    server = s;
  };
  await listen();
  return {
    port: () => port,
    async down(): Promise<void> {
      const s = server;
      server = null;
      for (const socket of pairs) socket.destroy();
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    up: listen,
  };
}

type OutageData = { code?: string; httpStatus?: number; retryAfterMs?: number; reason?: string } | undefined;

describe.runIf(databaseKind === "postgres")("a PostgreSQL outage", () => {
  let proxy: Awaited<ReturnType<typeof databaseProxy>>;
  let db: Database;
  let server: ParleyServer;
  const logs = capturingLogger();

  beforeAll(async () => {
    const url = new URL(inject("databaseUrl") ?? "");
    proxy = await databaseProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port()}`;
    db = await openDatabase({ kind: "postgres", url: url.toString() });
    server = await startServer(testConfig(), { db, log: logs.log });
  });
  afterAll(async () => {
    await closeClients();
    await proxy.up().catch(() => undefined);
    await server.close();
    await db.close();
    await proxy.down();
  });

  it("answers SERVICE_UNAVAILABLE with retryAfterMs over the WebSocket and 503 + Retry-After over HTTP, and logs no stack", async () => {
    const alice = await signUp(server, "out");
    const room = await roomWith(alice);
    const before = logs.lines().length;
    await proxy.down();
    try {
      const error = await rejection(alice.client.trpc.message.send.mutate({ roomId: room.id, text: "lost?" }));
      const data = error.data as OutageData;
      expect(data?.code).toBe("SERVICE_UNAVAILABLE");
      expect(data?.retryAfterMs).toBe(1000);
      expect(data?.reason).toBe("database_unavailable");
      expect(error.message).toMatch(/database is briefly unavailable/);

      // Over HTTP the session lookup itself needs the database: the same answer, before any procedure.
      const res = await fetch(`${server.url}/trpc/message.send`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${alice.token}` },
        body: JSON.stringify({ roomId: room.id, text: "over http" }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      const body = (await res.json()) as { error: { data: OutageData } };
      expect(body.error.data).toMatchObject({ code: "SERVICE_UNAVAILABLE", retryAfterMs: 1000, reason: "database_unavailable" });
    } finally {
      await proxy.up();
    }
    // A warning each, and never the error log with a stack that a bug gets.
    const outageLines = logs.lines().slice(before);
    expect(outageLines.some((l) => l.msg === "database unavailable")).toBe(true);
    expect(outageLines.filter((l) => l.level >= 50 || l.err?.stack)).toEqual([]);
  });

  it("keeps every contract condition's own code while the database is up", async () => {
    const alice = await signUp(server, "out");
    const error = await rejection(alice.client.trpc.message.send.mutate({ roomId: crypto.randomUUID(), text: "x" }));
    expect(error.data?.code).toBe("NOT_FOUND");
  });

  it("@parley/client sends an idempotent message again by itself until the database is back; it lands once", async () => {
    const alice = await signUp(server, "out");
    const room = await roomWith(alice);
    const states: DatabaseState[] = [];
    const client = createParleyClient({ url: server.url, token: alice.token, onDatabaseStateChange: (s) => states.push(s) });
    try {
      await client.trpc.auth.me.query(); // connected (the session is read once, at connect)
      await proxy.down();
      const clientMsgId = uniqueName("cm");
      const sent = client.trpc.message.send.mutate({ roomId: room.id, text: "through the outage", clientMsgId });
      let settled = false;
      void sent.finally(() => (settled = true)).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(settled).toBe(false); // still retrying, not failed
      expect(states).toEqual(["unavailable"]);
      const back = performance.now();
      await proxy.up();
      const message = await sent;
      const recoveredMs = performance.now() - back;
      console.log(`database outage: the retried send landed ${recoveredMs.toFixed(0)} ms after PostgreSQL was reachable again`);
      expect(recoveredMs).toBeLessThan(8_000); // at most one capped wait (5 s) plus the send, on a busy machine
      expect(message.text).toBe("through the outage");
      expect(states).toEqual(["unavailable", "available"]);
      const { messages } = await alice.client.trpc.message.list.query({ roomId: room.id });
      expect(messages.filter((m) => m.clientMsgId === clientMsgId)).toHaveLength(1);
    } finally {
      await proxy.up().catch(() => undefined);
      await client.close();
    }
  });
});

describe.runIf(databaseKind === "pglite")("a PGlite database closed under the server", () => {
  const logs = capturingLogger();
  let server: ParleyServer;
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase();
    server = await startServer(testConfig(), { db, log: logs.log });
  });
  afterAll(async () => {
    await closeClients();
    await server.close();
  });

  it("answers SERVICE_UNAVAILABLE with retryAfterMs, never INTERNAL_SERVER_ERROR, and logs no stack", async () => {
    const alice = await signUp(server, "out");
    const room = await roomWith(alice);
    await db.close();
    const before = logs.lines().length;
    const error = await rejection(alice.client.trpc.message.send.mutate({ roomId: room.id, text: "gone" }));
    expect(error.data as OutageData).toMatchObject({ code: "SERVICE_UNAVAILABLE", retryAfterMs: 1000, reason: "database_unavailable" });
    const listed = await rejection(alice.client.trpc.room.list.query());
    expect(listed.data?.code).toBe("SERVICE_UNAVAILABLE");
    expect(
      logs
        .lines()
        .slice(before)
        .filter((l) => l.level >= 50 || l.err?.stack),
    ).toEqual([]);
  });
});
