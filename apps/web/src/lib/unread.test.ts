import { describe, expect, it } from "vitest";
import type { Message, Room } from "@parley/client";
import { firstUnreadId, isAfter, titleWithCount, totalUnread, unreadLabel, unreadMark, withReadState } from "./unread";

const me = { id: "me", username: "me", createdAt: "2026-01-01T00:00:00.000Z" };
const ann = { id: "ann", username: "ann", createdAt: "2026-01-01T00:00:00.000Z" };

function msg(id: string, author: typeof me, minute: number): Message {
  return {
    id,
    roomId: "r",
    author,
    text: id,
    createdAt: `2026-03-02T10:${String(minute).padStart(2, "0")}:00.000Z`,
    editedAt: null,
    clientMsgId: null,
    replyTo: null,
    mentions: [],
    reactions: [],
  };
}
const at = (minute: number) => `2026-03-02T10:${String(minute).padStart(2, "0")}:00.000Z`;

describe("first unread message", () => {
  // ann 1, me 2, ann 3, ann 4, me 5, ann 6
  const messages = [msg("1", ann, 1), msg("2", me, 2), msg("3", ann, 3), msg("4", ann, 4), msg("5", me, 5), msg("6", ann, 6)];

  it("is the n-th newest message by someone else, n being the unread count", () => {
    const mark = unreadMark(messages, { unreadCount: 2, lastMessageAt: at(6) }, "me");
    expect(firstUnreadId(messages, mark, "me", false)).toBe("4");
    expect(firstUnreadId(messages, unreadMark(messages, { unreadCount: 1, lastMessageAt: at(6) }, "me"), "me", false)).toBe("6");
  });

  it("counts messages newer than the counts as unread too (the history was read after them)", () => {
    // The counts were taken at minute 4 (3 and 4 unread); 6 came before the history was read.
    const mark = unreadMark(messages, { unreadCount: 2, lastMessageAt: at(4) }, "me");
    expect(mark.unread).toBe(3);
    expect(firstUnreadId(messages, mark, "me", false)).toBe("3");
  });

  it("is none when nothing is unread, and stays put as new messages arrive", () => {
    const mark = unreadMark(messages, { unreadCount: 0, lastMessageAt: at(6) }, "me");
    expect(firstUnreadId(messages, mark, "me", false)).toBeNull();
    const later = unreadMark(messages, { unreadCount: 1, lastMessageAt: at(6) }, "me");
    expect(firstUnreadId([...messages, msg("7", ann, 7), msg("8", ann, 8)], later, "me", false)).toBe("6");
  });

  it("waits for older pages when the unread messages reach beyond the loaded ones", () => {
    const loaded = messages.slice(3);
    const mark = unreadMark(loaded, { unreadCount: 4, lastMessageAt: at(6) }, "me");
    expect(firstUnreadId(loaded, mark, "me", true)).toBeUndefined();
    expect(firstUnreadId(messages, mark, "me", false)).toBe("1");
  });
});

describe("read state", () => {
  it("compares event ids as numbers", () => {
    expect(isAfter("10", "9")).toBe(true);
    expect(isAfter("9", "10")).toBe(false);
    expect(isAfter("9", "9")).toBe(false);
    expect(isAfter("1", null)).toBe(true);
  });

  it("writes a room's counts into the list and keeps the rest", () => {
    const room = { id: "r", unreadCount: 3, mentionCount: 1, lastReadEventId: "4", lastMessageAt: at(4), joined: true } as Room;
    const other = { ...room, id: "o", unreadCount: 2 };
    const next = withReadState([room, other], "r", { unreadCount: 0, mentionCount: 0, lastReadEventId: "9" });
    expect(next[0]).toMatchObject({ unreadCount: 0, mentionCount: 0, lastReadEventId: "9", lastMessageAt: at(4) });
    expect(next[1]).toBe(other);
    expect(totalUnread(next)).toBe(2);
    expect(totalUnread([{ ...other, joined: false }])).toBe(0);
  });

  it("words the counts and the title", () => {
    expect(unreadLabel(1)).toBe("1 unread message");
    expect(unreadLabel(3)).toBe("3 unread messages");
    expect(titleWithCount("Parley", 3)).toBe("(3) Parley");
    expect(titleWithCount("Parley", 0)).toBe("Parley");
  });
});
