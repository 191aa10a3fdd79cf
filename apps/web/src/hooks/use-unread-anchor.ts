import { useState } from "react";
import type { Message, Room } from "@parley/client";
import { firstUnreadId, isAfter, unreadMark, type UnreadMark } from "../lib/unread";

/**
 * The message the "New messages" divider goes above: the first unread one as the room was
 * opened, fixed from then on. Two ways to find it, depending on what the client had:
 * - The history is read now, after the counts: the first unread message is found by counting
 *   (see unreadMark), since messages carry no event ids.
 * - The history was still cached from an earlier visit and read to its end (the room's read
 *   position is at or past its newest event): then every unread message comes through the
 *   room's events as they catch up, each with its event id, and the first one by someone else
 *   after the read position takes the divider. (A visit that ends with something unread drops
 *   the cache, so the first way applies next time; see JoinedRoom.)
 * When nothing was unread, the first message by someone else that arrives while the reader is
 * not reading (scrolled up, or the tab hidden) takes the divider instead.
 */
export function useUnreadAnchor(
  room: Room,
  messages: Message[],
  historyEventId: string | null,
  loaded: boolean,
  hasOlder: boolean,
  meId: string,
) {
  const [opening] = useState(() => ({
    byEvents: loaded && historyEventId !== null && room.lastReadEventId !== null && !isAfter(historyEventId, room.lastReadEventId),
    readUpTo: room.lastReadEventId,
    unread: room.unreadCount,
  }));
  const [mark, setMark] = useState<UnreadMark | null>(null);
  const [later, setLater] = useState<string | null>(null);
  // Taken during the render that first sees the history, before anything can mark it read.
  if (!opening.byEvents && loaded && mark === null) setMark(unreadMark(messages, room, meId));

  const opened = mark ? firstUnreadId(messages, mark, meId, hasOlder) : null;
  const anchor = opened === null ? later : opened;

  /** A new message came through the room's events (`reading`: the reader was at it). */
  const arrived = (message: Message, eventId: string, reading: boolean) => {
    if (message.author.id === meId || opened !== null) return;
    const wasUnread = opening.byEvents && opening.unread > 0 && opening.readUpTo !== null && isAfter(eventId, opening.readUpTo);
    if (wasUnread || !reading) setLater((current) => current ?? message.id);
  };
  return { anchor, arrived };
}
