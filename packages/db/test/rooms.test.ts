import { describe, expect, it } from "vitest";
import { UniqueViolationError } from "../src/errors";
import { openDm } from "../src/dms";
import { joinRoom } from "../src/memberships";
import { GuardRefused } from "../src/room-guard";
import { createRoom, getRoom, listRooms, updateRoom } from "../src/rooms";
import { describeEachDatabase, headOf, makeRoom, makeUser, send } from "./database";

describeEachDatabase("rooms", (db) => {
  describe("createRoom", () => {
    it("makes the creator its owner and logs their member.joined as event 1", async () => {
      const ann = await makeUser(db(), "ann");
      const { room, event } = await createRoom(db(), { name: "General", creator: ann, topic: "hello" });
      expect(room).toMatchObject({
        name: "General",
        kind: "channel",
        visibility: "public",
        topic: "hello",
        memberCount: 1,
        joined: true,
        role: "owner",
        peer: null,
        unreadCount: 0,
        mentionCount: 0,
        lastReadEventId: "1",
        lastMessageAt: null,
      });
      expect(room.createdBy.id).toBe(ann.id);
      expect(event).toMatchObject({ roomId: room.id, seq: 1n, event: { type: "member.joined", user: { id: ann.id } } });
      expect(await headOf(db(), room.id)).toBe(1n);
    });

    it("refuses a name taken in another case, and writes nothing", async () => {
      const ann = await makeUser(db(), "ann");
      await makeRoom(db(), ann, "General");
      const error = await createRoom(db(), { name: "GENERAL", creator: ann }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect((error as UniqueViolationError).fields).toEqual(["nameKey"]);
      expect(await db().prisma.room.count()).toBe(1);
      expect(await db().prisma.roomEvent.count()).toBe(1);
    });
  });

  describe("getRoom", () => {
    it("shows a public room to anyone, not joined, with no read state", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "lobby");
      await send(db(), room.id, ann, "hi");
      expect(await getRoom(db(), room.id, bob.id)).toMatchObject({
        joined: false,
        role: null,
        unreadCount: 0,
        lastReadEventId: null,
        memberCount: 1,
      });
    });

    it("hides a private room from outsiders exactly like a missing one", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "secret", "private");
      expect(await getRoom(db(), room.id, bob.id)).toBeNull();
      expect(await getRoom(db(), "no-such-room", bob.id)).toBeNull();
      expect(await getRoom(db(), room.id, ann.id)).toMatchObject({ name: "secret", visibility: "private", joined: true });
    });

    it("counts the viewer's unread messages and mentions", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "lobby");
      await joinRoom(db(), room.id, bob);
      await send(db(), room.id, ann, "one");
      await send(db(), room.id, ann, "two @bob", { mentions: [bob] });
      expect(await getRoom(db(), room.id, bob.id)).toMatchObject({ unreadCount: 2, mentionCount: 1, memberCount: 2 });
      // Own messages are never unread.
      expect(await getRoom(db(), room.id, ann.id)).toMatchObject({ unreadCount: 0, mentionCount: 0 });
    });
  });

  describe("listRooms", () => {
    it("lists joined channels and at most othersLimit public others, by name ignoring case", async () => {
      const [ann, bob, cat] = [await makeUser(db(), "ann"), await makeUser(db(), "bob"), await makeUser(db(), "cat")];
      await makeRoom(db(), ann, "zeta");
      await makeRoom(db(), ann, "Alpha");
      const busy = await makeRoom(db(), bob, "busy");
      await joinRoom(db(), busy.id, cat);
      await makeRoom(db(), bob, "quiet");
      await makeRoom(db(), bob, "hidden", "private");

      const names = (rooms: { name: string }[]) => rooms.map((room) => room.name);
      // Of bob's three public rooms, one fits: the most populated.
      expect(names(await listRooms(db(), ann.id, { othersLimit: 1 }))).toEqual(["Alpha", "busy", "zeta"]);
      expect(names(await listRooms(db(), ann.id, { othersLimit: 10 }))).toEqual(["Alpha", "busy", "quiet", "zeta"]);
      expect(names(await listRooms(db(), ann.id, { othersLimit: 0 }))).toEqual(["Alpha", "zeta"]);
      const joined = await listRooms(db(), ann.id, { othersLimit: 0 });
      expect(joined.every((room) => room.joined && room.role === "owner")).toBe(true);
    });

    it("orders names by code point whatever the collation, and dms after channels, newest first", async () => {
      const [ann, bob, cat] = [await makeUser(db(), "ann"), await makeUser(db(), "bob"), await makeUser(db(), "cat")];
      await makeRoom(db(), ann, "b-room");
      await makeRoom(db(), ann, "b_room");
      await makeRoom(db(), ann, "bRoom2");
      const withBob = (await openDm(db(), ann, bob)).room;
      const withCat = (await openDm(db(), ann, cat)).room;
      await send(db(), withBob.id, bob, "newer than the dm with cat");

      const list = await listRooms(db(), ann.id, { othersLimit: 10 });
      expect(list.map((room) => room.name)).toEqual(["b-room", "b_room", "bRoom2", "bob", "cat"]);
      expect(list.slice(3).map((room) => room.id)).toEqual([withBob.id, withCat.id]);
      expect(list[3]).toMatchObject({ kind: "dm", peer: { id: bob.id }, unreadCount: 1 });
    });
  });

  describe("updateRoom", () => {
    it("changes name, topic and visibility with one room.updated event", async () => {
      const ann = await makeUser(db(), "ann");
      const room = await makeRoom(db(), ann, "old");
      const { event, before } = await updateRoom(db(), room.id, { name: "New", topic: "t", visibility: "private" });
      expect(before).toBe("public");
      expect(event).toMatchObject({
        seq: 2n,
        event: { type: "room.updated", room: { id: room.id, name: "New", topic: "t", visibility: "private" } },
      });
      expect(await getRoom(db(), room.id, ann.id)).toMatchObject({ name: "New", topic: "t", visibility: "private" });
    });

    it("writes no event and leaves no hole in the event ids when nothing changes", async () => {
      const ann = await makeUser(db(), "ann");
      const room = await makeRoom(db(), ann, "same");
      expect(await updateRoom(db(), room.id, { name: "same", topic: "" })).toEqual({ event: null, before: "public" });
      expect(await headOf(db(), room.id)).toBe(1n);
      const next = await updateRoom(db(), room.id, { topic: "now" });
      expect(next.event?.seq).toBe(2n);
    });

    it("refuses a name another channel has, and keeps the old one", async () => {
      const ann = await makeUser(db(), "ann");
      await makeRoom(db(), ann, "taken");
      const room = await makeRoom(db(), ann, "mine");
      await expect(updateRoom(db(), room.id, { name: "TAKEN" })).rejects.toBeInstanceOf(UniqueViolationError);
      expect(await getRoom(db(), room.id, ann.id)).toMatchObject({ name: "mine" });
      expect(await headOf(db(), room.id)).toBe(1n);
    });

    it("checks the guard under the lock with the actor's role, and a refusal changes nothing", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "guarded");
      await joinRoom(db(), room.id, bob);
      const seen: (string | null)[] = [];
      const ownerOnly = (actorId: string) => (state: { roleOf: (id: string) => string | null }) => {
        seen.push(state.roleOf(actorId));
        return state.roleOf(actorId) === "owner" ? ("ok" as const) : ("forbidden" as const);
      };
      const refused = await updateRoom(db(), room.id, { topic: "bob's" }, { guard: ownerOnly(bob.id), actorId: bob.id }).catch(
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(GuardRefused);
      expect((refused as GuardRefused).reason).toBe("forbidden");
      expect(await getRoom(db(), room.id, ann.id)).toMatchObject({ topic: "" });
      const head = await headOf(db(), room.id);
      const { event } = await updateRoom(db(), room.id, { topic: "ann's" }, { guard: ownerOnly(ann.id), actorId: ann.id });
      expect(event?.seq).toBe(head + 1n);
      expect(seen).toEqual(["member", "owner"]);
    });
  });
});
