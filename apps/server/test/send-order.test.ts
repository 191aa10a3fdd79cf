// message.send keeps one sender's order: sends made over one connection, one after another
// without waiting, are stored and delivered in the order they were sent, even when an earlier one
// has more to look up (the members it mentions, the message it answers) than a later one.
import type { Message } from "@parley/contract";
import { describe, expect, it } from "vitest";
import { roomEvents, roomWith, signUp, until, useTestServer } from "./harness";

const app = useTestServer();

describe("message.send order", () => {
  it("stores and delivers one connection's sends in send order, mentions and replies included", async () => {
    const alice = await signUp(app.server, "alice");
    const bob = await signUp(app.server, "bob");
    const room = await roomWith(alice, bob);
    const first = await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "the start" });
    const live = await roomEvents(bob, room.id);

    // Each round: a mention (a lookup before writing), a reply (another), then a plain message,
    // all in flight at once on Alice's one socket.
    const texts: string[] = [];
    const calls: Promise<Message>[] = [];
    for (let i = 0; i < 15; i++) {
      const kinds = [
        { text: `@${bob.username} look at ${i}`, replyToId: undefined },
        { text: `answer ${i}`, replyToId: first.id },
        { text: `plain ${i}`, replyToId: undefined },
      ];
      for (const { text, replyToId } of kinds) {
        texts.push(text);
        calls.push(alice.client.trpc.message.send.mutate({ roomId: room.id, text, ...(replyToId ? { replyToId } : {}) }));
      }
    }
    const acks = await Promise.all(calls);
    expect(acks.map((m) => m.text)).toEqual(texts);
    expect(acks[0]?.mentions.map((u) => u.id)).toEqual([bob.id]);

    // Stored in send order: the history, oldest first, and the messages' times.
    const page = await bob.client.trpc.message.list.query({ roomId: room.id, limit: 100 });
    expect(page.messages.map((m) => m.text)).toEqual(["the start", ...texts]);
    // Delivered in send order, with rising event ids.
    await until(() => live.events.items.length >= texts.length, "every message delivered");
    const delivered = live.events.items.flatMap((e) => (e.data.type === "message.created" ? [e] : []));
    expect(delivered.map((e) => (e.data.type === "message.created" ? e.data.message.text : ""))).toEqual(texts);
    const ids = delivered.map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    live.stop();
  });

  it("a send that fails before it is written (an unknown reply) does not hold up the sends after it", async () => {
    const alice = await signUp(app.server, "alice");
    const room = await roomWith(alice);
    const bad = alice.client.trpc.message.send.mutate({ roomId: room.id, text: "lost", replyToId: "c000000000000000000000000" });
    const good = alice.client.trpc.message.send.mutate({ roomId: room.id, text: "after" });
    await expect(bad).rejects.toThrow(/No message|not found/i);
    expect((await good).text).toBe("after");
    const page = await alice.client.trpc.message.list.query({ roomId: room.id, limit: 10 });
    expect(page.messages.map((m) => m.text)).toEqual(["after"]);
  });
});
