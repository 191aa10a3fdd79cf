import { describe, expect, it } from "vitest";
import { publicUser } from "@parley/contract";
import { joinRoom } from "../src/memberships";
import {
  createMessage,
  createMessages,
  deleteMessage,
  editMessage,
  findMessageByClientId,
  getMessageMeta,
  listMessages,
  MessageGoneError,
  UnknownCursorError,
} from "../src/messages";
import { replyTarget } from "../src/replies";
import { getRoom } from "../src/rooms";
import { describeEachDatabase, headOf, makeRoom, makeUser, send } from "./database";

describeEachDatabase("messages", (db) => {
  describe("createMessages", () => {
    it("answers each draft of a batch in order, with consecutive event ids", async () => {
      const [ann, eve] = [await makeUser(db(), "ann"), await makeUser(db(), "eve")];
      const room = await makeRoom(db(), ann, "club");
      const outcomes = await createMessages(db(), room.id, [
        { author: publicUser(ann), text: "one", clientMsgId: "c1" },
        { author: publicUser(eve), text: "outsider", clientMsgId: null },
        { author: publicUser(ann), text: "one again", clientMsgId: "c1" },
        { author: publicUser(ann), text: "two", clientMsgId: null },
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(["created", "not-member", "existing", "created"]);
      const [first, , repeat, second] = outcomes;
      if (first?.status !== "created" || repeat?.status !== "existing" || second?.status !== "created")
        throw new Error("unexpected outcomes");
      expect(repeat.message).toEqual(first.message);
      expect([first.event.seq, second.event.seq]).toEqual([2n, 3n]);
      expect(first.event.event).toEqual({ type: "message.created", message: first.message });
      expect((await listMessages(db(), room.id, { beforeId: null, limit: 10 })).messages.map((m) => m.text)).toEqual(["one", "two"]);
    });

    it("returns the earlier message for a clientMsgId sent before, and writes nothing", async () => {
      const ann = await makeUser(db(), "ann");
      const room = await makeRoom(db(), ann, "club");
      const sent = await send(db(), room.id, ann, "hello", { clientMsgId: "retry-me" });
      const head = await headOf(db(), room.id);
      expect(await createMessages(db(), room.id, [{ author: publicUser(ann), text: "hello", clientMsgId: "retry-me" }])).toEqual([
        { status: "existing", message: sent },
      ]);
      expect(await headOf(db(), room.id)).toBe(head);
      expect(await findMessageByClientId(db(), ann.id, "retry-me")).toEqual(sent);
      expect(await findMessageByClientId(db(), ann.id, "never")).toBeNull();
    });

    it("answers no-room for a missing room and for a private one the author is not in", async () => {
      const [ann, eve] = [await makeUser(db(), "ann"), await makeUser(db(), "eve")];
      const secret = await makeRoom(db(), ann, "secret", "private");
      expect(await createMessages(db(), "no-such-room", [{ author: publicUser(ann), text: "x", clientMsgId: null }])).toEqual([
        { status: "no-room" },
      ]);
      expect(await createMessages(db(), secret.id, [{ author: publicUser(eve), text: "x", clientMsgId: null }])).toEqual([
        { status: "no-room" },
      ]);
      expect(await headOf(db(), secret.id)).toBe(1n);
    });

    it("fails only the draft the database refuses, and writes the others", async () => {
      const ann = await makeUser(db(), "ann");
      const room = await makeRoom(db(), ann, "club");
      const outcomes = await createMessages(db(), room.id, [
        { author: publicUser(ann), text: "fine", clientMsgId: null },
        { author: publicUser(ann), text: "nul \u0000 byte", clientMsgId: null },
        { author: publicUser(ann), text: "also fine", clientMsgId: null },
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(["created", "failed", "created"]);
      expect((await listMessages(db(), room.id, { beforeId: null, limit: 10 })).messages.map((m) => m.text)).toEqual(["fine", "also fine"]);
      expect(await headOf(db(), room.id)).toBe(3n);
    });

    it("stores the reply's quote and the mentioned members with the message", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club");
      await joinRoom(db(), room.id, bob);
      const asked = await send(db(), room.id, ann, "question?");
      const target = await replyTarget(db(), room.id, asked.id);
      const [outcome] = await createMessages(db(), room.id, [
        { author: publicUser(bob), text: "answer @ann", clientMsgId: null, replyTo: target, mentions: [publicUser(ann)] },
      ]);
      if (outcome?.status !== "created") throw new Error(outcome?.status);
      const [stored] = (await listMessages(db(), room.id, { beforeId: null, limit: 1 })).messages;
      expect(stored).toEqual(outcome.message);
      expect(stored).toMatchObject({ replyTo: { id: asked.id, text: "question?", author: { id: ann.id } }, mentions: [{ id: ann.id }] });
    });
  });

  describe("createMessage", () => {
    it("gives the event on the first send, null on a retry, and throws for an outsider", async () => {
      const [ann, eve] = [await makeUser(db(), "ann"), await makeUser(db(), "eve")];
      const room = await makeRoom(db(), ann, "club");
      const first = await createMessage(db(), { roomId: room.id, author: publicUser(ann), text: "hi", clientMsgId: "k" });
      expect(first.event?.seq).toBe(2n);
      expect(await createMessage(db(), { roomId: room.id, author: publicUser(ann), text: "hi", clientMsgId: "k" })).toEqual({
        message: first.message,
        event: null,
      });
      await expect(createMessage(db(), { roomId: room.id, author: publicUser(eve), text: "hi", clientMsgId: null })).rejects.toThrow(
        /not-member/,
      );
    });
  });

  describe("listMessages", () => {
    it("pages back from the newest, oldest first, with the head read before the page", async () => {
      const ann = await makeUser(db(), "ann");
      const room = await makeRoom(db(), ann, "club");
      for (const text of ["m1", "m2", "m3", "m4", "m5"]) await send(db(), room.id, ann, text);
      const page = await listMessages(db(), room.id, { beforeId: null, limit: 2 });
      expect(page.messages.map((m) => m.text)).toEqual(["m4", "m5"]);
      expect(page.lastEventSeq).toBe(6n);
      const next = await listMessages(db(), room.id, { beforeId: page.nextCursor, limit: 2 });
      expect(next.messages.map((m) => m.text)).toEqual(["m2", "m3"]);
      const last = await listMessages(db(), room.id, { beforeId: next.nextCursor, limit: 2 });
      expect(last).toMatchObject({ nextCursor: null });
      expect(last.messages.map((m) => m.text)).toEqual(["m1"]);
    });

    it("skips deleted messages but still continues from one as a cursor", async () => {
      const ann = await makeUser(db(), "ann");
      const room = await makeRoom(db(), ann, "club");
      const sent = [];
      for (const text of ["m1", "m2", "m3"]) sent.push(await send(db(), room.id, ann, text));
      await deleteMessage(db(), { messageId: sent[1]!.id, roomId: room.id });
      expect((await listMessages(db(), room.id, { beforeId: null, limit: 10 })).messages.map((m) => m.text)).toEqual(["m1", "m3"]);
      expect((await listMessages(db(), room.id, { beforeId: sent[1]!.id, limit: 10 })).messages.map((m) => m.text)).toEqual(["m1"]);
    });

    it("refuses a cursor that names no message of the room", async () => {
      const ann = await makeUser(db(), "ann");
      const [room, other] = [await makeRoom(db(), ann, "club"), await makeRoom(db(), ann, "other")];
      const elsewhere = await send(db(), other.id, ann, "there");
      await expect(listMessages(db(), room.id, { beforeId: "nope", limit: 10 })).rejects.toBeInstanceOf(UnknownCursorError);
      await expect(listMessages(db(), room.id, { beforeId: elsewhere.id, limit: 10 })).rejects.toBeInstanceOf(UnknownCursorError);
    });
  });

  describe("editMessage", () => {
    it("replaces the text, keeps one event holding it and follows the new mentions", async () => {
      const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
      const room = await makeRoom(db(), ann, "club");
      await joinRoom(db(), room.id, bob);
      const sent = await send(db(), room.id, ann, "hi @bob", { mentions: [bob] });
      const { message, event } = await editMessage(db(), { messageId: sent.id, roomId: room.id, text: "hi all", mentions: [] });
      expect(message).toMatchObject({ id: sent.id, text: "hi all", mentions: [] });
      expect(message.editedAt).not.toBeNull();
      expect(event).toMatchObject({ seq: 4n, event: { type: "message.updated", message } });
      const logged = await db().prisma.roomEvent.findMany({ where: { messageId: sent.id }, select: { type: true } });
      expect(logged).toEqual([{ type: "message.updated" }]);
      expect(await getRoom(db(), room.id, bob.id)).toMatchObject({ unreadCount: 1, mentionCount: 0 });
    });

    it("refuses a deleted message and leaves no hole in the event ids", async () => {
      const ann = await makeUser(db(), "ann");
      const room = await makeRoom(db(), ann, "club");
      const sent = await send(db(), room.id, ann, "gone soon");
      await deleteMessage(db(), { messageId: sent.id, roomId: room.id });
      const head = await headOf(db(), room.id);
      await expect(editMessage(db(), { messageId: sent.id, roomId: room.id, text: "x", mentions: [] })).rejects.toBeInstanceOf(
        MessageGoneError,
      );
      expect(await headOf(db(), room.id)).toBe(head);
    });
  });

  describe("deleteMessage", () => {
    it("leaves a tombstone, purges its events, logs message.deleted and moves lastMessageAt back", async () => {
      const ann = await makeUser(db(), "ann");
      const room = await makeRoom(db(), ann, "club");
      const older = await send(db(), room.id, ann, "older");
      const newer = await send(db(), room.id, ann, "newer");
      const { event } = await deleteMessage(db(), { messageId: newer.id, roomId: room.id });
      expect(event).toMatchObject({ seq: 4n, event: { type: "message.deleted", roomId: room.id, messageId: newer.id } });
      expect(await getMessageMeta(db(), newer.id)).toBeNull();
      expect(await getMessageMeta(db(), older.id)).toEqual({ id: older.id, roomId: room.id, authorId: ann.id });
      const row = await db().prisma.message.findUniqueOrThrow({ where: { id: newer.id }, select: { text: true, deletedAt: true } });
      expect(row.text).toBe("");
      expect(row.deletedAt).not.toBeNull();
      expect(await db().prisma.roomEvent.count({ where: { messageId: newer.id } })).toBe(0);
      expect((await getRoom(db(), room.id, ann.id))?.lastMessageAt).toBe(older.createdAt);
      await deleteMessage(db(), { messageId: older.id, roomId: room.id });
      expect((await getRoom(db(), room.id, ann.id))?.lastMessageAt).toBeNull();
    });

    it("refuses a second delete of the same message, writing nothing", async () => {
      const ann = await makeUser(db(), "ann");
      const room = await makeRoom(db(), ann, "club");
      const sent = await send(db(), room.id, ann, "once");
      await deleteMessage(db(), { messageId: sent.id, roomId: room.id });
      const head = await headOf(db(), room.id);
      await expect(deleteMessage(db(), { messageId: sent.id, roomId: room.id })).rejects.toBeInstanceOf(MessageGoneError);
      expect(await headOf(db(), room.id)).toBe(head);
    });
  });

  describe("replyTarget", () => {
    it("quotes a live message of the room, cut to 200 code points", async () => {
      const ann = await makeUser(db(), "ann");
      const room = await makeRoom(db(), ann, "club");
      const long = await send(db(), room.id, ann, "🙂".repeat(250));
      const target = await replyTarget(db(), room.id, long.id);
      expect(target).toMatchObject({ id: long.id, author: { id: ann.id } });
      expect([...(target?.text ?? "")]).toHaveLength(200);
    });

    it("is null for a message of another room, a deleted one or none", async () => {
      const ann = await makeUser(db(), "ann");
      const [room, other] = [await makeRoom(db(), ann, "club"), await makeRoom(db(), ann, "other")];
      const there = await send(db(), other.id, ann, "there");
      const gone = await send(db(), room.id, ann, "gone");
      await deleteMessage(db(), { messageId: gone.id, roomId: room.id });
      expect(await replyTarget(db(), room.id, there.id)).toBeNull();
      expect(await replyTarget(db(), room.id, gone.id)).toBeNull();
      expect(await replyTarget(db(), room.id, "nope")).toBeNull();
    });
  });
});
