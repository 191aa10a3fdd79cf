import { describe, expect, it } from "vitest";
import { joinRoom, leaveRoom } from "../src/memberships";
import { deleteMessage } from "../src/messages";
import { countBetween, markRead, memberRoomIds, messagePlace, readState, readStates } from "../src/read-state";
import { describeEachDatabase, headOf, makeRoom, makeUser, send } from "./database";

describeEachDatabase("read state", (db) => {
  describe("readState and readStates", () => {
    it("count others' messages after the read position, less the deleted ones, and the mentions", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club");
      await joinRoom(db(), room.id, bob);
      await send(db(), room.id, ann, "one");
      const two = await send(db(), room.id, ann, "two @bob", { mentions: [bob] });
      await send(db(), room.id, ann, "three");
      expect(await readState(db(), room.id, bob.id)).toEqual({
        unreadCount: 3,
        mentionCount: 1,
        lastReadEventId: "2",
        lastMessageAt: expect.any(String) as string,
      });
      await deleteMessage(db(), { messageId: two.id, roomId: room.id });
      expect(await readState(db(), room.id, bob.id)).toMatchObject({ unreadCount: 2, mentionCount: 0 });
      // Sending moves the author's own position to their message: what came before is read.
      await send(db(), room.id, bob, "mine");
      expect(await readState(db(), room.id, bob.id)).toMatchObject({
        unreadCount: 0,
        lastReadEventId: String(await headOf(db(), room.id)),
      });
    });

    it("show an outsider nothing read, with the room's head, and skip unknown rooms", async () => {
      const [ann, eve] = [await makeUser(db(), "ann"), await makeUser(db(), "eve")];
      const [joined, other] = [await makeRoom(db(), eve, "mine"), await makeRoom(db(), ann, "theirs")];
      await send(db(), other.id, ann, "hello");
      const states = await readStates(db(), [joined.id, other.id, "no-such-room"], eve.id);
      expect([...states.keys()].sort()).toEqual([joined.id, other.id].sort());
      expect(states.get(other.id)).toMatchObject({ member: false, unreadCount: 0, mentionCount: 0, lastReadEventId: null, head: 2n });
      expect(states.get(joined.id)).toMatchObject({ member: true, head: 1n, lastReadEventId: "1" });
      expect(await readStates(db(), [], eve.id)).toEqual(new Map());
    });
  });

  describe("markRead", () => {
    it("moves the position forward only, and answers with the new state", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club");
      await joinRoom(db(), room.id, bob);
      for (const text of ["a", "b", "c"]) await send(db(), room.id, ann, text);
      expect(await markRead(db(), room.id, bob.id, 4n)).toMatchObject({ unreadCount: 1, lastReadEventId: "4" });
      expect(await markRead(db(), room.id, bob.id, 3n)).toMatchObject({ unreadCount: 1, lastReadEventId: "4" });
      expect(await markRead(db(), room.id, bob.id, 5n)).toMatchObject({ unreadCount: 0, lastReadEventId: "5" });
    });

    it("answers unknown-event for an id the room never issued, not-member for an outsider", async () => {
      const [ann, eve] = [await makeUser(db(), "ann"), await makeUser(db(), "eve")];
      const room = await makeRoom(db(), ann, "club");
      expect(await markRead(db(), room.id, ann.id, 0n)).toBe("unknown-event");
      expect(await markRead(db(), room.id, ann.id, 2n)).toBe("unknown-event");
      expect(await markRead(db(), "no-such-room", ann.id, 1n)).toBe("unknown-event");
      expect(await markRead(db(), room.id, eve.id, 1n)).toBe("not-member");
    });
  });

  describe("countBetween and messagePlace", () => {
    it("count others' live messages and mentions in an event range", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club");
      await joinRoom(db(), room.id, bob); // event 2
      await send(db(), room.id, ann, "3 @bob", { mentions: [bob] });
      await send(db(), room.id, bob, "4 own");
      const gone = await send(db(), room.id, ann, "5 deleted");
      await send(db(), room.id, ann, "6");
      await deleteMessage(db(), { messageId: gone.id, roomId: room.id });
      expect(await countBetween(db(), room.id, bob.id, 2n, 6n)).toEqual({ unread: 2, mentions: 1 });
      expect(await countBetween(db(), room.id, bob.id, 3n, 6n)).toEqual({ unread: 1, mentions: 0 });
      expect(await countBetween(db(), room.id, bob.id, 6n, 6n)).toEqual({ unread: 0, mentions: 0 });
    });

    it("give a message's event id and its room's newest live message time", async () => {
      const ann = await makeUser(db(), "ann");
      const room = await makeRoom(db(), ann, "club");
      const first = await send(db(), room.id, ann, "first");
      const second = await send(db(), room.id, ann, "second");
      expect(await messagePlace(db(), first.id)).toEqual({ seq: 2n, lastMessageAt: second.createdAt });
      expect(await messagePlace(db(), "nope")).toBeNull();
    });
  });

  it("memberRoomIds lists the rooms a user is in", async () => {
    const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
    const [one, two] = [await makeRoom(db(), ann, "one"), await makeRoom(db(), ann, "two")];
    await joinRoom(db(), one.id, bob);
    await joinRoom(db(), two.id, bob);
    await leaveRoom(db(), two.id, bob);
    expect(await memberRoomIds(db(), bob.id)).toEqual([one.id]);
    expect((await memberRoomIds(db(), ann.id)).sort()).toEqual([one.id, two.id].sort());
  });
});
