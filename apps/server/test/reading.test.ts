import type { InboxEvent, Room } from "@parley/contract";
import { describe, expect, it } from "vitest";
import { connect, errorCode, inbox, roomEvents, rejection, signUp, sleep, uniqueName, useTestServer, type TestUser } from "./harness";

// Reading (API.md v2): unread counts and read positions, mentions, replies, reactions, search.

const app = useTestServer();

async function channel(owner: TestUser, ...others: TestUser[]): Promise<Room> {
  const room = await owner.client.trpc.room.create.mutate({ name: uniqueName("read") });
  for (const p of others) await p.client.trpc.room.join.mutate({ roomId: room.id });
  return room;
}

async function roomOf(user: TestUser, roomId: string): Promise<Room> {
  return user.client.trpc.room.get.query({ roomId });
}

/** The newest event id of the room as a member sees it. */
async function headOf(user: TestUser, roomId: string): Promise<string> {
  const page = await user.client.trpc.message.list.query({ roomId, limit: 1 });
  if (!page.lastEventId) throw new Error("no events");
  return page.lastEventId;
}

const unreadOf = (events: InboxEvent[], roomId: string) =>
  events.filter((e): e is Extract<InboxEvent, { type: "room.unread" }> => e.type === "room.unread" && e.roomId === roomId);

describe("unread counts and room.markRead", () => {
  it("counts others' messages after the read position through join, send, markRead, delete and leave", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await channel(alice, bob);
    // Joining starts at the room's newest event.
    const joined = await roomOf(bob, room.id);
    expect(joined).toMatchObject({ unreadCount: 0, mentionCount: 0, lastReadEventId: await headOf(bob, room.id), lastMessageAt: null });

    const sent = [];
    for (const text of ["one", "two", "three"]) sent.push(await alice.client.trpc.message.send.mutate({ roomId: room.id, text }));
    const afterSends = await roomOf(bob, room.id);
    expect(afterSends).toMatchObject({ unreadCount: 3, mentionCount: 0, lastMessageAt: sent[2]!.createdAt });
    // Your own sends are never unread.
    expect(await roomOf(alice, room.id)).toMatchObject({ unreadCount: 0, lastReadEventId: await headOf(alice, room.id) });
    const listed = (await bob.client.trpc.room.list.query()).find((r) => r.id === room.id);
    expect(listed).toMatchObject({ unreadCount: 3, mentionCount: 0 });

    // Read up to the second message's event.
    const head = Number(await headOf(bob, room.id));
    const secondEvent = String(head - 1);
    expect(await bob.client.trpc.room.markRead.mutate({ roomId: room.id, eventId: secondEvent })).toEqual({
      unreadCount: 1,
      mentionCount: 0,
      lastReadEventId: secondEvent,
    });
    // An older id leaves the position where it is.
    expect(await bob.client.trpc.room.markRead.mutate({ roomId: room.id, eventId: "1" })).toEqual({
      unreadCount: 1,
      mentionCount: 0,
      lastReadEventId: secondEvent,
    });

    // Deleting the unread message takes it out of the count at once.
    await alice.client.trpc.message.delete.mutate({ messageId: sent[2]!.id });
    expect(await roomOf(bob, room.id)).toMatchObject({ unreadCount: 0, lastMessageAt: sent[1]!.createdAt });

    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "four" });
    expect((await roomOf(bob, room.id)).unreadCount).toBe(1);
    // Sending moves the sender's read position to their message.
    await bob.client.trpc.message.send.mutate({ roomId: room.id, text: "seen it" });
    expect(await roomOf(bob, room.id)).toMatchObject({ unreadCount: 0, lastReadEventId: await headOf(bob, room.id) });

    // A late joiner has nothing unread; someone who left reads nothing.
    const carol = await signUp(app.server);
    await carol.client.trpc.room.join.mutate({ roomId: room.id });
    expect((await roomOf(carol, room.id)).unreadCount).toBe(0);
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "five" });
    await bob.client.trpc.room.leave.mutate({ roomId: room.id });
    expect(await roomOf(bob, room.id)).toMatchObject({ unreadCount: 0, mentionCount: 0, lastReadEventId: null, joined: false });
    expect((await roomOf(carol, room.id)).unreadCount).toBe(1);
  });

  it("refuses event ids the room never issued (BAD_REQUEST), outsiders and unknown rooms", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await channel(alice);
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "hello" });
    const head = await headOf(alice, room.id);
    for (const eventId of ["0", String(Number(head) + 1), "abc", "-1", "1.5", "99999999999999999999", " 1"]) {
      expect(await errorCode(alice.client.trpc.room.markRead.mutate({ roomId: room.id, eventId })), eventId).toBe("BAD_REQUEST");
    }
    expect((await roomOf(alice, room.id)).lastReadEventId).toBe(head);
    expect(await errorCode(bob.client.trpc.room.markRead.mutate({ roomId: room.id, eventId: head }))).toBe("FORBIDDEN");
    expect(await errorCode(bob.client.trpc.room.markRead.mutate({ roomId: crypto.randomUUID(), eventId: "1" }))).toBe("NOT_FOUND");
    const secret = await alice.client.trpc.room.create.mutate({ name: uniqueName("secret"), visibility: "private" });
    expect(await errorCode(bob.client.trpc.room.markRead.mutate({ roomId: secret.id, eventId: "1" }))).toBe("NOT_FOUND");
  });

  it("tells every tab of a member on me.events, and the author nothing for their own message", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await channel(alice, bob);
    const tab1 = await inbox(bob);
    const tab2 = await inbox(bob, connect(app.server, bob.token));
    const aliceInbox = await inbox(alice);

    const message = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "news" });
    for (const tab of [tab1, tab2]) {
      await tab.news.waitFor(1);
      expect(unreadOf(tab.news.items, room.id).at(-1)).toEqual({
        type: "room.unread",
        roomId: room.id,
        unreadCount: 1,
        mentionCount: 0,
        lastReadEventId: expect.any(String),
        lastMessageAt: message.createdAt,
      });
    }
    const head = await headOf(bob, room.id);
    await bob.client.trpc.room.markRead.mutate({ roomId: room.id, eventId: head });
    for (const tab of [tab1, tab2]) {
      await tab.news.waitFor(2);
      expect(unreadOf(tab.news.items, room.id).at(-1)).toMatchObject({ unreadCount: 0, lastReadEventId: head });
    }
    await sleep(100);
    expect(aliceInbox.news.items).toEqual([]);
  });

  it("follows rooms joined after me.events started, and a deleted message", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await channel(alice);
    const bobInbox = await inbox(bob);
    await bob.client.trpc.room.join.mutate({ roomId: room.id });
    await bobInbox.news.waitFor(1);
    expect(bobInbox.news.items[0]).toMatchObject({ type: "room.added", room: { id: room.id, unreadCount: 0 } });
    const first = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "a" });
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "b" });
    await bobInbox.news.waitFor(3);
    expect(unreadOf(bobInbox.news.items, room.id).at(-1)?.unreadCount).toBe(2);
    await alice.client.trpc.message.delete.mutate({ messageId: first.id });
    await bobInbox.news.waitFor(4);
    expect(unreadOf(bobInbox.news.items, room.id).at(-1)?.unreadCount).toBe(1);
  });

  it("counts a delete of a message sent before me.events started: again for who had it unread, only lastMessageAt for who read it", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const carol = await signUp(app.server);
    const room = await channel(alice, bob, carol);
    const old1 = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "old one" });
    const old2 = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "old two" });
    await carol.client.trpc.room.markRead.mutate({ roomId: room.id, eventId: await headOf(carol, room.id) });
    const bobInbox = await inbox(bob);
    const carolInbox = await inbox(carol);

    await alice.client.trpc.message.delete.mutate({ messageId: old1.id });
    await bobInbox.news.waitFor(1);
    expect(unreadOf(bobInbox.news.items, room.id).at(-1)).toMatchObject({ unreadCount: 1, lastMessageAt: old2.createdAt });
    await sleep(300);
    expect(carolInbox.news.items).toEqual([]); // read already, and the newest message is still old2

    await alice.client.trpc.message.delete.mutate({ messageId: old2.id });
    await bobInbox.news.waitFor(2);
    await carolInbox.news.waitFor(1);
    expect(unreadOf(bobInbox.news.items, room.id).at(-1)).toMatchObject({ unreadCount: 0, lastMessageAt: null });
    expect(unreadOf(carolInbox.news.items, room.id)).toEqual([
      expect.objectContaining({ unreadCount: 0, mentionCount: 0, lastMessageAt: null }),
    ]);
  });
});

describe("mentions", () => {
  it("resolves @username of members (case-insensitive, whole names, once each) and tells only the mentioned", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const dave = await signUp(app.server);
    const outsider = await signUp(app.server);
    const room = await channel(alice, bob, dave);
    const bobInbox = await inbox(bob);
    const daveInbox = await inbox(dave);
    const aliceInbox = await inbox(alice);

    const text = `hi @${bob.username.toUpperCase()} and @${bob.username}, not @${outsider.username} nor x@${dave.username} nor @${dave.username}x, @${alice.username}`;
    const message = await alice.client.trpc.message.send.mutate({ roomId: room.id, text });
    expect(message.mentions.map((u) => u.id)).toEqual([bob.id, alice.id]);

    await bobInbox.news.waitFor(2);
    expect(bobInbox.news.items.find((e) => e.type === "mention")).toEqual({ type: "mention", roomId: room.id, message });
    expect(unreadOf(bobInbox.news.items, room.id).at(-1)).toMatchObject({ unreadCount: 1, mentionCount: 1 });
    await daveInbox.news.waitFor(1);
    await sleep(100);
    expect(daveInbox.news.items.map((e) => e.type)).toEqual(["room.unread"]);
    expect(unreadOf(daveInbox.news.items, room.id).at(-1)).toMatchObject({ unreadCount: 1, mentionCount: 0 });
    expect(aliceInbox.news.items.filter((e) => e.type === "mention")).toEqual([]);

    expect(await roomOf(bob, room.id)).toMatchObject({ unreadCount: 1, mentionCount: 1 });
    // History carries the mentions too; reading clears the count.
    const page = await bob.client.trpc.message.list.query({ roomId: room.id });
    expect(page.messages.at(-1)?.mentions.map((u) => u.username)).toEqual([bob.username, alice.username]);
    await bob.client.trpc.room.markRead.mutate({ roomId: room.id, eventId: page.lastEventId! });
    expect(await roomOf(bob, room.id)).toMatchObject({ unreadCount: 0, mentionCount: 0 });
  });

  it("a deleted mention stops counting", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await channel(alice, bob);
    const message = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: `@${bob.username} look` });
    expect((await roomOf(bob, room.id)).mentionCount).toBe(1);
    await alice.client.trpc.message.delete.mutate({ messageId: message.id });
    expect(await roomOf(bob, room.id)).toMatchObject({ unreadCount: 0, mentionCount: 0 });
  });
});

describe("replies", () => {
  it("quotes a live message of the same room, and refuses any other", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await channel(alice, bob);
    const other = await channel(alice, bob);
    const long = "x".repeat(150) + "é".repeat(100);
    const original = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: long });
    const reply = await bob.client.trpc.message.send.mutate({ roomId: room.id, text: "agreed", replyToId: original.id });
    expect(reply.replyTo).toEqual({
      id: original.id,
      author: original.author,
      text: "x".repeat(150) + "é".repeat(50),
    });
    const elsewhere = await alice.client.trpc.message.send.mutate({ roomId: other.id, text: "elsewhere" });
    expect(await errorCode(bob.client.trpc.message.send.mutate({ roomId: room.id, text: "no", replyToId: elsewhere.id }))).toBe(
      "NOT_FOUND",
    );
    expect(await errorCode(bob.client.trpc.message.send.mutate({ roomId: room.id, text: "no", replyToId: "nope" }))).toBe("NOT_FOUND");
    expect(await errorCode(bob.client.trpc.message.send.mutate({ roomId: room.id, text: "no", replyToId: crypto.randomUUID() }))).toBe(
      "NOT_FOUND",
    );
    // Nothing was written by the refused replies.
    expect((await bob.client.trpc.message.list.query({ roomId: room.id })).messages.map((m) => m.text)).toEqual([long, "agreed"]);

    await alice.client.trpc.message.delete.mutate({ messageId: original.id });
    expect(await errorCode(bob.client.trpc.message.send.mutate({ roomId: room.id, text: "late", replyToId: original.id }))).toBe(
      "NOT_FOUND",
    );
    const history = await bob.client.trpc.message.list.query({ roomId: room.id });
    expect(history.messages.map((m) => m.replyTo)).toEqual([{ id: original.id, author: original.author, text: "" }]);
  });
});

describe("reactions", () => {
  it("adds and removes reactions idempotently, with one reactions.changed per change", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await channel(alice, bob);
    const message = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "react to me" });
    const { events } = await roomEvents(alice, room.id);

    expect(await bob.client.trpc.message.react.mutate({ messageId: message.id, emoji: "👍" })).toEqual({
      reactions: [{ emoji: "👍", userIds: [bob.id] }],
    });
    await bob.client.trpc.message.react.mutate({ messageId: message.id, emoji: "👍" }); // again: no change
    await alice.client.trpc.message.react.mutate({ messageId: message.id, emoji: "🎉" });
    expect(await alice.client.trpc.message.react.mutate({ messageId: message.id, emoji: "👍" })).toEqual({
      reactions: [
        { emoji: "👍", userIds: [bob.id, alice.id] },
        { emoji: "🎉", userIds: [alice.id] },
      ],
    });
    // In order of first reaction: with bob's gone, 👍's first is alice's, after her 🎉.
    expect(await bob.client.trpc.message.unreact.mutate({ messageId: message.id, emoji: "👍" })).toEqual({
      reactions: [
        { emoji: "🎉", userIds: [alice.id] },
        { emoji: "👍", userIds: [alice.id] },
      ],
    });
    await bob.client.trpc.message.unreact.mutate({ messageId: message.id, emoji: "👍" }); // not there: no change
    await events.waitFor(4);
    await sleep(100);
    expect(events.items.map((e) => e.data)).toEqual([
      { type: "reactions.changed", roomId: room.id, messageId: message.id, reactions: [{ emoji: "👍", userIds: [bob.id] }] },
      expect.objectContaining({ type: "reactions.changed" }),
      expect.objectContaining({ type: "reactions.changed" }),
      {
        type: "reactions.changed",
        roomId: room.id,
        messageId: message.id,
        reactions: [
          { emoji: "🎉", userIds: [alice.id] },
          { emoji: "👍", userIds: [alice.id] },
        ],
      },
    ]);
    const [listed] = (await bob.client.trpc.message.list.query({ roomId: room.id })).messages;
    expect(listed?.reactions).toEqual([
      { emoji: "🎉", userIds: [alice.id] },
      { emoji: "👍", userIds: [alice.id] },
    ]);
  });

  it("refuses what is not an emoji, a 21st emoji, outsiders and unknown messages", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await channel(alice);
    const message = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "hi" });
    for (const emoji of ["", "a b", " 👍", "👍\n", "x".repeat(17), "\t"]) {
      expect(await errorCode(alice.client.trpc.message.react.mutate({ messageId: message.id, emoji })), JSON.stringify(emoji)).toBe(
        "BAD_REQUEST",
      );
    }
    // A family (several code points joined) is one reaction.
    await alice.client.trpc.message.react.mutate({ messageId: message.id, emoji: "👩‍👩‍👧" });
    for (let i = 1; i < 20; i++) await alice.client.trpc.message.react.mutate({ messageId: message.id, emoji: `e${i}` });
    const error = await rejection(alice.client.trpc.message.react.mutate({ messageId: message.id, emoji: "e20" }));
    expect(error.data?.code).toBe("BAD_REQUEST");
    // An emoji that is there already may still be added by someone else.
    await bob.client.trpc.room.join.mutate({ roomId: room.id });
    expect((await bob.client.trpc.message.react.mutate({ messageId: message.id, emoji: "e1" })).reactions).toHaveLength(20);
    await bob.client.trpc.room.leave.mutate({ roomId: room.id });
    expect(await errorCode(bob.client.trpc.message.react.mutate({ messageId: message.id, emoji: "👍" }))).toBe("FORBIDDEN");
    expect(await errorCode(alice.client.trpc.message.react.mutate({ messageId: crypto.randomUUID(), emoji: "👍" }))).toBe("NOT_FOUND");
    await alice.client.trpc.message.delete.mutate({ messageId: message.id });
    expect(await errorCode(alice.client.trpc.message.unreact.mutate({ messageId: message.id, emoji: "e1" }))).toBe("NOT_FOUND");
  });

  it("loses no reaction when people react at the same moment", async () => {
    const people = await Promise.all([1, 2, 3, 4].map(() => signUp(app.server)));
    const [owner] = people as [TestUser];
    const room = await channel(owner, ...people.slice(1));
    const message = await owner.client.trpc.message.send.mutate({ roomId: room.id, text: "race" });
    const emoji = ["👍", "🎉", "❤️"];
    await Promise.all(people.flatMap((p) => emoji.map((e) => p.client.trpc.message.react.mutate({ messageId: message.id, emoji: e }))));
    const [listed] = (await owner.client.trpc.message.list.query({ roomId: room.id })).messages;
    expect(listed?.reactions.map((r) => r.emoji).sort()).toEqual([...emoji].sort());
    for (const reaction of listed?.reactions ?? []) expect([...reaction.userIds].sort()).toEqual(people.map((p) => p.id).sort());
  });
});

describe("message.search", () => {
  it("finds messages with every word, ignoring case, newest first, in the caller's rooms only", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await channel(alice, bob);
    const theirs = await channel(bob);
    const secret = await bob.client.trpc.room.create.mutate({ name: uniqueName("secret"), visibility: "private" });
    const word = `zq${crypto.randomUUID().slice(0, 8)}`;
    const a = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: `The ${word} deploy is done` });
    const b = await bob.client.trpc.message.send.mutate({ roomId: room.id, text: `${word.toUpperCase()} DEPLOY again` });
    await bob.client.trpc.message.send.mutate({ roomId: room.id, text: `${word} only` });
    await bob.client.trpc.message.send.mutate({ roomId: theirs.id, text: `${word} deploy in a room alice is not in` });
    await bob.client.trpc.message.send.mutate({ roomId: secret.id, text: `${word} deploy secretly` });
    const gone = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: `${word} deploy deleted` });
    await alice.client.trpc.message.delete.mutate({ messageId: gone.id });

    const found = await alice.client.trpc.message.search.query({ query: `deploy ${word}` });
    expect(found.hits.map((h) => h.message.id)).toEqual([b.id, a.id]);
    expect(found.hits[0]).toEqual({ message: b, roomName: room.name });
    expect(found.nextCursor).toBeNull();
    // Words, not substrings.
    expect((await alice.client.trpc.message.search.query({ query: word.slice(0, 5) })).hits).toEqual([]);
    // Bob sees his other rooms too; roomId narrows.
    expect((await bob.client.trpc.message.search.query({ query: `${word} deploy` })).hits).toHaveLength(4);
    expect(
      (await bob.client.trpc.message.search.query({ query: `${word} deploy`, roomId: theirs.id })).hits.map((h) => h.roomName),
    ).toEqual([theirs.name]);
    expect(await errorCode(alice.client.trpc.message.search.query({ query: word, roomId: theirs.id }))).toBe("FORBIDDEN");
    expect(await errorCode(alice.client.trpc.message.search.query({ query: word, roomId: secret.id }))).toBe("NOT_FOUND");
  });

  it("pages with nextCursor", async () => {
    const alice = await signUp(app.server);
    const room = await channel(alice);
    const word = `pg${crypto.randomUUID().slice(0, 8)}`;
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await alice.client.trpc.message.send.mutate({ roomId: room.id, text: `${word} ${i}` }));
    const first = await alice.client.trpc.message.search.query({ query: word, limit: 2 });
    const second = await alice.client.trpc.message.search.query({ query: word, limit: 2, before: first.nextCursor });
    const third = await alice.client.trpc.message.search.query({ query: word, limit: 2, before: second.nextCursor });
    expect([...first.hits, ...second.hits, ...third.hits].map((h) => h.message.id)).toEqual(sent.map((m) => m.id).reverse());
    expect(third.nextCursor).toBeNull();
    expect(await errorCode(alice.client.trpc.message.search.query({ query: word, before: crypto.randomUUID() }))).toBe("BAD_REQUEST");
    for (const limit of [0, 51])
      expect(await errorCode(alice.client.trpc.message.search.query({ query: word, limit }))).toBe("BAD_REQUEST");
  });

  it("never reads the query as syntax: hostile text returns results or none", async () => {
    const alice = await signUp(app.server);
    const room = await channel(alice);
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "it's a: test & more | less !bang" });
    let random = "";
    for (let i = 0; i < 200; i++) random += String.fromCodePoint(33 + Math.floor(Math.random() * 0x2000));
    const hostile = ["'", '"', ":", "&|!", "a:*", "(", "!!", "\\", "it's", "test & !more", "<->", "''''", random.slice(0, 200)];
    for (const query of hostile) {
      const result = await alice.client.trpc.message.search.query({ query });
      expect(Array.isArray(result.hits), query).toBe(true);
    }
    expect((await alice.client.trpc.message.search.query({ query: "test & more" })).hits).toHaveLength(1);
    for (const query of ["", "   ", "x".repeat(201)]) {
      expect(await errorCode(alice.client.trpc.message.search.query({ query })), JSON.stringify(query)).toBe("BAD_REQUEST");
    }
  });
});
