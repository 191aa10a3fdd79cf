import { describe, expect, it } from "vitest";
import { getAccess, getMember, getMembership, joinRoom, leaveRoom, listMembers, setRole } from "../src/memberships";
import { readState } from "../src/read-state";
import { GuardRefused, type Guard } from "../src/room-guard";
import { describeEachDatabase, headOf, makeRoom, makeUser, send } from "./database";

describeEachDatabase("memberships", (db) => {
  describe("getAccess and getMembership", () => {
    it("tell a missing room, a member and an outsider apart", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club", "private");
      expect(await getAccess(db(), room.id, ann.id)).toEqual({ kind: "channel", visibility: "private", role: "owner" });
      expect(await getAccess(db(), room.id, bob.id)).toEqual({ kind: "channel", visibility: "private", role: null });
      expect(await getAccess(db(), "nope", ann.id)).toBeNull();
      expect(await getMembership(db(), room.id, ann.id)).toBe("member");
      expect(await getMembership(db(), room.id, bob.id)).toBe("not-member");
      expect(await getMembership(db(), "nope", ann.id)).toBe("no-room");
    });
  });

  describe("joinRoom", () => {
    it("adds a member with member.joined and nothing unread from before", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club");
      await send(db(), room.id, ann, "before bob");
      const { events } = await joinRoom(db(), room.id, bob);
      expect(events.map((e) => [e.seq, e.event.type])).toEqual([[3n, "member.joined"]]);
      expect(await getMember(db(), room.id, bob.id)).toMatchObject({ role: "member", user: { id: bob.id } });
      expect(await readState(db(), room.id, bob.id)).toMatchObject({ unreadCount: 0, lastReadEventId: "3" });
    });

    it("is idempotent: a second join writes nothing", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club");
      await joinRoom(db(), room.id, bob);
      const head = await headOf(db(), room.id);
      expect(await joinRoom(db(), room.id, bob)).toEqual({ events: [] });
      expect(await headOf(db(), room.id)).toBe(head);
    });

    it("makes one member and one event of two joins at once", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club");
      const results = await Promise.all([joinRoom(db(), room.id, bob), joinRoom(db(), room.id, bob)]);
      expect(results.flatMap((r) => r.events)).toHaveLength(1);
      expect(await db().prisma.roomEvent.count({ where: { roomId: room.id, type: "member.joined" } })).toBe(2);
      expect(await headOf(db(), room.id)).toBe(2n);
    });

    it("makes whoever joins an ownerless channel its owner (two events)", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club");
      await leaveRoom(db(), room.id, ann);
      const { events } = await joinRoom(db(), room.id, bob);
      expect(events.map((e) => e.event)).toMatchObject([
        { type: "member.joined", user: { id: bob.id } },
        { type: "member.role", user: { id: bob.id }, role: "owner" },
      ]);
      expect((await getMember(db(), room.id, bob.id))?.role).toBe("owner");
    });

    it("runs the guard under the lock: a refusal adds no one and leaves no hole in the event ids", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club", "private");
      const invitedByOwner = (state: Parameters<Guard>[0]) =>
        state.roleOf(ann.id) === "owner" && state.visibility === "private" ? "ok" : "not-found";
      const stranger = await makeUser(db(), "eve");
      const error = await joinRoom(db(), room.id, bob, { guard: invitedByOwner, actorId: stranger.id }).catch((e: unknown) => e);
      // The guard reads only the roles of those involved (bob and the actor), so ann's is unknown to it.
      expect(error).toBeInstanceOf(GuardRefused);
      expect((error as GuardRefused).reason).toBe("not-found");
      expect(await getMember(db(), room.id, bob.id)).toBeNull();
      expect(await headOf(db(), room.id)).toBe(1n);
      const { events } = await joinRoom(db(), room.id, bob, { guard: invitedByOwner, actorId: ann.id });
      expect(events[0]?.seq).toBe(2n);
    });
  });

  describe("leaveRoom", () => {
    it("removes a member with member.left, naming who removed them", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club");
      await joinRoom(db(), room.id, bob);
      const { events } = await leaveRoom(db(), room.id, bob, { by: ann });
      expect(events.map((e) => e.event)).toMatchObject([{ type: "member.left", user: { id: bob.id }, by: { id: ann.id } }]);
      expect(await getMembership(db(), room.id, bob.id)).toBe("not-member");
    });

    it("writes nothing for someone who is not a member", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club");
      expect(await leaveRoom(db(), room.id, bob)).toEqual({ events: [] });
      expect(await headOf(db(), room.id)).toBe(1n);
    });

    it("hands a leaving owner's room to the longest-standing admin, else the longest-standing member", async () => {
      const [ann, bob, cat, dan] = [
        await makeUser(db(), "ann"),
        await makeUser(db(), "bob"),
        await makeUser(db(), "cat"),
        await makeUser(db(), "dan"),
      ];
      const room = await makeRoom(db(), ann, "club");
      for (const user of [bob, cat, dan]) await joinRoom(db(), room.id, user);
      await setRole(db(), room.id, dan.id, "admin");
      const first = await leaveRoom(db(), room.id, ann);
      expect(first.events.map((e) => e.event)).toMatchObject([
        { type: "member.left" },
        { type: "member.role", user: { id: dan.id }, role: "owner" },
      ]);
      const second = await leaveRoom(db(), room.id, dan);
      expect(second.events.map((e) => e.event)).toMatchObject([
        { type: "member.left" },
        { type: "member.role", user: { id: bob.id }, role: "owner" },
      ]);
      expect((await listMembers(db(), room.id)).map((m) => [m.user.username, m.role])).toEqual([
        ["bob", "owner"],
        ["cat", "member"],
      ]);
    });

    it("refuses through the guard with the remover's role read under the lock", async () => {
      const [ann, bob, cat] = [await makeUser(db(), "ann"), await makeUser(db(), "bob"), await makeUser(db(), "cat")];
      const room = await makeRoom(db(), ann, "club");
      await joinRoom(db(), room.id, bob);
      await joinRoom(db(), room.id, cat);
      const adminsRemove: Guard = (state) => (["owner", "admin"].includes(state.roleOf(cat.id) ?? "") ? "ok" : "forbidden");
      await expect(leaveRoom(db(), room.id, bob, { by: cat, guard: adminsRemove })).rejects.toBeInstanceOf(GuardRefused);
      expect(await getMembership(db(), room.id, bob.id)).toBe("member");
      await setRole(db(), room.id, cat.id, "admin");
      expect((await leaveRoom(db(), room.id, bob, { by: cat, guard: adminsRemove })).events).toHaveLength(1);
    });
  });

  describe("setRole", () => {
    it("changes a role with member.role; the same role again writes nothing; an outsider is null", async () => {
      const [ann, bob, cat] = [await makeUser(db(), "ann"), await makeUser(db(), "bob"), await makeUser(db(), "cat")];
      const room = await makeRoom(db(), ann, "club");
      await joinRoom(db(), room.id, bob);
      const changed = await setRole(db(), room.id, bob.id, "admin");
      expect(changed?.event).toMatchObject({ seq: 3n, event: { type: "member.role", user: { id: bob.id }, role: "admin" } });
      expect(await setRole(db(), room.id, bob.id, "admin")).toEqual({ event: null });
      expect(await setRole(db(), room.id, cat.id, "admin")).toBeNull();
      expect(await headOf(db(), room.id)).toBe(3n);
      expect((await getMember(db(), room.id, bob.id))?.role).toBe("admin");
    });

    it("refuses when the actor lost their role before the write took the lock", async () => {
      const [ann, bob, cat] = [await makeUser(db(), "ann"), await makeUser(db(), "bob"), await makeUser(db(), "cat")];
      const room = await makeRoom(db(), ann, "club");
      await joinRoom(db(), room.id, bob);
      await joinRoom(db(), room.id, cat);
      await setRole(db(), room.id, bob.id, "admin");
      // bob passed a quick check as admin; the owner demotes him before his write runs.
      const quick = await getMember(db(), room.id, bob.id);
      expect(quick?.role).toBe("admin");
      await setRole(db(), room.id, bob.id, "member");
      const adminActs: Guard = (state) => (state.roleOf(bob.id) === "admin" ? "ok" : "forbidden");
      await expect(setRole(db(), room.id, cat.id, "admin", { guard: adminActs, actorId: bob.id })).rejects.toBeInstanceOf(GuardRefused);
      expect((await getMember(db(), room.id, cat.id))?.role).toBe("member");
    });
  });

  describe("listMembers", () => {
    it("lists members earliest first with their roles", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club");
      await joinRoom(db(), room.id, bob);
      const members = await listMembers(db(), room.id);
      expect(members.map((m) => [m.user.id, m.role])).toEqual([
        [ann.id, "owner"],
        [bob.id, "member"],
      ]);
      expect(Date.parse(members[0]!.joinedAt)).toBeLessThanOrEqual(Date.parse(members[1]!.joinedAt));
      expect(await listMembers(db(), "nope")).toEqual([]);
    });
  });
});
