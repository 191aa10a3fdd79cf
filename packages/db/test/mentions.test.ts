import { expect, it } from "vitest";
import { joinRoom } from "../src/memberships";
import { editMessage } from "../src/messages";
import { resolveMentions } from "../src/mentions";
import { readState } from "../src/read-state";
import { describeEachDatabase, makeRoom, makeUser, send } from "./database";

describeEachDatabase("mentions", (db) => {
  it("resolves @names of the room's members, ignoring case, once each, in order of appearance", async () => {
    const [ann, bob, cat] = [await makeUser(db(), "ann"), await makeUser(db(), "Bob"), await makeUser(db(), "cat")];
    await makeUser(db(), "eve");
    const room = await makeRoom(db(), ann, "club");
    await joinRoom(db(), room.id, bob);
    await joinRoom(db(), room.id, cat);
    const named = await resolveMentions(db(), room.id, "@cat and @BOB, @eve (not here), @nobody, @cat again, mail@ann.example");
    expect(named.map((user) => user.id)).toEqual([cat.id, bob.id]);
    expect(named[1]).toEqual({ id: bob.id, username: "Bob", createdAt: bob.createdAt });
    expect(await resolveMentions(db(), room.id, "no names here")).toEqual([]);
  });

  it("counts a mention until it is read, and an edit that drops it uncounts it", async () => {
    const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
    const room = await makeRoom(db(), ann, "club");
    await joinRoom(db(), room.id, bob);
    const message = await send(db(), room.id, ann, "hey @bob", { mentions: [bob] });
    expect(await readState(db(), room.id, bob.id)).toMatchObject({ mentionCount: 1 });
    const edited = await editMessage(db(), { messageId: message.id, roomId: room.id, text: "hey all", mentions: [] });
    expect(edited.message.mentions).toEqual([]);
    expect(await readState(db(), room.id, bob.id)).toMatchObject({ mentionCount: 0, unreadCount: 1 });
    const again = await editMessage(db(), { messageId: message.id, roomId: room.id, text: "hey @bob", mentions: [bob] });
    expect(again.message.mentions.map((user) => user.id)).toEqual([bob.id]);
    expect(await readState(db(), room.id, bob.id)).toMatchObject({ mentionCount: 1 });
  });
});
