import { describe, expect, it } from "vitest";
import type { Message } from "@parley/client";
import type { PendingMessage } from "./outbox";
import { buildRows } from "./rows";

const alice = { id: "u1", username: "alice", createdAt: "2026-01-01T00:00:00.000Z" };
const bob = { id: "u2", username: "bob", createdAt: "2026-01-01T00:00:00.000Z" };
const now = new Date("2026-03-02T12:00:00.000Z");

function msg(id: string, author: typeof alice, at: string, clientMsgId: string | null = null): Message {
  return { id, roomId: "r", author, text: id, createdAt: at, editedAt: null, clientMsgId, replyTo: null, mentions: [], reactions: [] };
}

function pending(clientMsgId: string, at: string): PendingMessage {
  return { clientMsgId, roomId: "r", text: "p", replyToId: null, createdAt: at, status: "sending", error: null, retryOnReconnect: false };
}

describe("buildRows", () => {
  it("groups one author's quick messages under one header", () => {
    const rows = buildRows(
      [
        msg("1", alice, "2026-03-02T10:00:00.000Z"),
        msg("2", alice, "2026-03-02T10:01:00.000Z"),
        msg("3", bob, "2026-03-02T10:02:00.000Z"),
        msg("4", bob, "2026-03-02T10:30:00.000Z"),
      ],
      [],
      alice.id,
      now,
    );
    expect(rows.map((r) => (r.kind === "message" ? `${r.key}${r.grouped ? "+" : ""}` : r.kind))).toEqual(["day", "1", "2+", "3", "4"]);
  });

  it("never shows a sent message twice while its confirmation is in flight", () => {
    const rows = buildRows(
      [msg("1", alice, "2026-03-02T10:00:00.000Z", "c1")],
      [pending("c1", "2026-03-02T10:00:00.000Z"), pending("c2", "2026-03-02T10:00:01.000Z")],
      alice.id,
      now,
    );
    expect(rows.filter((r) => r.kind !== "day").map((r) => r.key)).toEqual(["1", "pending-c2"]);
  });

  it("puts a divider before each day", () => {
    const rows = buildRows([msg("1", alice, "2026-02-27T10:00:00.000Z"), msg("2", alice, "2026-03-02T10:00:00.000Z")], [], alice.id, now);
    expect(rows.map((r) => r.kind)).toEqual(["day", "message", "day", "message"]);
    expect(rows[2]).toMatchObject({ kind: "day", label: "Today" });
  });
});
