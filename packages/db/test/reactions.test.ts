import { expect, it } from "vitest";
import { joinRoom } from "../src/memberships";
import { deleteMessage, listMessages, MessageGoneError } from "../src/messages";
import { MAX_EMOJI, setReaction, TooManyReactionsError } from "../src/reactions";
import { describeEachDatabase, headOf, makeRoom, makeUser, send } from "./database";

describeEachDatabase("reactions", (db) => {
  async function setup() {
    const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
    const room = await makeRoom(db(), ann, "club");
    await joinRoom(db(), room.id, bob);
    const message = await send(db(), room.id, ann, "react to me");
    const react = (userId: string, emoji: string, add = true) =>
      setReaction(db(), { messageId: message.id, roomId: room.id, userId, emoji, add });
    return { ann, bob, room, message, react };
  }

  it("adds reactions grouped by emoji in order of first use, each change an event with all of them", async () => {
    const { ann, bob, room, message, react } = await setup();
    await react(ann.id, "👍");
    await react(bob.id, "🎉");
    const { reactions, event } = await react(bob.id, "👍");
    expect(reactions).toEqual([
      { emoji: "👍", userIds: [ann.id, bob.id] },
      { emoji: "🎉", userIds: [bob.id] },
    ]);
    expect(event).toMatchObject({ seq: 6n, event: { type: "reactions.changed", roomId: room.id, messageId: message.id, reactions } });
    const [stored] = (await listMessages(db(), room.id, { beforeId: null, limit: 1 })).messages;
    expect(stored?.reactions).toEqual(reactions);
  });

  it("writes nothing for a reaction already there or one already gone", async () => {
    const { ann, room, react } = await setup();
    await react(ann.id, "👍");
    const head = await headOf(db(), room.id);
    expect((await react(ann.id, "👍")).event).toBeNull();
    expect((await react(ann.id, "🎉", false)).event).toBeNull();
    expect(await headOf(db(), room.id)).toBe(head);
    const removed = await react(ann.id, "👍", false);
    expect(removed).toMatchObject({ reactions: [], event: { seq: head + 1n } });
  });

  it(`refuses more than ${MAX_EMOJI} different emoji, but not one more person on an existing one`, async () => {
    const { ann, bob, room, react } = await setup();
    for (let i = 0; i < MAX_EMOJI; i++) await react(ann.id, `e${i}`);
    const head = await headOf(db(), room.id);
    await expect(react(bob.id, "one-too-many")).rejects.toBeInstanceOf(TooManyReactionsError);
    expect(await headOf(db(), room.id)).toBe(head);
    const { reactions } = await react(bob.id, "e0");
    expect(reactions).toHaveLength(MAX_EMOJI);
    expect(reactions[0]).toEqual({ emoji: "e0", userIds: [ann.id, bob.id] });
  });

  it("refuses a deleted message, and a delete takes its reactions away", async () => {
    const { ann, room, message, react } = await setup();
    await react(ann.id, "👍");
    await deleteMessage(db(), { messageId: message.id, roomId: room.id });
    expect(await db().prisma.reaction.count()).toBe(0);
    const head = await headOf(db(), room.id);
    await expect(react(ann.id, "👍")).rejects.toBeInstanceOf(MessageGoneError);
    expect(await headOf(db(), room.id)).toBe(head);
  });
});
