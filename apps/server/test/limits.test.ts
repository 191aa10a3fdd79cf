import http from "node:http";
import type { RoomEvent } from "@parley/contract";
import { describe, expect, it } from "vitest";
import type { ParleyServer } from "../src/app";
import {
  codeOf,
  Collector,
  connect,
  errorCode,
  rejection,
  retryAfterMs,
  roomWith,
  signUp,
  sleep,
  started,
  startTestServer,
  uniqueName,
  useTestServer,
  type TestUser,
} from "./harness";

// Regression tests for issue 11 ("Hold under abuse"), items 4 and 5; item 6 (limits shared
// through Redis) is in multi-server.test.ts.

const app = useTestServer();

type Tracked = { id: string; data: RoomEvent };

/** Subscribes to room.events and resolves once the server has said `started`. */
async function replay(user: TestUser, roomId: string, lastEventId: string) {
  const events = new Collector<Tracked>();
  const { onStarted, ready } = started();
  const sub = user.client.trpc.room.events.subscribe({ roomId, lastEventId }, { onStarted, onData: (e) => events.push(e) });
  await ready;
  return { events, sub };
}

/** A POST to /trpc/<path> over HTTP from `localAddress` (any 127.x address is this machine). */
function post(server: ParleyServer, path: string, input: unknown, localAddress = "127.0.0.1") {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const body = JSON.stringify(input);
    const req = http.request(
      `${server.url}/trpc/${path}`,
      {
        method: "POST",
        agent: false,
        localAddress,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("an edit takes the earlier text out of the log", () => {
  it("a late joiner replaying from the first event never reads the text from before the edit", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    const secret = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "my password is hunter2" });
    await alice.client.trpc.message.edit.mutate({ messageId: secret.id, text: "[redacted]" });
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "after" });

    const bob = await signUp(app.server);
    await bob.client.trpc.room.join.mutate({ roomId: room.id });
    const { events, sub } = await replay(bob, room.id, "1");
    await events.waitFor(3); // message.updated, message.created "after", member.joined (bob)
    await sleep(200);
    sub.unsubscribe();
    const wire = JSON.stringify(events.items);
    expect(wire).not.toContain("hunter2");
    expect(events.items.map((e) => e.data.type)).toEqual(["message.updated", "message.created", "member.joined"]);
    const updated = events.items[0]?.data;
    expect(updated?.type === "message.updated" && updated.message.text).toBe("[redacted]");

    // History shows only the current text, and the log holds the old one nowhere.
    const page = await bob.client.trpc.message.list.query({ roomId: room.id });
    expect(JSON.stringify(page)).not.toContain("hunter2");
    const rows = await app.db.prisma.roomEvent.findMany({ where: { roomId: room.id }, select: { payload: true } });
    expect(JSON.stringify(rows)).not.toContain("hunter2");
  });

  it("a subscriber resuming from a purged event id gets the current text", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    const first = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "draft one" });
    const { lastEventId } = await alice.client.trpc.message.list.query({ roomId: room.id });
    expect(lastEventId).not.toBeNull();
    await alice.client.trpc.message.edit.mutate({ messageId: first.id, text: "draft two" });
    await alice.client.trpc.message.edit.mutate({ messageId: first.id, text: "final" });
    const { events, sub } = await replay(alice, room.id, lastEventId ?? "");
    await events.waitFor(1);
    await sleep(200);
    sub.unsubscribe();
    expect(events.items.map((e) => (e.data.type === "message.updated" ? e.data.message.text : e.data.type))).toEqual(["final"]);
  });
});

describe("limits on unbounded work", () => {
  it("rate-limits message.edit per user, with a retry hint", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    const m = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "v0" });
    const results = await Promise.allSettled(
      Array.from({ length: 80 }, (_, i) => alice.client.trpc.message.edit.mutate({ messageId: m.id, text: `v${i + 1}` })),
    );
    const limited = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((e) => codeOf(e) === "TOO_MANY_REQUESTS")).toBe(true);
    expect(retryAfterMs(limited[0])).toBeGreaterThan(0);
  });

  it("rate-limits room.activity churn, so a loop cannot broadcast presence without end", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await roomWith(alice, bob);
    const watched = new Collector<{ type: string }>();
    const watching = started();
    alice.client.trpc.room.activity.subscribe({ roomId: room.id }, { onStarted: watching.onStarted, onData: watched.push });
    await watching.ready;
    let refused = 0;
    for (let i = 0; i < 100 && refused === 0; i++) {
      const outcome = await new Promise<string>((resolve) => {
        const sub = bob.client.trpc.room.activity.subscribe(
          { roomId: room.id },
          {
            onStarted: () => {
              sub.unsubscribe();
              resolve("started");
            },
            onError: (error) => resolve(String(codeOf(error))),
          },
        );
      });
      if (outcome !== "started") {
        expect(outcome).toBe("TOO_MANY_REQUESTS");
        refused += 1;
      }
    }
    expect(refused).toBe(1);
    await sleep(300);
    const onlines = watched.items.filter((a) => a.type === "presence.online").length;
    expect(onlines).toBeLessThan(100);
  });

  it("rate-limits room creation per user, with Retry-After over HTTP", async () => {
    const alice = await signUp(app.server);
    const codes: string[] = [];
    for (let i = 0; i < 40 && !codes.includes("TOO_MANY_REQUESTS"); i++) {
      codes.push(
        await alice.client.trpc.room.create.mutate({ name: uniqueName("spam") }).then(
          () => "ok",
          (error: unknown) => String(codeOf(error)),
        ),
      );
    }
    expect(codes.at(-1)).toBe("TOO_MANY_REQUESTS");
    expect(codes.filter((c) => c === "ok").length).toBeGreaterThanOrEqual(5);
    const overHttp = await new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
      const body = JSON.stringify({ name: uniqueName("spam") });
      const req = http.request(
        `${app.server.url}/trpc/room.create`,
        { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${alice.token}` } },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(overHttp.status).toBe(429);
    expect(Number(overHttp.retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it("caps room.list: every room the caller is in, and a bounded number of the others", async () => {
    const capped = await startTestServer(app.db, { ROOM_LIST_LIMIT: "3" });
    try {
      const alice = await signUp(capped);
      const bob = await signUp(capped);
      for (let i = 0; i < 5; i++) await alice.client.trpc.room.create.mutate({ name: uniqueName("others") });
      const mine = [];
      for (let i = 0; i < 4; i++) mine.push(await bob.client.trpc.room.create.mutate({ name: uniqueName("mine") }));
      const list = await bob.client.trpc.room.list.query();
      expect(list.filter((r) => !r.joined).length).toBeLessThanOrEqual(3);
      expect(
        list
          .filter((r) => r.joined)
          .map((r) => r.id)
          .sort(),
      ).toEqual(mine.map((r) => r.id).sort());
      const keys = list.map((r) => r.name.toLowerCase());
      expect(keys).toEqual([...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    } finally {
      await capped.close();
    }
  });

  it("bounds password hashing: a flood of logins fails fast instead of delaying a real login", async () => {
    // The per-address login limit is lifted, so only the hashing queue stands in the way.
    const server = await startTestServer(app.db, { RATE_LIMIT_LOGIN: "100000/1000" });
    try {
      const real = await signUp(server);
      // The real user's socket is open before the flood, so only the login itself is timed.
      const anonymous = connect(server);
      await anonymous.trpc.auth.me.query().catch(() => null);
      // 300 logins for unknown users from another address (every 127.x address is this machine).
      const flood = Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          post(server, "auth.login", { login: `nobody_${i}_${uniqueName()}`, password: "guess guess" }, "127.0.0.2"),
        ),
      );
      await sleep(100);
      const t0 = performance.now();
      const ok = await anonymous.trpc.auth.login.mutate({ login: real.username, password: "correct horse battery" });
      const took = performance.now() - t0;
      const answers = await flood;
      expect(ok.user.id).toBe(real.id);
      expect(took).toBeLessThan(1_500);
      const refused = answers.filter((a) => a.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(Number(refused[0]?.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe("failed logins count per account", () => {
  it("counts guesses by username and by email in one bucket", async () => {
    const u = await signUp(app.server);
    const client = connect(app.server);
    const codes: string[] = [];
    for (let i = 0; i < 20; i++)
      codes.push(await errorCode(client.trpc.auth.login.mutate({ login: u.username, password: "wrong password" })));
    for (let i = 0; i < 20; i++) codes.push(await errorCode(client.trpc.auth.login.mutate({ login: u.email, password: "wrong password" })));
    expect(codes.slice(0, 20).every((c) => c === "UNAUTHORIZED")).toBe(true);
    expect(codes).toContain("TOO_MANY_REQUESTS");
    const limited = await rejection(client.trpc.auth.login.mutate({ login: u.username.toUpperCase(), password: "wrong password" }));
    expect(limited.data?.code).toBe("TOO_MANY_REQUESTS");
    expect(limited.data?.retryAfterMs).toBeGreaterThan(0);
  });
});
