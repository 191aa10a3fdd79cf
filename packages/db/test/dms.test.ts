import { expect, it } from "vitest";
import { openDm } from "../src/dms";
import { listMembers } from "../src/memberships";
import { getRoom, listRooms } from "../src/rooms";
import { describeEachDatabase, makeUser } from "./database";

describeEachDatabase("dms", (db) => {
  it("opens a private room of the two, named after the other person for each", async () => {
    const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
    const { room, events } = await openDm(db(), ann, bob);
    expect(room).toMatchObject({
      kind: "dm",
      visibility: "private",
      name: "bob",
      peer: { id: bob.id },
      memberCount: 2,
      joined: true,
      role: "member",
      unreadCount: 0,
    });
    expect(events.map((e) => [e.seq, e.event.type, "user" in e.event ? e.event.user.id : null])).toEqual([
      [1n, "member.joined", ann.id],
      [2n, "member.joined", bob.id],
    ]);
    expect(await getRoom(db(), room.id, bob.id)).toMatchObject({ name: "ann", peer: { id: ann.id }, lastReadEventId: "2" });
    expect((await listMembers(db(), room.id)).map((m) => m.user.id).sort()).toEqual([ann.id, bob.id].sort());
  });

  it("gives the same room afterwards, from either side, with no new events", async () => {
    const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
    const first = await openDm(db(), ann, bob);
    const again = await openDm(db(), ann, bob);
    const reverse = await openDm(db(), bob, ann);
    expect([again.room.id, reverse.room.id]).toEqual([first.room.id, first.room.id]);
    expect([again.events, reverse.events]).toEqual([[], []]);
    expect(reverse.room.name).toBe("ann");
  });

  it("makes one room of two first opens at once", async () => {
    const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
    const [one, two] = await Promise.all([openDm(db(), ann, bob), openDm(db(), bob, ann)]);
    expect(one.room.id).toBe(two.room.id);
    expect(one.events.length + two.events.length).toBe(2);
    expect(await db().prisma.room.count({ where: { kind: "dm" } })).toBe(1);
  });

  it("keeps a dm out of everyone else's room list and view", async () => {
    const [ann, bob, eve] = [await makeUser(db(), "ann"), await makeUser(db(), "bob"), await makeUser(db(), "eve")];
    const { room } = await openDm(db(), ann, bob);
    expect(await listRooms(db(), eve.id, { othersLimit: 10 })).toEqual([]);
    expect(await getRoom(db(), room.id, eve.id)).toBeNull();
  });
});
