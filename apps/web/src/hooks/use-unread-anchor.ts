import { useState } from "react";
import type { Message, Room } from "@parley/client";
import { firstUnreadId, unreadMark, type UnreadMark } from "../lib/unread";

/**
 * The message the "New messages" divider goes above: the first unread one as the room was
 * opened (see unreadMark for how it is found without event ids on messages), fixed from the
 * moment the history is first there. When nothing was unread then, the first message by
 * someone else that arrives while the reader is not reading (scrolled up, or the tab hidden)
 * takes the divider instead.
 */
export function useUnreadAnchor(room: Room, messages: Message[], loaded: boolean, hasOlder: boolean, meId: string) {
  const [mark, setMark] = useState<UnreadMark | null>(null);
  const [late, setLate] = useState<string | null>(null);
  // Taken during the render that first sees the history, before anything can mark it read.
  if (loaded && mark === null) setMark(unreadMark(messages, room, meId));

  const opened = mark ? firstUnreadId(messages, mark, meId, hasOlder) : null;
  const anchor = opened === null ? late : opened;

  /** A message by someone else arrived while the reader was not reading. */
  const missed = (message: Message) => {
    if (message.author.id === meId || opened !== null) return;
    setLate((current) => current ?? message.id);
  };
  return { anchor, missed };
}
