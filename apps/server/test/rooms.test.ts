import { describe, expect, it } from "vitest";
import { codeOf, Collector, connect, errorCode, errorField, rejection, signUp, sleep, started, uniqueName, useTestServer } from "./harness";

const app = useTestServer();

const UNKNOWN_ID = "01a21600-0000-7000-8000-000000000000";

describe("room.create", () => {
  it("creates a room with the creator as its first member, name trimmed", async () => {
    const alice = await signUp(app.server, "alice");
    const name = uniqueName("General");
    const room = await alice.client.trpc.room.create.mutate({ name: `  ${name}\n` });
    expect(room).toEqual({
      id: expect.any(String),
      name,
      createdAt: expect.any(String),
      createdBy: { id: alice.id, username: alice.username, createdAt: expect.any(String) },
      memberCount: 1,
      joined: true,
      kind: "channel",
      visibility: "public",
      topic: "",
      role: "owner",
      peer: null,
      // The creator has read everything: the room's one event so far, their own join.
      unreadCount: 0,
      mentionCount: 0,
      lastReadEventId: "1",
      lastMessageAt: null,
    });
    const members = await alice.client.trpc.room.members.query({ roomId: room.id });
    expect(members.map((m) => m.user.id)).toEqual([alice.id]);
  });

  it('rejects a name taken ignoring case with CONFLICT, data.field "name"', async () => {
    const alice = await signUp(app.server);
    const name = uniqueName("Dup");
    await alice.client.trpc.room.create.mutate({ name });
    const error = await rejection(alice.client.trpc.room.create.mutate({ name: name.toUpperCase() }));
    expect(error.data?.code).toBe("CONFLICT");
    expect(error.data?.field).toBe("name");
    expect(errorField(error)).toBe("name");
    expect(error.message).toContain(name.toUpperCase());
  });

  it("rejects empty, blank and over-long names with BAD_REQUEST and creates nothing", async () => {
    const alice = await signUp(app.server);
    const before = await app.db.prisma.room.count();
    for (const name of ["", "   ", "x".repeat(65)]) {
      const error = await rejection(alice.client.trpc.room.create.mutate({ name }));
      expect(error.data?.code).toBe("BAD_REQUEST");
      expect(error.data?.zodError?.fieldErrors.name?.length).toBeGreaterThan(0);
    }
    expect(await app.db.prisma.room.count()).toBe(before);
    // 64 code points is fine even when they are astral (two UTF-16 units each).
    const emojiName = `${"🎉".repeat(63)}${uniqueName("").slice(-1)}`;
    const room = await alice.client.trpc.room.create.mutate({ name: emojiName });
    expect([...room.name]).toHaveLength(64);
    expect(await errorCode(alice.client.trpc.room.create.mutate({ name: "🎉".repeat(65) }))).toBe("BAD_REQUEST");
  });
});

describe("room.list and room.get", () => {
  it("lists every room ordered by name ignoring case, with joined and memberCount for the caller", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const tag = uniqueName("");
    const names = [`b${tag}`, `A${tag}`, `C${tag}`];
    const created = [];
    for (const name of names) created.push(await alice.client.trpc.room.create.mutate({ name }));
    await bob.client.trpc.room.join.mutate({ roomId: created[0]!.id });
    const list = (await bob.client.trpc.room.list.query()).filter((r) => r.name.endsWith(tag));
    expect(list.map((r) => r.name)).toEqual([`A${tag}`, `b${tag}`, `C${tag}`]);
    expect(list.map((r) => r.joined)).toEqual([false, true, false]);
    expect(list.map((r) => r.memberCount)).toEqual([1, 2, 1]);
    const all = await bob.client.trpc.room.list.query();
    const keys = all.map((r) => r.name.toLowerCase());
    expect(keys).toEqual([...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  });

  it("gets one room, and NOT_FOUND for unknown or malformed ids", async () => {
    const alice = await signUp(app.server);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("get") });
    expect(await alice.client.trpc.room.get.query({ roomId: room.id })).toEqual(room);
    for (const roomId of [UNKNOWN_ID, "nope", "", "'; DROP TABLE rooms; --"]) {
      expect(await errorCode(alice.client.trpc.room.get.query({ roomId }))).toBe("NOT_FOUND");
    }
  });
});

describe("room.join and room.leave", () => {
  it("join is idempotent and emits member.joined only on a real join", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("join") });
    const joined = await bob.client.trpc.room.join.mutate({ roomId: room.id });
    expect(joined).toMatchObject({ id: room.id, joined: true, memberCount: 2 });
    const again = await bob.client.trpc.room.join.mutate({ roomId: room.id });
    expect(again).toMatchObject({ joined: true, memberCount: 2 });
    const events = await app.db.prisma.roomEvent.findMany({ where: { roomId: room.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.type)).toEqual(["member.joined", "member.joined"]);
    expect((events[1]?.payload as any).user).toEqual({ id: bob.id, username: bob.username, createdAt: expect.any(String) });
  });

  it("leave removes membership, emits member.left; a non-member gets ok and no event", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("leave") });
    await bob.client.trpc.room.join.mutate({ roomId: room.id });
    expect(await bob.client.trpc.room.leave.mutate({ roomId: room.id })).toEqual({ ok: true });
    expect(await bob.client.trpc.room.leave.mutate({ roomId: room.id })).toEqual({ ok: true });
    const types = (await app.db.prisma.roomEvent.findMany({ where: { roomId: room.id }, orderBy: { seq: "asc" } })).map((e) => e.type);
    expect(types).toEqual(["member.joined", "member.joined", "member.left"]);
    expect((await bob.client.trpc.room.get.query({ roomId: room.id })).joined).toBe(false);
    expect(await errorCode(bob.client.trpc.room.members.query({ roomId: room.id }))).toBe("FORBIDDEN");
  });

  it("answers NOT_FOUND for unknown rooms", async () => {
    const alice = await signUp(app.server);
    expect(await errorCode(alice.client.trpc.room.join.mutate({ roomId: UNKNOWN_ID }))).toBe("NOT_FOUND");
    expect(await errorCode(alice.client.trpc.room.leave.mutate({ roomId: "bogus" }))).toBe("NOT_FOUND");
  });
});

describe("room.feed", () => {
  it("tells every signed-in subscriber when a room is created or its membership changes", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const changes = new Collector<{ type: string; roomId: string }>();
    const { onStarted, ready } = started();
    const sub = bob.client.trpc.room.feed.subscribe(undefined, { onStarted, onData: changes.push });
    await ready;
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("feed") });
    await changes.waitFor(1);
    await bob.client.trpc.room.join.mutate({ roomId: room.id });
    await bob.client.trpc.room.join.mutate({ roomId: room.id }); // no real change, no notice
    await bob.client.trpc.room.leave.mutate({ roomId: room.id });
    await changes.waitFor(3);
    await sleep(150);
    expect(changes.items).toEqual([
      { type: "room.created", roomId: room.id },
      { type: "room.membership", roomId: room.id },
      { type: "room.membership", roomId: room.id },
    ]);
    // A private channel's changes reach only the people they concern.
    const secret = await alice.client.trpc.room.create.mutate({ name: uniqueName("feed-private"), visibility: "private" });
    await sleep(150);
    expect(changes.items).toHaveLength(3);
    await alice.client.trpc.room.addMember.mutate({ roomId: secret.id, username: bob.username });
    await changes.waitFor(4);
    expect(changes.items[3]).toEqual({ type: "room.membership", roomId: secret.id });
    sub.unsubscribe();
    expect(
      await errorCode(
        new Promise((resolve, reject) => {
          connect(app.server).trpc.room.feed.subscribe(undefined, { onError: reject, onStarted: () => resolve("started") });
        }),
      ),
    ).toBe("UNAUTHORIZED");
  });
});

describe("members-only procedures", () => {
  it("checks NOT_FOUND before membership, then FORBIDDEN for non-members", async () => {
    const alice = await signUp(app.server);
    const outsider = await signUp(app.server);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("private") });
    const t = outsider.client.trpc;
    expect(await errorCode(t.room.members.query({ roomId: room.id }))).toBe("FORBIDDEN");
    expect(await errorCode(t.room.typing.mutate({ roomId: room.id }))).toBe("FORBIDDEN");
    expect(await errorCode(t.message.send.mutate({ roomId: room.id, text: "hi" }))).toBe("FORBIDDEN");
    expect(await errorCode(t.message.list.query({ roomId: room.id }))).toBe("FORBIDDEN");
    expect(await errorCode(t.room.members.query({ roomId: UNKNOWN_ID }))).toBe("NOT_FOUND");
    expect(await errorCode(t.message.send.mutate({ roomId: UNKNOWN_ID, text: "hi" }))).toBe("NOT_FOUND");
    expect(await errorCode(t.message.list.query({ roomId: "x" }))).toBe("NOT_FOUND");
    const subscriptionError = (
      subscribe: (handlers: { onError: (e: { data?: unknown }) => void; onData: () => void }) => { unsubscribe(): void },
    ) =>
      new Promise<string>((resolve) => {
        const sub = subscribe({ onError: (e) => resolve(String(codeOf(e))), onData: () => resolve("data") });
        setTimeout(() => {
          sub.unsubscribe();
          resolve("timeout");
        }, 5000);
      });
    expect(await subscriptionError((h) => t.room.events.subscribe({ roomId: room.id }, h))).toBe("FORBIDDEN");
    expect(await subscriptionError((h) => t.room.activity.subscribe({ roomId: room.id }, h))).toBe("FORBIDDEN");
    expect(await subscriptionError((h) => t.room.events.subscribe({ roomId: UNKNOWN_ID }, h))).toBe("NOT_FOUND");
    expect(await subscriptionError((h) => t.room.activity.subscribe({ roomId: "nope" }, h))).toBe("NOT_FOUND");
  });

  it("room.members lists members with joinedAt and online flags", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("members") });
    await bob.client.trpc.room.join.mutate({ roomId: room.id });
    const members = await bob.client.trpc.room.members.query({ roomId: room.id });
    expect(members).toEqual([
      {
        user: { id: alice.id, username: alice.username, createdAt: expect.any(String) },
        joinedAt: expect.any(String),
        online: false,
        role: "owner",
      },
      {
        user: { id: bob.id, username: bob.username, createdAt: expect.any(String) },
        joinedAt: expect.any(String),
        online: false,
        role: "member",
      },
    ]);
  });
});
