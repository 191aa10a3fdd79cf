import http from "node:http";
import { Writable } from "node:stream";
import { createParleyClient, type ParleyClient } from "@parley/client";
import type { RoomEvent } from "@parley/contract";
import { MemoryHub, type Channel } from "@parley/api/hub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startServer } from "../src/app";
import { createLogger } from "../src/logger";
import {
  closeClients,
  Collector,
  codeOf,
  openTestDatabase,
  rejection,
  roomWith,
  signUp,
  startBuiltServer,
  startTestServer,
  started,
  tempDir,
  testConfig,
  uniqueName,
  until,
} from "./harness";

// Issue 12.1 and 12.2: /metrics after a real chat over the real socket, and the log of a real run
// holding no password, token or message text.

/** The value of one sample in Prometheus text (`name{labels} value`); null when absent. */
function sample(text: string, name: string, labels = ""): number | null {
  const wanted = labels ? `${name}{${labels}}` : name;
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    if (line.slice(0, space) === wanted) return Number(line.slice(space + 1));
  }
  return null;
}

/** The sum of every sample of `name` (any labels). */
function total(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  return res.text();
}

/** One signed-up person with a client over the real WebSocket of a server at `url`. */
async function person(url: string, password = "correct horse battery"): Promise<{ id: string; token: string; client: ParleyClient }> {
  const anonymous = createParleyClient({ url });
  const username = uniqueName("obs");
  const { user, token } = await anonymous.trpc.auth.signup.mutate({ username, email: `${username}@example.com`, password });
  await anonymous.close();
  return { id: user.id, token, client: createParleyClient({ url, token }) };
}

describe("the built server with METRICS=on and LOG_LEVEL=debug", () => {
  let server: Awaited<ReturnType<typeof startBuiltServer>>;
  let data: Awaited<ReturnType<typeof tempDir>>;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    data = await tempDir();
    // PGlite: create and migrate the data directory here (initdb takes seconds, many more on a
    // busy machine), so that the process only opens it and starts within the harness's 20 s.
    await (await openTestDatabase(data.dir)).close();
    // A small message limit, so that a refusal is counted too; debug: every line the server can
    // write about these calls is in the log that is searched.
    server = await startBuiltServer({
      DATA_DIR: data.dir,
      METRICS: "on",
      RATE_LIMIT_MESSAGE: "6/0.01",
      LOG_LEVEL: "debug",
      LOG_FORMAT: "json",
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    server.child.kill("SIGKILL");
    await data.remove();
  });

  it("counts a short chat: connections, subscriptions, publishes, deliveries, latencies, replays, refusals, queries", async () => {
    const before = await scrape(`${server.url}/metrics`);
    expect(total(before, "parley_deliveries_total")).toBe(0);

    const alice = await person(server.url);
    const bob = await person(server.url);
    clients.push(alice.client, bob.client);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("room") });
    await bob.client.trpc.room.join.mutate({ roomId: room.id });

    const events = new Collector<{ id: string; data: RoomEvent }>();
    const { onStarted, ready } = started();
    const sub = bob.client.trpc.room.events.subscribe({ roomId: room.id }, { onStarted, onData: events.push });
    await ready;
    for (const text of ["one", "two", "three"]) await alice.client.trpc.message.send.mutate({ roomId: room.id, text });
    await events.waitFor(3);

    // A second subscriber resumes from the first message: a replay from the room's recent events.
    const replayed = new Collector<{ id: string; data: RoomEvent }>();
    const resumed = alice.client.trpc.room.events.subscribe(
      { roomId: room.id, lastEventId: events.items[0]?.id ?? null },
      { onData: replayed.push },
    );
    await replayed.waitFor(2);

    // Past the limit (6 in a burst; the room's creation and joining are other actions), a refusal.
    let refused = 0;
    for (let i = 0; i < 6 && refused === 0; i++) {
      try {
        await alice.client.trpc.message.send.mutate({ roomId: room.id, text: `more ${i}` });
      } catch (error) {
        expect(codeOf(error)).toBe("TOO_MANY_REQUESTS");
        refused += 1;
      }
    }
    expect(refused).toBe(1);

    const after = await scrape(`${server.url}/metrics`);
    expect(sample(after, "parley_websocket_connections", 'auth="authenticated"')).toBeGreaterThanOrEqual(2);
    expect(sample(after, "parley_websocket_connections", 'auth="anonymous"')).toBeGreaterThanOrEqual(0);
    expect(sample(after, "parley_subscriptions", 'procedure="room.events"')).toBe(2);
    expect(sample(after, "parley_hub_published_total", 'topic="room_events"')).toBeGreaterThanOrEqual(6); // create, join, 3+ sends
    expect(sample(after, "parley_deliveries_total", 'procedure="room.events"')).toBeGreaterThanOrEqual(3);
    expect(sample(after, "parley_message_send_seconds_count")).toBeGreaterThanOrEqual(4);
    expect(sample(after, "parley_send_to_deliver_seconds_count")).toBeGreaterThanOrEqual(3);
    expect(sample(after, "parley_replays_started_total", 'source="recent"')).toBe(1);
    expect(sample(after, "parley_replay_pages_total")).toBe(0);
    expect(sample(after, "parley_rate_limit_refusals_total", 'action="message"')).toBe(1);
    expect(sample(after, "parley_argon2_queue_depth", 'state="queued"')).toBe(0);
    expect(sample(after, "parley_slow_socket_cutoffs_total", 'stream="room.events"')).toBeNull(); // none yet
    expect(total(after, "parley_db_query_seconds_count")).toBeGreaterThan(0);
    expect(sample(after, "parley_db_query_seconds_count", 'operation="queryRaw"')).toBeGreaterThanOrEqual(3); // the send batches
    expect(sample(after, "nodejs_eventloop_lag_seconds")).not.toBeNull();
    expect(sample(after, "process_cpu_user_seconds_total")).toBeGreaterThan(0);

    sub.unsubscribe();
    resumed.unsubscribe();
    let text = "";
    for (let i = 0; i < 50; i++) {
      text = await scrape(`${server.url}/metrics`);
      if (sample(text, "parley_subscriptions", 'procedure="room.events"') === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(sample(text, "parley_subscriptions", 'procedure="room.events"')).toBe(0);
  });

  it("serves /metrics without any session, and to a Host the web app refuses (Prometheus scrapes by address)", async () => {
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.get(`${server.url}${path}`, { headers: { host: "scraper.internal:9090" } }, (res) => {
          let body = "";
          res.on("data", (chunk) => (body += String(chunk)));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        request.on("error", reject);
      });
    expect((await get("/")).status).toBe(421);
    const scraped = await get("/metrics");
    expect(scraped.status).toBe(200);
    expect(scraped.body).toContain("# TYPE parley_deliveries_total counter");
  });

  it("times every procedure by its path, and message.send under its older name too", async () => {
    const before = await scrape(`${server.url}/metrics`);
    const carol = await person(server.url);
    clients.push(carol.client);
    await carol.client.trpc.room.list.query();
    const refused = await rejection(carol.client.trpc.room.get.query({ roomId: "no-such-room" }));
    expect(refused.data?.code).toBe("NOT_FOUND");
    const after = await scrape(`${server.url}/metrics`);
    const count = (text: string, procedure: string) => sample(text, "parley_procedure_seconds_count", `procedure="${procedure}"`) ?? 0;
    expect(count(after, "room.list") - count(before, "room.list")).toBe(1);
    expect(count(after, "room.get") - count(before, "room.get")).toBe(1); // refusals included
    expect(count(after, "auth.signup")).toBeGreaterThanOrEqual(1);
    expect(count(after, "message.send")).toBe(sample(after, "parley_message_send_seconds_count"));
  });

  it("a run's log has the configuration and request and connection ids, and no password, token, cookie or message text", async () => {
    const password = `pw-${uniqueName("secret")}-Tr0ub4dor`;
    const text = `text-${uniqueName("secret")}-hello`;
    const username = uniqueName("logs");
    let client: ParleyClient | null = null;
    try {
      // Sign up over HTTP (the cookie and the token come back), then use both.
      const signup = await fetch(`${server.url}/trpc/auth.signup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username, email: `${username}@example.com`, password }),
      });
      expect(signup.status).toBe(200);
      const requestId = signup.headers.get("x-request-id");
      expect(requestId).toMatch(/^[A-Za-z0-9_-]{12}$/);
      const cookie = (signup.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      const signedUp = (await signup.json()) as { result: { data: { token: string; user: { id: string } } } };
      const { token, user } = signedUp.result.data;
      expect(token.length).toBeGreaterThan(20);

      const login = await fetch(`${server.url}/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ login: username, password }),
      });
      expect(login.status).toBe(200);
      const me = await fetch(`${server.url}/trpc/room.list`, { headers: { cookie } });
      expect(me.status).toBe(200);
      const bearer = await fetch(`${server.url}/trpc/room.list`, { headers: { authorization: `Bearer ${token}` } });
      expect(bearer.status).toBe(200);

      client = createParleyClient({ url: server.url, token });
      const room = await client.trpc.room.create.mutate({ name: uniqueName("room") });
      await client.trpc.message.send.mutate({ roomId: room.id, text });
      // A GET's query string holds its input (a search's words, say): the text rides along in one.
      const input = encodeURIComponent(JSON.stringify({ roomId: room.id, limit: 5 }));
      const list = await fetch(`${server.url}/trpc/message.list?input=${input}&q=${encodeURIComponent(text)}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(await list.text()).toContain(text);
      // A refused call (wrong password) logs nothing of its input either.
      const wrong = await fetch(`${server.url}/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ login: username, password: `${password}-wrong` }),
      });
      expect(wrong.status).toBe(401);
      await client.close();
      client = null;
      const parsed = () =>
        server
          .output()
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
      // The WebSocket's lines carry its id: signed in as this user, and closed.
      const signedIn = parsed().find((l) => l.msg === "connection signed in" && l.userId === user.id);
      expect(signedIn?.connId).toEqual(expect.any(String));
      await until(
        () => parsed().some((l) => l.msg === "connection closed" && l.connId === signedIn?.connId),
        "the connection's close is logged",
      );
      expect(
        parsed()
          .filter((l) => l.connId === signedIn?.connId)
          .map((l) => l.msg),
      ).toEqual(["connection opened", "connection signed in", "connection closed"]);

      const log = server.output();
      for (const secret of [password, token, cookie.split("=")[1] ?? "missing", text, encodeURIComponent(text)]) {
        expect(secret.length).toBeGreaterThan(10);
        expect(log).not.toContain(secret);
      }

      const lines = parsed();
      // Every line is JSON (nothing else on stdout or stderr).
      expect(log.split("\n").filter((l) => l.trim() && !l.startsWith("{"))).toEqual([]);
      const config = lines.find((l) => l.msg === "configuration");
      expect(config?.config).toMatchObject({ database: { kind: expect.any(String) }, log: { level: "debug", format: "json" } });
      expect(config).toMatchObject({ level: "info", time: expect.any(String), pid: expect.any(Number) });
      expect(lines.find((l) => String(l.msg).startsWith("Parley listening on"))).toBeDefined();

      const signupLine = lines.find((l) => l.reqId === requestId);
      expect(signupLine).toMatchObject({ msg: "POST /trpc/auth.signup 200", method: "POST", path: "/trpc/auth.signup", status: 200 });
      const listLine = lines.find((l) => l.path === "/trpc/message.list");
      expect(listLine?.reqId).toEqual(expect.any(String));
      // Each request its own id.
      const ids = lines.filter((l) => typeof l.reqId === "string").map((l) => l.reqId);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await client?.close();
    }
  });
});

describe("in-process servers: metrics off, metrics on their own port, an unexpected error's log", () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await closeClients();
    await db.close();
  });

  it("answers 404 at /metrics when METRICS is off (not the web app)", async () => {
    const server = await startTestServer(db);
    try {
      expect(server.metricsUrl).toBeNull();
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain("parley_");
    } finally {
      await server.close();
    }
  });

  it("serves /metrics on METRICS_PORT only: 404 on the main port, and nothing else on the metrics port", async () => {
    const server = await startTestServer(db, { METRICS: "on", METRICS_PORT: "0" });
    try {
      const metricsUrl = server.metricsUrl ?? "";
      expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(new URL(metricsUrl).port).not.toBe(String(server.port));
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      expect((await fetch(metricsUrl.replace(/\/metrics$/, "/healthz"))).status).toBe(404);
      expect((await fetch(metricsUrl.replace(/\/metrics$/, "/trpc/room.list"))).status).toBe(404);

      const alice = await signUp(server);
      const room = await roomWith(alice);
      await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "counted" });
      const text = await scrape(metricsUrl);
      expect(sample(text, "parley_hub_published_total", 'topic="room_events"')).toBeGreaterThanOrEqual(2);
      expect(sample(text, "parley_message_send_seconds_count")).toBe(1);
      expect(sample(text, "parley_websocket_connections", 'auth="authenticated"')).toBe(1);
    } finally {
      await server.close();
    }
    // Closed with the server.
    await expect(fetch(server.metricsUrl ?? "")).rejects.toThrow();
  });

  it("logs the errors a WebSocket is answered, those no procedure sees included, with the connection's id", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const server = await startServer(testConfig(), { db, log: createLogger({ level: "info", format: "json" }, sink) });
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/trpc`);
    try {
      const answers: string[] = [];
      ws.on("message", (data: Buffer) => answers.push(data.toString()));
      await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
      ws.send("not json");
      ws.send(JSON.stringify({ id: 1, method: "query", params: { path: "room.list" } }));
      await until(() => answers.length >= 2, "both answers");
      await until(() => lines.some((l) => l.code === "UNAUTHORIZED"), "the refused call is logged");
      const opened = lines.find((l) => l.msg === "connection opened");
      const parse = lines.find((l) => l.code === "PARSE_ERROR");
      expect(parse).toMatchObject({ level: "info", connId: opened?.connId, type: "unknown", status: 400 });
      const refused = lines.find((l) => l.code === "UNAUTHORIZED");
      expect(refused).toMatchObject({ level: "info", connId: opened?.connId, type: "query", path: "room.list", status: 401 });
    } finally {
      ws.close();
      await server.close();
    }
  });

  it("logs an unexpected error once, with its stack and the connection's id, and without the message's text", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const log = createLogger({ level: "info", format: "json" }, sink);
    // A hub that fails to publish new messages: message.send fails with an internal error.
    class BrokenHub extends MemoryHub {
      override publish<T>(channel: Channel<T>, message: T): void {
        if ((message as { event?: { type?: string } }).event?.type === "message.created") throw new Error("hub-publish-broke");
        super.publish(channel, message);
      }
    }
    const hub = new BrokenHub();
    const server = await startServer(testConfig(), { db, hub, log });
    try {
      const alice = await signUp(server);
      const roomId = (await roomWith(alice)).id;
      const secretText = `never-logged-${uniqueName()}`;
      const error = await rejection(alice.client.trpc.message.send.mutate({ roomId, text: secretText }));
      expect(error.data?.code).toBe("INTERNAL_SERVER_ERROR");
      const failures = lines.map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l.level === "error");
      const sendFailures = failures.filter((l) => l.path === "message.send");
      expect(sendFailures).toHaveLength(1);
      expect(sendFailures[0]?.err?.stack).toContain("hub-publish-broke");
      expect(sendFailures[0]?.connId).toEqual(expect.any(String));
      expect(lines.join("\n")).not.toContain(secretText);
    } finally {
      await closeClients();
      await server.close();
    }
  });
});
