import { TRPCClientError } from "@trpc/client";
import { describe, expect, it, vi } from "vitest";
import type { Message } from "@parley/client";
import { Outbox, type SendMessage } from "./outbox";

function message(clientMsgId: string, text: string): Message {
  return {
    id: `m-${clientMsgId}`,
    roomId: "r1",
    author: { id: "u1", username: "alice", createdAt: "2026-01-01T00:00:00.000Z" },
    text,
    createdAt: "2026-01-01T10:00:00.000Z",
    editedAt: null,
    clientMsgId,
    replyTo: null,
    mentions: [],
    reactions: [],
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("Outbox", () => {
  it("shows a message as pending until the server confirms it", async () => {
    let resolve: (m: Message) => void = () => {};
    const send: SendMessage = (input) => new Promise((r) => (resolve = () => r(message(input.clientMsgId, input.text))));
    const confirmed = vi.fn();
    const outbox = new Outbox(send, confirmed);
    outbox.send("r1", "hello");
    expect(outbox.getSnapshot()).toMatchObject([{ text: "hello", status: "sending" }]);
    resolve(message("", ""));
    await flush();
    expect(outbox.getSnapshot()).toEqual([]);
    expect(confirmed).toHaveBeenCalledOnce();
  });

  it("retries a send the connection interrupted with the same clientMsgId", async () => {
    const ids: string[] = [];
    let fail = true;
    const send: SendMessage = (input) => {
      ids.push(input.clientMsgId);
      if (fail) return Promise.reject(TRPCClientError.from(new Error("WebSocket closed")));
      return Promise.resolve(message(input.clientMsgId, input.text));
    };
    const outbox = new Outbox(send, () => {});
    outbox.send("r1", "hello");
    await flush();
    expect(outbox.getSnapshot()).toMatchObject([{ status: "failed", retryOnReconnect: true }]);
    fail = false;
    outbox.retryInterrupted();
    await flush();
    expect(outbox.getSnapshot()).toEqual([]);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
  });

  it("does not resend by itself what the server refused", async () => {
    const send: SendMessage = () =>
      Promise.reject(
        new TRPCClientError("Too many requests", {
          result: { error: { code: -32029, message: "Too many requests", data: { code: "TOO_MANY_REQUESTS" } } },
        }),
      );
    const outbox = new Outbox(send, () => {});
    outbox.send("r1", "hello");
    await flush();
    expect(outbox.getSnapshot()).toMatchObject([{ status: "failed", retryOnReconnect: false }]);
  });
});

describe("Outbox order", () => {
  it("sends a room's messages one at a time, in the order they were typed", async () => {
    const started: string[] = [];
    const answer: ((m: Message) => void)[] = [];
    const send: SendMessage = (input) => {
      started.push(input.text);
      return new Promise((r) => answer.push(() => r(message(input.clientMsgId, input.text))));
    };
    const outbox = new Outbox(send, () => {});
    outbox.send("r1", "@bob first");
    outbox.send("r1", "second");
    outbox.send("r2", "elsewhere");
    await flush();
    // The second waits for the first's answer; another room does not wait.
    expect(started).toEqual(["@bob first", "elsewhere"]);
    answer[0]?.(message("", ""));
    await flush();
    expect(started).toEqual(["@bob first", "elsewhere", "second"]);
  });
});
