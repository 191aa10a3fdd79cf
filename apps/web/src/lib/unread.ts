import type { Message, ReadState, Room } from "@parley/client";

// Unread counts and read positions as the web app keeps them: room.list (and each room.get)
// hold the caller's counts, and `room.unread` events on me.events, or room.markRead's answer,
// overwrite them. A read position is an event id; message ids are not event ids.

/** A read state as room.markRead answers it (without `lastMessageAt`) or `room.unread` tells it. */
export type ReadUpdate = Omit<ReadState, "lastMessageAt"> & { lastMessageAt?: string | null };

/** The list with one room's read state replaced. */
export function withReadState(rooms: readonly Room[], roomId: string, state: ReadUpdate): Room[] {
  return rooms.map((room) => (room.id === roomId ? { ...room, ...pickReadState(state) } : room));
}

/** Only the fields of a read state (an event carries `type` and `roomId` besides). */
export function pickReadState(state: ReadUpdate): ReadUpdate {
  const read: ReadUpdate = {
    unreadCount: state.unreadCount,
    mentionCount: state.mentionCount,
    lastReadEventId: state.lastReadEventId,
  };
  if (state.lastMessageAt !== undefined) read.lastMessageAt = state.lastMessageAt;
  return read;
}

/** Unread messages over every room the user is in: the tab title's number. */
export function totalUnread(rooms: readonly Room[] | undefined): number {
  return (rooms ?? []).reduce((sum, room) => sum + (room.joined ? room.unreadCount : 0), 0);
}

/** "1 unread message", "3 unread messages". */
export function unreadLabel(count: number): string {
  return `${count} unread ${count === 1 ? "message" : "messages"}`;
}

/** "1 mention", "2 mentions". */
export function mentionLabel(count: number): string {
  return `${count} ${count === 1 ? "mention" : "mentions"}`;
}

/** The tab's title: "(3) #general · Parley", or the base alone when nothing is unread. */
export function titleWithCount(base: string, count: number): string {
  return count > 0 ? `(${count}) ${base}` : base;
}

/**
 * Whether event id `a` comes after `b` in a room's log (null: before everything). The server's
 * ids are decimal sequence numbers; anything else is only known to differ.
 */
export function isAfter(a: string, b: string | null): boolean {
  if (b === null) return true;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b);
  return a !== b;
}

/**
 * Where the reader stood when the room was opened, measured in messages: how many of the
 * newest messages by others, among those loaded then, are unread.
 *
 * The room's `unreadCount` counts the live messages by others after the read position, as of
 * the moment its `lastMessageAt` names (a count and that time always travel together, in
 * room.list and in `room.unread`). The history is read a moment later and may hold newer
 * messages: those by others written after `lastMessageAt` are unread too. So the first unread
 * message is the `unread`-th newest message by someone else in the history as it was loaded;
 * it stays that message while older pages load and new messages arrive.
 */
export type UnreadMark = {
  /** How many messages by others, counted back from `lastId`, are unread. */
  unread: number;
  /** The newest message of the history as it was first loaded. */
  lastId: string | null;
};

/** The mark for a history just loaded, given the room as the reader's list saw it. */
export function unreadMark(messages: readonly Message[], room: Pick<Room, "unreadCount" | "lastMessageAt">, meId: string): UnreadMark {
  const last = messages[messages.length - 1];
  const since = room.lastMessageAt;
  const later = since === null ? 0 : messages.filter((m) => m.author.id !== meId && m.createdAt > since).length;
  return { unread: room.unreadCount + later, lastId: last?.id ?? null };
}

/**
 * The message the "New messages" divider goes above: null when nothing was unread, undefined
 * while it lies in older pages not loaded yet.
 */
export function firstUnreadId(messages: readonly Message[], mark: UnreadMark, meId: string, hasOlder: boolean): string | null | undefined {
  if (mark.unread <= 0 || mark.lastId === null) return null;
  const end = messages.findIndex((m) => m.id === mark.lastId);
  const upTo = end < 0 ? messages : messages.slice(0, end + 1);
  const others = upTo.filter((m) => m.author.id !== meId);
  if (others.length >= mark.unread) return others[others.length - mark.unread]?.id ?? null;
  // Fewer loaded than unread: the rest are older (or were deleted meanwhile, at the very top).
  return hasOlder ? undefined : (others[0]?.id ?? null);
}
