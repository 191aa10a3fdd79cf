import { describe, expect, it } from "vitest";
import { errorCode, rejection, roomWith, signUp, uniqueName, useTestServer } from "./harness";

const app = useTestServer();

describe("message.send", () => {
  it("stores trimmed text and returns the Message", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    const message = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "  hello <b>world</b>\n " });
    expect(message).toEqual({
      id: expect.any(String),
      roomId: room.id,
      author: { id: alice.id, username: alice.username, createdAt: expect.any(String) },
      text: "hello <b>world</b>",
      createdAt: expect.any(String),
      editedAt: null,
      clientMsgId: null,
      replyTo: null,
      mentions: [],
      reactions: [],
    });
  });

  it("counts length in code points: 4000 emoji pass, 4001 characters or blank text fail and store nothing", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    const long = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "😀".repeat(4000) });
    expect([...long.text]).toHaveLength(4000);
    const before = await app.db.prisma.message.count({ where: { roomId: room.id } });
    for (const text of ["x".repeat(4001), "   ", ""]) {
      const error = await rejection(alice.client.trpc.message.send.mutate({ roomId: room.id, text }));
      expect(error.data?.code).toBe("BAD_REQUEST");
      expect(error.data?.zodError?.fieldErrors.text).toBeDefined();
    }
    expect(await app.db.prisma.message.count({ where: { roomId: room.id } })).toBe(before);
  });

  it("takes a burst of the longest messages from one client (tRPC batches them into one frame)", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    // 20 × 4000 four-byte characters ≈ 320 KB in one tick: far over the 64 KiB frame limit if
    // it went out as one batch, which the client splits.
    const sent = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        alice.client.trpc.message.send.mutate({ roomId: room.id, text: `${i % 10}${"😀".repeat(3999)}` }),
      ),
    );
    expect(sent).toHaveLength(20);
    expect(await app.db.prisma.message.count({ where: { roomId: room.id } })).toBe(20);
  });

  it("is idempotent per (author, clientMsgId): a retry returns the first message and creates nothing", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await roomWith(alice, bob);
    const clientMsgId = uniqueName("c");
    const first = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "once", clientMsgId });
    const retry = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "once", clientMsgId });
    expect(retry).toEqual(first);
    expect(first.clientMsgId).toBe(clientMsgId);
    // Concurrent retries race on the unique index and still make one message.
    const raced = await Promise.all(
      Array.from({ length: 5 }, () =>
        alice.client.trpc.message.send.mutate({ roomId: room.id, text: "race", clientMsgId: `${clientMsgId}-r` }),
      ),
    );
    expect(new Set(raced.map((m) => m.id)).size).toBe(1);
    // Another author may use the same clientMsgId.
    const bobs = await bob.client.trpc.message.send.mutate({ roomId: room.id, text: "mine", clientMsgId });
    expect(bobs.id).not.toBe(first.id);
    expect(await app.db.prisma.message.count({ where: { roomId: room.id } })).toBe(3);
    expect(await app.db.prisma.roomEvent.count({ where: { roomId: room.id, type: "message.created" } })).toBe(3);
  });
});

describe("message.list", () => {
  it("pages from newest to oldest with cursors, each page oldest first", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    const sent = [];
    for (let i = 1; i <= 7; i++) sent.push(await alice.client.trpc.message.send.mutate({ roomId: room.id, text: `m${i}` }));
    const page1 = await alice.client.trpc.message.list.query({ roomId: room.id, limit: 3 });
    expect(page1.messages.map((m) => m.text)).toEqual(["m5", "m6", "m7"]);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await alice.client.trpc.message.list.query({ roomId: room.id, limit: 3, before: page1.nextCursor });
    expect(page2.messages.map((m) => m.text)).toEqual(["m2", "m3", "m4"]);
    const page3 = await alice.client.trpc.message.list.query({ roomId: room.id, limit: 3, before: page2.nextCursor });
    expect(page3.messages.map((m) => m.text)).toEqual(["m1"]);
    expect(page3.nextCursor).toBeNull();
    // Default limit 50; lastEventId is the room's newest event.
    const all = await alice.client.trpc.message.list.query({ roomId: room.id });
    expect(all.messages).toHaveLength(7);
    expect(all.nextCursor).toBeNull();
    expect(all.lastEventId).toBe("8"); // member.joined + 7 messages
    // A message id works as a cursor too.
    const beforeM3 = await alice.client.trpc.message.list.query({ roomId: room.id, before: sent[2]!.id });
    expect(beforeM3.messages.map((m) => m.text)).toEqual(["m1", "m2"]);
  });

  it("rejects unknown cursors and out-of-range limits with BAD_REQUEST", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    const other = await roomWith(alice);
    const elsewhere = await alice.client.trpc.message.send.mutate({ roomId: other.id, text: "elsewhere" });
    for (const before of ["nope", "01a21600-0000-7000-8000-000000000000", elsewhere.id]) {
      expect(await errorCode(alice.client.trpc.message.list.query({ roomId: room.id, before }))).toBe("BAD_REQUEST");
    }
    for (const limit of [0, 101, 1.5]) {
      expect(await errorCode(alice.client.trpc.message.list.query({ roomId: room.id, limit }))).toBe("BAD_REQUEST");
    }
  });
});

describe("message.edit and message.delete", () => {
  it("lets the author edit: sets editedAt, emits message.updated; others get FORBIDDEN", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await roomWith(alice, bob);
    const message = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "draft" });
    const edited = await alice.client.trpc.message.edit.mutate({ messageId: message.id, text: "  final  " });
    expect(edited).toMatchObject({ id: message.id, text: "final", createdAt: message.createdAt });
    expect(edited.editedAt).not.toBeNull();
    expect(await errorCode(bob.client.trpc.message.edit.mutate({ messageId: message.id, text: "hijack" }))).toBe("FORBIDDEN");
    expect(await errorCode(bob.client.trpc.message.delete.mutate({ messageId: message.id }))).toBe("FORBIDDEN");
    expect(await errorCode(alice.client.trpc.message.edit.mutate({ messageId: message.id, text: " " }))).toBe("BAD_REQUEST");
    expect(await errorCode(alice.client.trpc.message.edit.mutate({ messageId: "nope", text: "x" }))).toBe("NOT_FOUND");
    const list = await bob.client.trpc.message.list.query({ roomId: room.id });
    expect(list.messages.map((m) => m.text)).toEqual(["final"]);
    const types = (await app.db.prisma.roomEvent.findMany({ where: { roomId: room.id }, orderBy: { seq: "asc" } })).map((e) => e.type);
    // The edit purged message.created (it carried the old text): one event holds the message.
    expect(types.slice(-2)).toEqual(["member.joined", "message.updated"]);
  });

  it("lets the author delete: the message leaves history and its text leaves the event log", async () => {
    const alice = await signUp(app.server);
    const room = await roomWith(alice);
    const keep = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "keep" });
    const secret = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "secret text" });
    await alice.client.trpc.message.edit.mutate({ messageId: secret.id, text: "secret text 2" });
    expect(await alice.client.trpc.message.delete.mutate({ messageId: secret.id })).toEqual({ ok: true });
    const list = await alice.client.trpc.message.list.query({ roomId: room.id });
    expect(list.messages.map((m) => m.id)).toEqual([keep.id]);
    const log = await app.db.prisma.roomEvent.findMany({ where: { roomId: room.id }, orderBy: { seq: "asc" } });
    expect(JSON.stringify(log.map((e) => e.payload))).not.toContain("secret");
    expect(log.at(-1)?.payload).toEqual({ type: "message.deleted", roomId: room.id, messageId: secret.id });
    expect((await app.db.prisma.message.findUniqueOrThrow({ where: { id: secret.id } })).text).toBe("");
    // Gone means gone: edit or delete again is NOT_FOUND; the cursor still resolves.
    expect(await errorCode(alice.client.trpc.message.delete.mutate({ messageId: secret.id }))).toBe("NOT_FOUND");
    expect(await errorCode(alice.client.trpc.message.edit.mutate({ messageId: secret.id, text: "back" }))).toBe("NOT_FOUND");
    const older = await alice.client.trpc.message.list.query({ roomId: room.id, before: secret.id });
    expect(older.messages.map((m) => m.id)).toEqual([keep.id]);
  });

  it("is members only: an author who left the room gets FORBIDDEN", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await roomWith(alice, bob);
    const message = await bob.client.trpc.message.send.mutate({ roomId: room.id, text: "bye" });
    await bob.client.trpc.room.leave.mutate({ roomId: room.id });
    expect(await errorCode(bob.client.trpc.message.edit.mutate({ messageId: message.id, text: "x" }))).toBe("FORBIDDEN");
  });
});
