import { guards } from "@parley/api";
import type { Room } from "@parley/contract";
import { rooms } from "@parley/db";
import { describe, expect, it } from "vitest";
import {
  connect,
  errorCode,
  inbox,
  roomEvents,
  rejection,
  signUp,
  sleep,
  started,
  uniqueName,
  until,
  useTestServer,
  type TestUser,
  type TrackedEvent,
} from "./harness";

// Conversations (API.md v2): private channels, roles, direct messages, user.search, me.events.

const app = useTestServer();

async function privateRoom(owner: TestUser, ...others: TestUser[]): Promise<Room> {
  const room = await owner.client.trpc.room.create.mutate({ name: uniqueName("secret"), visibility: "private" });
  for (const p of others) await owner.client.trpc.room.addMember.mutate({ roomId: room.id, username: p.username });
  return room;
}

const types = (events: TrackedEvent[]) => events.map((e) => e.data.type);

describe("room.create v2", () => {
  it("makes a public channel by default, owned by its creator, with no topic", async () => {
    const alice = await signUp(app.server);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("plain") });
    expect(room).toMatchObject({ kind: "channel", visibility: "public", topic: "", role: "owner", peer: null, joined: true });
    const [me] = await alice.client.trpc.room.members.query({ roomId: room.id });
    expect(me).toMatchObject({ user: { id: alice.id }, role: "owner" });
  });

  it("makes a private channel with a trimmed topic; a topic over 250 code points is BAD_REQUEST", async () => {
    const alice = await signUp(app.server);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("p"), visibility: "private", topic: "  plans  " });
    expect(room).toMatchObject({ visibility: "private", topic: "plans", role: "owner" });
    const before = await app.db.prisma.room.count();
    const error = await rejection(alice.client.trpc.room.create.mutate({ name: uniqueName("t"), topic: "🎉".repeat(251) }));
    expect(error.data?.code).toBe("BAD_REQUEST");
    expect(error.data?.zodError?.fieldErrors.topic?.length).toBeGreaterThan(0);
    expect(await errorCode(alice.client.trpc.room.create.mutate({ name: uniqueName("v"), visibility: "secret" as "private" }))).toBe(
      "BAD_REQUEST",
    );
    expect(await app.db.prisma.room.count()).toBe(before);
  });
});

describe("a private channel is invisible to non-members", () => {
  it("answers an outsider NOT_FOUND from every procedure, exactly as for a room that does not exist", async () => {
    const alice = await signUp(app.server);
    const mallory = await signUp(app.server, "mallory");
    const room = await privateRoom(alice);
    const message = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "hunter2" });
    const unknown = "01a21600-0000-7000-8000-000000000000";
    const calls = (roomId: string, messageId: string) => {
      const t = mallory.client.trpc;
      return [
        t.room.get.query({ roomId }),
        t.room.join.mutate({ roomId }),
        t.room.leave.mutate({ roomId }),
        t.room.members.query({ roomId }),
        t.room.typing.mutate({ roomId }),
        t.room.update.mutate({ roomId, topic: "mine" }),
        t.room.addMember.mutate({ roomId, username: mallory.username }),
        t.room.removeMember.mutate({ roomId, username: alice.username }),
        t.room.setRole.mutate({ roomId, username: mallory.username, role: "admin" }),
        t.message.send.mutate({ roomId, text: "let me in" }),
        t.message.list.query({ roomId }),
        t.message.edit.mutate({ messageId, text: "mine" }),
        t.message.delete.mutate({ messageId }),
      ];
    };
    const secret = await Promise.all(calls(room.id, message.id).map((p) => rejection(p)));
    const missing = await Promise.all(calls(unknown, unknown).map((p) => rejection(p)));
    const same = (text: string, id: string, msgId: string) => text.replaceAll(id, "<id>").replaceAll(msgId, "<id>");
    for (const [i, error] of secret.entries()) {
      expect(error.data?.code, `call ${i}`).toBe("NOT_FOUND");
      expect(same(error.message, room.id, message.id), `call ${i}`).toBe(same(missing[i]!.message, unknown, unknown));
    }
    // Subscriptions too.
    for (const subscribe of [
      (onError: (e: unknown) => void) => mallory.client.trpc.room.events.subscribe({ roomId: room.id }, { onError }),
      (onError: (e: unknown) => void) => mallory.client.trpc.room.activity.subscribe({ roomId: room.id }, { onError }),
    ]) {
      const failure = await new Promise<unknown>((resolve) => subscribe(resolve));
      expect((failure as { data?: { code?: string } }).data?.code).toBe("NOT_FOUND");
    }
    // Nothing changed, and the room is in nobody's list but its members'.
    expect((await alice.client.trpc.room.members.query({ roomId: room.id })).map((m) => m.user.username)).toEqual([alice.username]);
    const page = await alice.client.trpc.message.list.query({ roomId: room.id });
    expect(page.messages.map((m) => m.text)).toEqual(["hunter2"]);
    expect((await mallory.client.trpc.room.list.query()).some((r) => r.id === room.id)).toBe(false);
    expect((await alice.client.trpc.room.list.query()).find((r) => r.id === room.id)).toMatchObject({ visibility: "private" });
  });
});

describe("room.addMember", () => {
  it("lets the owner add people to a private channel, once; the added person's me.events gets room.added", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await privateRoom(alice);
    const bobInbox = await inbox(bob);
    const events = await roomEvents(alice, room.id);
    const member = await alice.client.trpc.room.addMember.mutate({ roomId: room.id, username: bob.username.toUpperCase() });
    expect(member).toMatchObject({ user: { id: bob.id }, role: "member", online: false });
    const again = await alice.client.trpc.room.addMember.mutate({ roomId: room.id, username: bob.username });
    expect(again.joinedAt).toBe(member.joinedAt);
    const [news] = await bobInbox.news.waitFor(1);
    expect(news).toMatchObject({ type: "room.added", room: { id: room.id, joined: true, role: "member", visibility: "private" } });
    await events.events.waitFor(1);
    await sleep(150);
    expect(types(events.events.items)).toEqual(["member.joined"]); // idempotent: one event
    expect(await bob.client.trpc.room.get.query({ roomId: room.id })).toMatchObject({ id: room.id, memberCount: 2 });
  });

  it("is FORBIDDEN to a plain member of a private channel and changes nothing; NOT_FOUND for an unknown user", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const carol = await signUp(app.server);
    const room = await privateRoom(alice, bob);
    expect(await errorCode(bob.client.trpc.room.addMember.mutate({ roomId: room.id, username: carol.username }))).toBe("FORBIDDEN");
    expect(await errorCode(alice.client.trpc.room.addMember.mutate({ roomId: room.id, username: "nobody_here_at_all" }))).toBe("NOT_FOUND");
    expect((await alice.client.trpc.room.members.query({ roomId: room.id })).map((m) => m.user.id)).toEqual([alice.id, bob.id]);
    // An admin may.
    await alice.client.trpc.room.setRole.mutate({ roomId: room.id, username: bob.username, role: "admin" });
    await bob.client.trpc.room.addMember.mutate({ roomId: room.id, username: carol.username });
    expect((await carol.client.trpc.room.get.query({ roomId: room.id })).role).toBe("member");
  });

  it("lets any member add people to a public channel, but not an outsider", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const carol = await signUp(app.server);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("open") });
    expect(await errorCode(bob.client.trpc.room.addMember.mutate({ roomId: room.id, username: carol.username }))).toBe("FORBIDDEN");
    await bob.client.trpc.room.join.mutate({ roomId: room.id });
    expect(await bob.client.trpc.room.addMember.mutate({ roomId: room.id, username: carol.username })).toMatchObject({ role: "member" });
  });
});

describe("room.removeMember", () => {
  it("ends the removed person's subscriptions, tells them, and refuses their resume", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await privateRoom(alice, bob);
    const aliceEvents = await roomEvents(alice, room.id);
    const bobEvents = await roomEvents(bob, room.id);
    const bobActivityEnded = { value: false };
    const activityStarted = started();
    bob.client.trpc.room.activity.subscribe(
      { roomId: room.id },
      { onStarted: activityStarted.onStarted, onComplete: () => (bobActivityEnded.value = true) },
    );
    await activityStarted.ready;
    const bobInbox = await inbox(bob);
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "before" });
    await bobEvents.events.waitFor(1);
    expect(await bobInbox.news.waitFor(1)).toEqual([expect.objectContaining({ type: "room.unread", roomId: room.id, unreadCount: 1 })]);

    expect(await alice.client.trpc.room.removeMember.mutate({ roomId: room.id, username: bob.username })).toEqual({ ok: true });
    await until(() => bobEvents.state.ended && bobActivityEnded.value, "bob's subscriptions to end", 1_000);
    expect((await bobInbox.news.waitFor(2)).slice(1)).toEqual([{ type: "room.removed", roomId: room.id }]);
    const [left] = (await aliceEvents.events.waitFor(2)).slice(1);
    expect(left?.data).toEqual({
      type: "member.left",
      roomId: room.id,
      user: expect.objectContaining({ id: bob.id }),
      by: expect.objectContaining({ id: alice.id }),
    });

    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "after" });
    await sleep(150);
    // Bob's stream told him he was removed (by whom), then ended: nothing after it reaches him.
    expect(bobEvents.events.items.map((e) => e.data)).toEqual([
      expect.objectContaining({ type: "message.created" }),
      expect.objectContaining({ type: "member.left", by: expect.objectContaining({ id: alice.id }) }),
    ]);
    const resumed = await new Promise<unknown>((resolve) =>
      bob.client.trpc.room.events.subscribe({ roomId: room.id, lastEventId: bobEvents.events.items[0]!.id }, { onError: resolve }),
    );
    expect((resumed as { data?: { code?: string } }).data?.code).toBe("NOT_FOUND");
    expect((await bob.client.trpc.room.list.query()).some((r) => r.id === room.id)).toBe(false);
    // Removing someone who is not a member: ok, no event.
    expect(await alice.client.trpc.room.removeMember.mutate({ roomId: room.id, username: bob.username })).toEqual({ ok: true });
    await sleep(150);
    expect(types(aliceEvents.events.items)).toEqual(["message.created", "member.left", "message.created"]);
  });

  it("lets an admin remove members only, nobody remove the owner, and a member remove nobody", async () => {
    const owner = await signUp(app.server);
    const admin = await signUp(app.server);
    const admin2 = await signUp(app.server);
    const member = await signUp(app.server);
    const room = await privateRoom(owner, admin, admin2, member);
    for (const p of [admin, admin2]) await owner.client.trpc.room.setRole.mutate({ roomId: room.id, username: p.username, role: "admin" });
    const remove = (by: TestUser, who: TestUser) => by.client.trpc.room.removeMember.mutate({ roomId: room.id, username: who.username });
    expect(await errorCode(remove(member, admin))).toBe("FORBIDDEN");
    expect(await errorCode(remove(admin, admin2))).toBe("FORBIDDEN");
    expect(await errorCode(remove(admin, owner))).toBe("FORBIDDEN");
    expect(await errorCode(remove(owner, owner))).toBe("FORBIDDEN");
    expect((await owner.client.trpc.room.members.query({ roomId: room.id })).length).toBe(4);
    await remove(admin, member);
    await remove(owner, admin2);
    const left = await owner.client.trpc.room.members.query({ roomId: room.id });
    expect(left.map((m) => [m.user.id, m.role])).toEqual([
      [owner.id, "owner"],
      [admin.id, "admin"],
    ]);
  });
});

describe("room.setRole", () => {
  it("lets only the owner promote and demote, emitting member.role on a change", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const carol = await signUp(app.server);
    const room = await privateRoom(alice, bob);
    const events = await roomEvents(alice, room.id);
    const promoted = await alice.client.trpc.room.setRole.mutate({ roomId: room.id, username: bob.username, role: "admin" });
    expect(promoted).toMatchObject({ user: { id: bob.id }, role: "admin" });
    await alice.client.trpc.room.setRole.mutate({ roomId: room.id, username: bob.username, role: "admin" }); // no change
    expect(await errorCode(bob.client.trpc.room.setRole.mutate({ roomId: room.id, username: alice.username, role: "member" }))).toBe(
      "FORBIDDEN",
    );
    expect(await errorCode(alice.client.trpc.room.setRole.mutate({ roomId: room.id, username: alice.username, role: "admin" }))).toBe(
      "FORBIDDEN",
    );
    expect(await errorCode(alice.client.trpc.room.setRole.mutate({ roomId: room.id, username: carol.username, role: "admin" }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await errorCode(alice.client.trpc.room.setRole.mutate({ roomId: room.id, username: bob.username, role: "owner" as "admin" })),
    ).toBe("BAD_REQUEST");
    await events.events.waitFor(1);
    await sleep(150);
    expect(events.events.items.map((e) => e.data)).toEqual([
      { type: "member.role", roomId: room.id, user: expect.objectContaining({ id: bob.id }), role: "admin" },
    ]);
    expect((await alice.client.trpc.room.members.query({ roomId: room.id })).map((m) => m.role)).toEqual(["owner", "admin"]);
  });
});

describe("room.leave v2", () => {
  it("hands the room to the longest-standing admin when the owner leaves, else to the longest-standing member", async () => {
    const owner = await signUp(app.server);
    const early = await signUp(app.server);
    const admin = await signUp(app.server);
    const room = await owner.client.trpc.room.create.mutate({ name: uniqueName("handover") });
    for (const p of [early, admin]) await p.client.trpc.room.join.mutate({ roomId: room.id });
    await owner.client.trpc.room.setRole.mutate({ roomId: room.id, username: admin.username, role: "admin" });
    const events = await roomEvents(early, room.id);
    await owner.client.trpc.room.leave.mutate({ roomId: room.id });
    await events.events.waitFor(2);
    expect(events.events.items.map((e) => e.data)).toEqual([
      { type: "member.left", roomId: room.id, user: expect.objectContaining({ id: owner.id }) },
      { type: "member.role", roomId: room.id, user: expect.objectContaining({ id: admin.id }), role: "owner" },
    ]);
    expect(Number(events.events.items[1]!.id)).toBe(Number(events.events.items[0]!.id) + 1);
    // No admin left: the longest-standing member.
    await admin.client.trpc.room.leave.mutate({ roomId: room.id });
    expect((await early.client.trpc.room.get.query({ roomId: room.id })).role).toBe("owner");
  });
});

describe("ownership never lapses", () => {
  it("gives a channel whose members all left to the next person who joins", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("empty") });
    await alice.client.trpc.room.leave.mutate({ roomId: room.id });
    const joined = await bob.client.trpc.room.join.mutate({ roomId: room.id });
    expect(joined.role).toBe("owner");
    expect(await bob.client.trpc.room.update.mutate({ roomId: room.id, topic: "mine now" })).toMatchObject({ topic: "mine now" });
  });

  it("refuses a role change whose check went stale: the owner left (another tab) before it committed", async () => {
    const owner = await signUp(app.server);
    const heir = await signUp(app.server);
    const room = await owner.client.trpc.room.create.mutate({ name: uniqueName("race") });
    await heir.client.trpc.room.join.mutate({ roomId: room.id });
    await owner.client.trpc.room.setRole.mutate({ roomId: room.id, username: heir.username, role: "admin" });
    // room.setRole checked "the caller is the owner"; then the caller's other tab left, handing the room to the heir.
    await connect(app.server, owner.token).trpc.room.leave.mutate({ roomId: room.id });
    // The write itself re-checks under the room's lock, with the same rule the procedure uses.
    const stale = rooms.setRole(app.db, room.id, heir.id, "member", { guard: guards.setRole(owner.id, heir.id), actorId: owner.id });
    await expect(stale).rejects.toBeInstanceOf(rooms.GuardRefused);
    const members = await heir.client.trpc.room.members.query({ roomId: room.id });
    expect(members.map((m) => [m.user.id, m.role])).toEqual([[heir.id, "owner"]]);
  });
});

describe("room.update", () => {
  it("lets an owner or admin change name, topic and visibility, emitting room.updated", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const outsider = await signUp(app.server);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("upd") });
    await bob.client.trpc.room.join.mutate({ roomId: room.id });
    const events = await roomEvents(bob, room.id);
    expect(await errorCode(bob.client.trpc.room.update.mutate({ roomId: room.id, topic: "bob's" }))).toBe("FORBIDDEN");
    expect(await errorCode(outsider.client.trpc.room.update.mutate({ roomId: room.id, topic: "x" }))).toBe("FORBIDDEN");
    const name = uniqueName("renamed");
    const updated = await alice.client.trpc.room.update.mutate({ roomId: room.id, name, topic: "Weekly plans", visibility: "private" });
    expect(updated).toMatchObject({ id: room.id, name, topic: "Weekly plans", visibility: "private" });
    const [event] = await events.events.waitFor(1);
    expect(event?.data).toEqual({ type: "room.updated", room: { id: room.id, name, topic: "Weekly plans", visibility: "private" } });
    // Now private: the outsider cannot see it any more.
    expect(await errorCode(outsider.client.trpc.room.get.query({ roomId: room.id }))).toBe("NOT_FOUND");
    // A taken name is CONFLICT and changes nothing.
    const other = await alice.client.trpc.room.create.mutate({ name: uniqueName("taken") });
    const conflict = await rejection(alice.client.trpc.room.update.mutate({ roomId: room.id, name: other.name.toUpperCase() }));
    expect(conflict.data?.code).toBe("CONFLICT");
    expect((await alice.client.trpc.room.get.query({ roomId: room.id })).name).toBe(name);
  });
});

describe("dm.open", () => {
  it("opens one dm per pair, named after the other person for each, and tells the other person", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const bobInbox = await inbox(bob);
    const dm = await alice.client.trpc.dm.open.mutate({ username: bob.username });
    expect(dm).toMatchObject({
      kind: "dm",
      visibility: "private",
      name: bob.username,
      peer: { id: bob.id, username: bob.username },
      memberCount: 2,
      joined: true,
    });
    const [news] = await bobInbox.news.waitFor(1);
    expect(news).toMatchObject({ type: "room.added", room: { id: dm.id, name: alice.username, peer: { id: alice.id } } });
    const fromBob = await bob.client.trpc.dm.open.mutate({ username: alice.username });
    expect(fromBob.id).toBe(dm.id);
    expect(fromBob.name).toBe(alice.username);
    await sleep(150);
    expect(bobInbox.news.items).toHaveLength(1); // only on creation
    await bob.client.trpc.message.send.mutate({ roomId: dm.id, text: "hi alice" });
    const page = await alice.client.trpc.message.list.query({ roomId: dm.id });
    expect(page.messages.map((m) => m.text)).toEqual(["hi alice"]);
  });

  it("creates one room when both people open it at the same moment", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const rooms = await Promise.all([
      ...Array.from({ length: 4 }, () => alice.client.trpc.dm.open.mutate({ username: bob.username })),
      ...Array.from({ length: 4 }, () => bob.client.trpc.dm.open.mutate({ username: alice.username })),
    ]);
    expect(new Set(rooms.map((r) => r.id)).size).toBe(1);
    const members = await alice.client.trpc.room.members.query({ roomId: rooms[0]!.id });
    expect(members.map((m) => m.user.id).sort()).toEqual([alice.id, bob.id].sort());
  });

  it("refuses yourself, unknown people, and joining, leaving or adding to a dm; outsiders get NOT_FOUND", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const carol = await signUp(app.server);
    expect(await errorCode(alice.client.trpc.dm.open.mutate({ username: alice.username }))).toBe("BAD_REQUEST");
    expect(await errorCode(alice.client.trpc.dm.open.mutate({ username: "no_such_person_x" }))).toBe("NOT_FOUND");
    const dm = await alice.client.trpc.dm.open.mutate({ username: bob.username });
    expect(await errorCode(alice.client.trpc.room.leave.mutate({ roomId: dm.id }))).toBe("BAD_REQUEST");
    expect(await errorCode(alice.client.trpc.room.addMember.mutate({ roomId: dm.id, username: carol.username }))).toBe("BAD_REQUEST");
    expect(await errorCode(alice.client.trpc.room.removeMember.mutate({ roomId: dm.id, username: bob.username }))).toBe("BAD_REQUEST");
    expect(await errorCode(alice.client.trpc.room.update.mutate({ roomId: dm.id, topic: "x" }))).toBe("BAD_REQUEST");
    expect(await errorCode(carol.client.trpc.room.join.mutate({ roomId: dm.id }))).toBe("NOT_FOUND");
    expect(await errorCode(carol.client.trpc.message.list.query({ roomId: dm.id }))).toBe("NOT_FOUND");
    expect((await alice.client.trpc.room.members.query({ roomId: dm.id })).length).toBe(2);
  });
});

describe("room.list v2", () => {
  it("lists channels by name, then the caller's dms newest message first", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const carol = await signUp(app.server);
    const dave = await signUp(app.server);
    const secret = await privateRoom(bob); // alice is not in it
    const withBob = await alice.client.trpc.dm.open.mutate({ username: bob.username });
    const withCarol = await alice.client.trpc.dm.open.mutate({ username: carol.username });
    await dave.client.trpc.dm.open.mutate({ username: bob.username }); // not alice's
    await alice.client.trpc.message.send.mutate({ roomId: withCarol.id, text: "older" });
    await sleep(20);
    await bob.client.trpc.message.send.mutate({ roomId: withBob.id, text: "newer" });
    const list = await alice.client.trpc.room.list.query();
    const kinds = list.map((r) => r.kind);
    expect(kinds.indexOf("dm")).toBe(kinds.length - 2); // channels first, then exactly alice's two dms
    expect(list.slice(-2).map((r) => r.id)).toEqual([withBob.id, withCarol.id]);
    expect(list.some((r) => r.id === secret.id)).toBe(false);
  });
});

describe("user.search", () => {
  it("finds usernames by prefix ignoring case, in username order, up to the limit", async () => {
    const me = await signUp(app.server);
    const tag = uniqueName("")
      .replace(/[^A-Za-z0-9]/g, "")
      .slice(-6)
      .toLowerCase();
    const made: string[] = [];
    for (const name of [`Zq${tag}_b`, `zq${tag}_a`, `zq${tag}a`, `zq${tag}_c`]) {
      await signUp(app.server, name);
    }
    const found = await me.client.trpc.user.search.query({ query: `ZQ${tag}` });
    made.push(...found.map((u) => u.username));
    expect(made.every((n) => n.toLowerCase().startsWith(`zq${tag}`))).toBe(true);
    const keys = made.map((n) => n.toLowerCase());
    expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(found.length).toBe(4);
    expect(found[0]).toEqual({ id: expect.any(String), username: expect.any(String), createdAt: expect.any(String) });
    // "_" is a literal underscore, not LIKE's "any character".
    const underscored = await me.client.trpc.user.search.query({ query: `zq${tag}_` });
    expect(underscored.every((u) => u.username.toLowerCase().startsWith(`zq${tag}_`))).toBe(true);
    expect(underscored.length).toBe(3);
    expect(await me.client.trpc.user.search.query({ query: `zq${tag}`, limit: 2 })).toHaveLength(2);
    expect(await me.client.trpc.user.search.query({ query: "%" })).toEqual([]);
    expect(await errorCode(me.client.trpc.user.search.query({ query: "" }))).toBe("BAD_REQUEST");
    expect(await errorCode(me.client.trpc.user.search.query({ query: "a", limit: 21 }))).toBe("BAD_REQUEST");
    expect(await errorCode(me.client.trpc.user.search.query({ query: "x".repeat(33) }))).toBe("BAD_REQUEST");
  });
});

describe("me.events", () => {
  it("tells every tab of the caller about rooms they join and leave", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await bob.client.trpc.room.create.mutate({ name: uniqueName("tabs") });
    const otherTab = connect(app.server, alice.token);
    const tab = await inbox(alice, otherTab);
    await alice.client.trpc.room.join.mutate({ roomId: room.id });
    await alice.client.trpc.room.leave.mutate({ roomId: room.id });
    const news = await tab.news.waitFor(2);
    expect(news[0]).toMatchObject({ type: "room.added", room: { id: room.id, joined: true, role: "member" } });
    expect(news[1]).toEqual({ type: "room.removed", roomId: room.id });
    const anonymous = connect(app.server);
    const refused = await new Promise<unknown>((resolve) => anonymous.trpc.me.events.subscribe({}, { onError: resolve }));
    expect((refused as { data?: { code?: string } }).data?.code).toBe("UNAUTHORIZED");
  });
});
