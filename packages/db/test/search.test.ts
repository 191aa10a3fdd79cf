import { expect, it } from "vitest";
import { openDm } from "../src/dms";
import { joinRoom, leaveRoom } from "../src/memberships";
import { deleteMessage, editMessage, UnknownCursorError } from "../src/messages";
import { searchMessages } from "../src/search";
import { describeEachDatabase, makeRoom, makeUser, send } from "./database";

describeEachDatabase("search", (db) => {
  const search = (userId: string, query: string, more: { roomId?: string; beforeId?: string; limit?: number } = {}) =>
    searchMessages(db(), { userId, query, roomId: more.roomId ?? null, beforeId: more.beforeId ?? null, limit: more.limit ?? 10 });
  const texts = (result: Awaited<ReturnType<typeof search>>) => result.hits.map((hit) => hit.message.text);

  it("finds live messages holding every word, newest first, in the searcher's rooms only", async () => {
    const [ann, eve] = [await makeUser(db(), "ann"), await makeUser(db(), "eve")];
    const mine = await makeRoom(db(), ann, "mine");
    const theirs = await makeRoom(db(), eve, "theirs");
    await send(db(), mine.id, ann, "the blue whale");
    await send(db(), mine.id, ann, "a red whale");
    await send(db(), mine.id, ann, "Blue WHALE again");
    await send(db(), theirs.id, eve, "blue whale elsewhere");
    const found = await search(ann.id, "whale blue");
    expect(texts(found)).toEqual(["Blue WHALE again", "the blue whale"]);
    expect(found.hits.every((hit) => hit.roomName === "mine")).toBe(true);
    expect(found.nextCursor).toBeNull();
    expect(texts(await search(eve.id, "blue"))).toEqual(["blue whale elsewhere"]);
  });

  it("stops finding a room's messages once the searcher leaves it", async () => {
    const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
    const room = await makeRoom(db(), ann, "club");
    await joinRoom(db(), room.id, bob);
    await send(db(), room.id, ann, "secret plans");
    expect(texts(await search(bob.id, "plans"))).toEqual(["secret plans"]);
    await leaveRoom(db(), room.id, bob);
    expect(texts(await search(bob.id, "plans"))).toEqual([]);
  });

  it("pages with a cursor and filters by room", async () => {
    const ann = await makeUser(db(), "ann");
    const [one, two] = [await makeRoom(db(), ann, "one"), await makeRoom(db(), ann, "two")];
    for (let i = 1; i <= 3; i++) await send(db(), one.id, ann, `note ${i}`);
    await send(db(), two.id, ann, "note elsewhere");
    const first = await search(ann.id, "note", { limit: 2 });
    expect(texts(first)).toEqual(["note elsewhere", "note 3"]);
    expect(first.nextCursor).toBe(first.hits[1]?.message.id);
    const rest = await search(ann.id, "note", { limit: 2, beforeId: first.nextCursor ?? undefined });
    expect(texts(rest)).toEqual(["note 2", "note 1"]);
    expect(rest.nextCursor).toBeNull();
    expect(texts(await search(ann.id, "note", { roomId: one.id }))).toEqual(["note 3", "note 2", "note 1"]);
    await expect(search(ann.id, "note", { beforeId: "nope" })).rejects.toBeInstanceOf(UnknownCursorError);
  });

  it("follows edits and deletes, and names a dm after the other person", async () => {
    const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
    const { room } = await openDm(db(), ann, bob);
    const edited = await send(db(), room.id, ann, "old words");
    const gone = await send(db(), room.id, bob, "vanishing words");
    await editMessage(db(), { messageId: edited.id, roomId: room.id, text: "new words", mentions: [] });
    await deleteMessage(db(), { messageId: gone.id, roomId: room.id });
    expect(texts(await search(ann.id, "old"))).toEqual([]);
    expect(texts(await search(ann.id, "vanishing"))).toEqual([]);
    const found = await search(ann.id, "words");
    expect(found.hits.map((hit) => [hit.message.text, hit.roomName])).toEqual([["new words", "bob"]]);
    expect((await search(bob.id, "words")).hits[0]?.roomName).toBe("ann");
  });

  it("reads any text as plain words: punctuation or operators are no syntax error, no words match nothing", async () => {
    const ann = await makeUser(db(), "ann");
    const room = await makeRoom(db(), ann, "club");
    await send(db(), room.id, ann, "cats & dogs");
    expect(texts(await search(ann.id, "cats & !dogs |"))).toEqual(["cats & dogs"]);
    expect(texts(await search(ann.id, "&|!():*"))).toEqual([]);
    expect(texts(await search(ann.id, "   "))).toEqual([]);
  });
});
