import type { Message } from "@parley/contract";
import type { MessageDraft, SendOutcome, StoredRoomEvent } from "@parley/db";
import { describe, expect, it } from "vitest";
import { SendBatcher } from "./send-batcher";

const author = { id: "u1", username: "alice", createdAt: "2026-01-01T00:00:00.000Z" };
const draft = (text: string): MessageDraft => ({ author, text, clientMsgId: null });

/** A writer that records each batch and waits for the test to finish it. */
function fakeWriter() {
  const calls: { roomId: string; texts: string[]; finish: (outcomes?: SendOutcome[]) => void; fail: (error: Error) => void }[] = [];
  let seq = 0n;
  const created = (roomId: string, text: string): SendOutcome => {
    const message: Message = {
      id: `m-${text}`,
      roomId,
      author,
      text,
      createdAt: author.createdAt,
      editedAt: null,
      clientMsgId: null,
      replyTo: null,
      mentions: [],
      reactions: [],
    };
    return { status: "created", message, event: { roomId, seq: ++seq, event: { type: "message.created", message } } };
  };
  const write = (roomId: string, drafts: MessageDraft[]) =>
    new Promise<SendOutcome[]>((resolve, reject) => {
      calls.push({
        roomId,
        texts: drafts.map((d) => d.text),
        finish: (outcomes) => resolve(outcomes ?? drafts.map((d) => created(roomId, d.text))),
        fail: reject,
      });
    });
  return { calls, write };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("SendBatcher", () => {
  it("writes the sends of one turn together, and those arriving during a write as the next batch", async () => {
    const writer = fakeWriter();
    const published: string[] = [];
    const batcher = new SendBatcher(writer.write, (e) => published.push(String(e.seq)));
    const first = ["a", "b", "c"].map((t) => batcher.send("r1", draft(t)));
    await turn();
    expect(writer.calls.map((c) => c.texts)).toEqual([["a", "b", "c"]]);
    const second = ["d", "e"].map((t) => batcher.send("r1", draft(t)));
    await turn();
    expect(writer.calls).toHaveLength(1); // one write per room at a time
    writer.calls[0]?.finish();
    expect((await Promise.all(first)).map((r) => r.status)).toEqual(["created", "created", "created"]);
    await turn();
    expect(writer.calls.map((c) => c.texts)).toEqual([
      ["a", "b", "c"],
      ["d", "e"],
    ]);
    writer.calls[1]?.finish();
    await Promise.all(second);
    expect(published).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("caps a batch at maxBatch sends", async () => {
    const writer = fakeWriter();
    const batcher = new SendBatcher(writer.write, () => {}, 2);
    const sends = ["a", "b", "c", "d", "e"].map((t) => batcher.send("r1", draft(t)));
    await turn();
    for (let i = 0; i < 3; i++) {
      writer.calls[i]?.finish();
      await turn();
    }
    await Promise.all(sends);
    expect(writer.calls.map((c) => c.texts)).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  });

  it("publishes a batch's events in sequence order before any of its sends is answered", async () => {
    const writer = fakeWriter();
    const log: string[] = [];
    const batcher = new SendBatcher(writer.write, (e) => log.push(`publish ${e.seq}`));
    const sends = ["a", "b"].map((t) => batcher.send("r1", draft(t)).then(() => log.push(`ack ${t}`)));
    await turn();
    const message = (text: string): Message => ({
      id: text,
      roomId: "r1",
      author,
      text,
      createdAt: "",
      editedAt: null,
      clientMsgId: null,
      replyTo: null,
      mentions: [],
      reactions: [],
    });
    const event = (text: string, seq: bigint): StoredRoomEvent => ({
      roomId: "r1",
      seq,
      event: { type: "message.created", message: message(text) },
    });
    writer.calls[0]?.finish([
      { status: "created", message: message("a"), event: event("a", 8n) },
      { status: "created", message: message("b"), event: event("b", 7n) },
    ]);
    await Promise.all(sends);
    expect(log).toEqual(["publish 7", "publish 8", "ack a", "ack b"]);
  });

  it("gives each send its own outcome: one failure or refusal leaves the others alone", async () => {
    const writer = fakeWriter();
    const batcher = new SendBatcher(writer.write, () => {});
    const sends = ["a", "b", "c"].map((t) => batcher.send("r1", draft(t)));
    await turn();
    const boom = new Error("refused");
    const first: Message = {
      id: "m",
      roomId: "r1",
      author,
      text: "a",
      createdAt: "",
      editedAt: null,
      clientMsgId: "k",
      replyTo: null,
      mentions: [],
      reactions: [],
    };
    const ok = { status: "existing" as const, message: first };
    writer.calls[0]?.finish([ok, { status: "failed", error: boom }, { status: "not-member" }]);
    const settled = await Promise.allSettled(sends);
    expect(settled).toEqual([
      { status: "fulfilled", value: ok },
      { status: "rejected", reason: boom },
      { status: "fulfilled", value: { status: "not-member" } },
    ]);
  });

  it("fails only the batch whose write threw, and goes on with the next", async () => {
    const writer = fakeWriter();
    const batcher = new SendBatcher(writer.write, () => {});
    const doomed = batcher.send("r1", draft("a"));
    await turn();
    const next = batcher.send("r1", draft("b"));
    writer.calls[0]?.fail(new Error("database down"));
    await expect(doomed).rejects.toThrow("database down");
    await turn();
    writer.calls[1]?.finish();
    await expect(next).resolves.toMatchObject({ status: "created" });
  });

  it("writes different rooms in parallel", async () => {
    const writer = fakeWriter();
    const batcher = new SendBatcher(writer.write, () => {});
    const sends = [batcher.send("r1", draft("a")), batcher.send("r2", draft("b"))];
    await turn();
    expect(writer.calls.map((c) => [c.roomId, c.texts])).toEqual([
      ["r1", ["a"]],
      ["r2", ["b"]],
    ]);
    for (const call of writer.calls) call.finish();
    await Promise.all(sends);
  });
});

describe("SendBatcher places", () => {
  it("writes sends in the order their places were taken; a place given up holds nothing back", async () => {
    const writer = fakeWriter();
    const batcher = new SendBatcher(writer.write, () => {});
    const slow = batcher.reserve("r1");
    const dropped = batcher.reserve("r1");
    const quick = batcher.send("r1", draft("second"));
    await turn();
    // The first place has no draft yet: nothing behind it is written.
    expect(writer.calls).toHaveLength(0);
    dropped.cancel();
    const first = slow.submit(draft("first"));
    await turn();
    expect(writer.calls.map((c) => c.texts)).toEqual([["first", "second"]]);
    writer.calls[0]?.finish();
    expect(await first).toMatchObject({ message: { text: "first" } });
    expect(await quick).toMatchObject({ message: { text: "second" } });
  });
});
