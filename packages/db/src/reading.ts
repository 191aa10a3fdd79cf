// Reading: read positions and unread counts, mentions, replies, reactions and search.
//
// Unread counts are kept cheap on the hot path: a send writes nothing per member. Each room
// counts its messages (rooms.message_count, each message's `ord` is its place), and each member
// keeps the ordinal (and event id) they have read up to. A member's unread count is then
// message_count - last_read_ord, less the messages deleted after it (an index on deleted_ord
// finds those, and deletes are rare); own messages never count, because sending moves the
// author's read position to their message. Mentions after the read position are counted from
// message_mentions by an index on (user, room, ord).
import { mentionedNames, type Message, type Reaction, type ReadState, type ReplyTo, type SearchHit, type User } from "@parley/contract";
import type { Database } from "./database";
import { insertEvent, nextEventSeq, TX_OPTIONS, type StoredRoomEvent, type Tx } from "./events";
import { Prisma } from "./generated/client";
import { groupReactions, messageSelect, toMessage, toReplyTo, userSelect } from "./mappers";
import { MessageGoneError, UnknownCursorError } from "./messages";

type Client = Database["prisma"] | Tx;
const clientOf = (db: Database | Tx): Client => ("prisma" in db ? db.prisma : db);

/** What a room shows of one viewer's reading; non-members read nothing. */
export const NOT_READING: ReadState = { unreadCount: 0, mentionCount: 0, lastReadEventId: null, lastMessageAt: null };

export type ReadRow = {
  room_id: string;
  member: boolean;
  last_read_seq: bigint | number | null;
  unread: number | null;
  mentions: number | null;
  last_message_at: Date | null;
  head: bigint | number;
};

/**
 * Each room's read state as `viewerId` sees it (zero counts and a null position where they are
 * not a member), with the room's newest event id (`head`) from the same snapshot.
 */
/** A room's read state for one viewer, whether they are a member, and the room's newest event id. */
export type ReadingOf = ReadState & { member: boolean; head: bigint };

export async function readStates(db: Database | Tx, roomIds: string[], viewerId: string): Promise<Map<string, ReadingOf>> {
  if (roomIds.length === 0) return new Map();
  const rows = await clientOf(db).$queryRaw<ReadRow[]>`
    SELECT r.id AS room_id, ${READ_STATE_COLUMNS}
    FROM rooms r
    LEFT JOIN memberships ms ON ms.room_id = r.id AND ms.user_id = ${viewerId}::text
    WHERE r.id IN (SELECT jsonb_array_elements_text(${JSON.stringify(roomIds)}::jsonb))`;
  return new Map(rows.map((row) => [row.room_id, toReadState(row)]));
}

/**
 * The read-state columns of ReadRow (but room_id), for a query over `rooms r` with the viewer's
 * membership as `ms` (NULL where they are not a member): index probes, whatever the history.
 */
export const READ_STATE_COLUMNS = Prisma.sql`ms.user_id IS NOT NULL AS member, r.last_event_seq AS head, ms.last_read_seq,
      (r.message_count - ms.last_read_ord
        - (SELECT count(*) FROM messages d WHERE d.room_id = r.id AND d.deleted_ord > ms.last_read_ord))::int AS unread,
      (SELECT count(*) FROM message_mentions mm
        WHERE mm.user_id = ms.user_id AND mm.room_id = r.id AND mm.ord > ms.last_read_ord)::int AS mentions,
      r.last_message_at`;

export function toReadState(row: Omit<ReadRow, "room_id">): ReadingOf {
  const lastMessageAt = row.last_message_at ? new Date(row.last_message_at).toISOString() : null;
  const head = BigInt(row.head);
  if (!row.member) return { ...NOT_READING, lastMessageAt, member: false, head };
  const seq = BigInt(row.last_read_seq ?? 0);
  return {
    unreadCount: Math.max(0, Number(row.unread ?? 0)),
    mentionCount: Number(row.mentions ?? 0),
    lastReadEventId: seq > 0n ? String(seq) : null,
    lastMessageAt,
    member: true,
    head,
  };
}

/** One room's read state for `userId` (NOT_READING when they are not a member). */
export async function readState(db: Database | Tx, roomId: string, userId: string): Promise<ReadState> {
  const { member: _member, head: _head, ...state } = (await readStates(db, [roomId], userId)).get(roomId) ?? { ...NOT_READING, member: false, head: 0n };
  return state;
}

/** The rooms `userId` is a member of. */
export async function memberRoomIds(db: Database, userId: string): Promise<string[]> {
  const rows = await db.prisma.membership.findMany({ where: { userId }, select: { roomId: true } });
  return rows.map((row) => row.roomId);
}

/**
 * A message's `message.created` event id, and when its room's newest live message was sent:
 * what a live reader needs to tell whether a delete or an edit of it changed anything for them.
 */
export async function messagePlace(db: Database, messageId: string): Promise<{ seq: bigint; lastMessageAt: string | null } | null> {
  const [row] = await db.prisma.$queryRaw<{ event_seq: bigint | number | null; last_message_at: Date | null }[]>`
    SELECT m.event_seq, r.last_message_at FROM messages m JOIN rooms r ON r.id = m.room_id WHERE m.id = ${messageId}::text`;
  if (!row || row.event_seq === null || BigInt(row.event_seq) === 0n) return null;
  return { seq: BigInt(row.event_seq), lastMessageAt: row.last_message_at ? new Date(row.last_message_at).toISOString() : null };
}

/**
 * Unread messages and mentions of `userId` with event ids in (afterSeq, untilSeq]: what a live
 * reader (the inbox stream) did not see arrive because it was there before it started.
 */
export async function countBetween(
  db: Database,
  roomId: string,
  userId: string,
  afterSeq: bigint,
  untilSeq: bigint,
): Promise<{ unread: number; mentions: number }> {
  if (untilSeq <= afterSeq) return { unread: 0, mentions: 0 };
  const [row] = await db.prisma.$queryRaw<{ unread: number; mentions: number }[]>`
    SELECT count(*)::int AS unread,
           count(*) FILTER (WHERE EXISTS (
             SELECT 1 FROM message_mentions mm WHERE mm.message_id = m.id AND mm.user_id = ${userId}::text))::int AS mentions
    FROM messages m
    WHERE m.room_id = ${roomId}::text AND m.event_seq > ${afterSeq} AND m.event_seq <= ${untilSeq}
      AND m.deleted_at IS NULL AND m.author_id <> ${userId}::text`;
  return { unread: Number(row?.unread ?? 0), mentions: Number(row?.mentions ?? 0) };
}

/**
 * Inside a transaction that holds the room's lock: puts `userId`'s read position at the room's
 * newest event and message (someone who joins or is added starts with nothing unread).
 */
export async function readToHead(tx: Tx, roomId: string, userId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE memberships m SET last_read_seq = r.last_event_seq, last_read_ord = r.message_count
    FROM rooms r WHERE r.id = m.room_id AND m.room_id = ${roomId}::text AND m.user_id = ${userId}::text`;
}

export type MarkReadResult = ReadState | "unknown-event" | "not-member";

/**
 * Moves `userId`'s read position forward to event `seq` (an older one leaves it where it is).
 * "unknown-event" when the room never issued that id. The position's ordinal is the newest
 * message at that event: ordinals and event ids rise together, so one index probe finds it.
 */
export async function markRead(db: Database, roomId: string, userId: string, seq: bigint): Promise<MarkReadResult> {
  const room = await db.prisma.room.findUnique({ where: { id: roomId }, select: { lastEventSeq: true } });
  if (!room || seq < 1n || seq > room.lastEventSeq) return "unknown-event";
  const moved = await db.prisma.$executeRaw`
    UPDATE memberships SET
      last_read_seq = greatest(last_read_seq, ${seq}),
      last_read_ord = greatest(last_read_ord, coalesce((
        SELECT m.ord FROM messages m WHERE m.room_id = ${roomId}::text AND m.event_seq <= ${seq}
        ORDER BY m.event_seq DESC LIMIT 1), 0))
    WHERE room_id = ${roomId}::text AND user_id = ${userId}::text`;
  if (moved === 0) return "not-member";
  return readState(db, roomId, userId);
}

/** The members of the room that `text` names with `@username`, in order of appearance. */
export async function resolveMentions(db: Database, roomId: string, text: string): Promise<User[]> {
  const names = mentionedNames(text);
  if (names.length === 0) return [];
  const rows = await db.prisma.user.findMany({
    where: { usernameKey: { in: names }, memberships: { some: { roomId } } },
    select: { ...userSelect, usernameKey: true },
  });
  const byName = new Map(rows.map((row) => [row.usernameKey, row]));
  return names.flatMap((name) => {
    const row = byName.get(name);
    return row ? [{ id: row.id, username: row.username, createdAt: row.createdAt.toISOString() }] : [];
  });
}

/** What a reply to `messageId` quotes, if it is a live message of `roomId`; else null. */
export async function replyTarget(db: Database, roomId: string, messageId: string): Promise<ReplyTo | null> {
  const row = await db.prisma.message.findFirst({
    where: { id: messageId, roomId, deletedAt: null },
    select: { id: true, text: true, deletedAt: true, author: { select: userSelect } },
  });
  return row ? toReplyTo(row) : null;
}

/** At most this many distinct emoji on one message. */
export const MAX_EMOJI = 20;

export class TooManyReactionsError extends Error {
  constructor() {
    super(`A message can have at most ${MAX_EMOJI} different reactions`);
    this.name = "TooManyReactionsError";
  }
}

async function reactionsOf(tx: Tx, messageId: string): Promise<Reaction[]> {
  const rows = await tx.reaction.findMany({ where: { messageId }, orderBy: { seq: "asc" }, select: { emoji: true, userId: true } });
  return groupReactions(rows);
}

/**
 * Adds (or removes) `userId`'s `emoji` on a live message. Under the room's lock, so that two
 * people reacting at once are serialised: each `reactions.changed` carries every reaction so
 * far and the last one wins nothing away. `event` is null when nothing changed (idempotent).
 */
export async function setReaction(
  db: Database,
  input: { messageId: string; roomId: string; userId: string; emoji: string; add: boolean },
): Promise<{ reactions: Reaction[]; event: StoredRoomEvent | null }> {
  return db.prisma.$transaction(async (tx) => {
    // Lock first, bump the sequence only if something changes: no hole in the event ids.
    await tx.$queryRaw`SELECT 1 FROM rooms WHERE id = ${input.roomId}::text FOR UPDATE`;
    const live = await tx.message.findFirst({ where: { id: input.messageId, deletedAt: null }, select: { id: true } });
    if (!live) throw new MessageGoneError(input.messageId);
    const key = { messageId_emoji_userId: { messageId: input.messageId, emoji: input.emoji, userId: input.userId } };
    const existing = await tx.reaction.findUnique({ where: key, select: { seq: true } });
    if (input.add ? existing : !existing) return { reactions: await reactionsOf(tx, input.messageId), event: null };
    if (input.add) {
      const emoji = await tx.reaction.findMany({ where: { messageId: input.messageId }, distinct: ["emoji"], select: { emoji: true } });
      if (emoji.length >= MAX_EMOJI && !emoji.some((row) => row.emoji === input.emoji)) throw new TooManyReactionsError();
      await tx.reaction.create({ data: { messageId: input.messageId, emoji: input.emoji, userId: input.userId } });
    } else {
      await tx.reaction.delete({ where: key });
    }
    const reactions = await reactionsOf(tx, input.messageId);
    const seq = await nextEventSeq(tx, input.roomId);
    const event = await insertEvent(
      tx,
      input.roomId,
      seq,
      { type: "reactions.changed", roomId: input.roomId, messageId: input.messageId, reactions },
      input.messageId,
    );
    return { reactions, event };
  }, TX_OPTIONS);
}

type HitRow = { id: string; room_name: string };

/**
 * Live messages of the rooms `userId` is a member of (or of `roomId` alone) containing every
 * word of `query`, newest first. The query is plain words (plainto_tsquery): no text can be a
 * syntax error, and one with no words matches nothing. `before` continues from a hit's id.
 */
export async function searchMessages(
  db: Database,
  input: { userId: string; query: string; roomId: string | null; beforeId: string | null; limit: number },
): Promise<{ hits: SearchHit[]; nextCursor: string | null }> {
  let beforeSeq: bigint | null = null;
  if (input.beforeId !== null) {
    const cursor = await db.prisma.message.findUnique({ where: { id: input.beforeId }, select: { seq: true } });
    if (!cursor) throw new UnknownCursorError(input.beforeId);
    beforeSeq = cursor.seq;
  }
  const rows = await db.prisma.$queryRaw<HitRow[]>`
    SELECT m.id,
      CASE WHEN r.kind = 'dm' THEN coalesce((
        SELECT u.username FROM memberships p JOIN users u ON u.id = p.user_id
        WHERE p.room_id = r.id AND p.user_id <> ${input.userId}::text LIMIT 1), '') ELSE r.name END AS room_name
    FROM messages m
    JOIN memberships ms ON ms.room_id = m.room_id AND ms.user_id = ${input.userId}::text
    JOIN rooms r ON r.id = m.room_id
    WHERE m.search @@ plainto_tsquery('simple', ${input.query})
      AND m.deleted_at IS NULL
      AND (${input.roomId}::text IS NULL OR m.room_id = ${input.roomId}::text)
      AND (${beforeSeq}::bigint IS NULL OR m.seq < ${beforeSeq}::bigint)
    ORDER BY m.seq DESC
    LIMIT ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  const found = await db.prisma.message.findMany({ where: { id: { in: page.map((row) => row.id) } }, select: messageSelect });
  const byId = new Map<string, Message>(found.map((row) => [row.id, toMessage(row)]));
  const hits = page.flatMap((row) => {
    const message = byId.get(row.id);
    return message ? [{ message, roomName: row.room_name }] : [];
  });
  return { hits, nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null };
}
