import { describe, expect, it } from "vitest";
import type { Message } from "@parley/client";
import { applyRoomEvent, flattenHistory, historyEventId, upsertMessage, type MessageHistory } from "./message-cache";

const alice = { id: "u1", username: "alice", createdAt: "2026-01-01T00:00:00.000Z" };

function msg(id: string, minute: number, text = `m${id}`): Message {
  return {
    id,
    roomId: "r1",
    author: alice,
    text,
    createdAt: `2026-01-01T10:${String(minute).padStart(2, "0")}:00.000Z`,
    editedAt: null,
    clientMsgId: null,
    replyTo: null,
    mentions: [],
    reactions: [],
  };
}

function history(): MessageHistory {
  return {
    pages: [
      { messages: [msg("3", 3), msg("4", 4)], nextCursor: "3", lastEventId: "10" },
      { messages: [msg("1", 1), msg("2", 2)], nextCursor: null, lastEventId: "10" },
    ],
    pageParams: [null, "3"],
  };
}

describe("message cache", () => {
  it("flattens pages oldest first", () => {
    expect(flattenHistory(history()).map((m) => m.id)).toEqual(["1", "2", "3", "4"]);
  });

  it("appends a created message once, whichever of reply and event comes first", () => {
    let data = upsertMessage(history(), msg("5", 5));
    data = applyRoomEvent(data, "11", { type: "message.created", message: msg("5", 5) });
    expect(flattenHistory(data).map((m) => m.id)).toEqual(["1", "2", "3", "4", "5"]);
    expect(historyEventId(data)).toBe("11");
  });

  it("places a reply that overtook newer events by its time", () => {
    let data = applyRoomEvent(history(), "11", { type: "message.created", message: msg("6", 6) });
    data = upsertMessage(data, msg("5", 5));
    expect(flattenHistory(data).map((m) => m.id)).toEqual(["1", "2", "3", "4", "5", "6"]);
  });

  it("edits and deletes in any page", () => {
    let data = applyRoomEvent(history(), "11", {
      type: "message.updated",
      message: { ...msg("1", 1, "changed"), editedAt: "2026-01-01T11:00:00.000Z" },
    });
    data = applyRoomEvent(data, "12", { type: "message.deleted", roomId: "r1", messageId: "3" });
    expect(flattenHistory(data).map((m) => m.text)).toEqual(["changed", "m2", "m4"]);
    expect(historyEventId(data)).toBe("12");
  });

  it("records membership events without touching messages", () => {
    const data = applyRoomEvent(history(), "11", { type: "member.joined", roomId: "r1", user: alice });
    expect(flattenHistory(data)).toHaveLength(4);
    expect(historyEventId(data)).toBe("11");
  });
});

describe("reactions", () => {
  it("a reactions.changed event sets that message's reactions and records the event id", () => {
    const reactions = [{ emoji: "👍", userIds: ["u1", "u2"] }];
    const next = applyRoomEvent(history(), "11", { type: "reactions.changed", roomId: "r1", messageId: "2", reactions });
    expect(flattenHistory(next).find((m) => m.id === "2")?.reactions).toEqual(reactions);
    expect(flattenHistory(next).find((m) => m.id === "3")?.reactions).toEqual([]);
    expect(historyEventId(next)).toBe("11");
  });
});
