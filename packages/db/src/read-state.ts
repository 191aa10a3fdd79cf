// Read state: read positions and unread counts.
//
// Unread counts are kept cheap on the hot path: a send writes nothing per member. Each room
// counts its messages (rooms.message_count, each message's `ord` is its place), and each member
// keeps the ordinal (and event id) they have read up to. A member's unread count is then
// message_count - last_read_ord, less the messages deleted after it (an index on deleted_ord
// finds those, and deletes are rare); own messages never count, because sending moves the
// author's read position to their message. Mentions after the read position are counted from
// message_mentions by an index on (user, room, ord).
import type { ReadState } from "@parley/contract";
import type { Database } from "./database";
import type { Tx } from "./events";
import { Prisma } from "./generated/client";

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

/** A room's read state for one viewer, whether they are a member, and the room's newest event id. */
export type ReadingOf = ReadState & { member: boolean; head: bigint };

/**
 * The read-state columns of ReadRow (but room_id), for a query over `rooms r` with the viewer's
 * membership as `ms` (NULL where they are not a member): index probes, whatever the history.
 * Unread is the room's message count less the read ordinal less the messages deleted after it,
 * not a count of unread rows, so a room with a long unread history costs the same as any other.
 */
export const READ_STATE_COLUMNS = Prisma.sql`ms.user_id IS NOT NULL AS member, r.last_event_seq AS head, ms.last_read_seq,
      (r.message_count - ms.last_read_ord
        - (SELECT count(*) FROM messages d WHERE d.room_id = r.id AND d.deleted_ord > ms.last_read_ord))::int AS unread,
      (SELECT count(*) FROM message_mentions mm
        WHERE mm.user_id = ms.user_id AND mm.room_id = r.id AND mm.ord > ms.last_read_ord)::int AS mentions,
      r.last_message_at`;

/**
 * READ_STATES: one row per room of `roomIds` with `viewerId`'s read state (READ_STATE_COLUMNS).
 * A LEFT JOIN, so rooms the viewer is not in still answer (as not reading). The ids go in as one
 * jsonb parameter: both adapters pass a text parameter the same way, arrays they do not.
 */
const READ_STATES = (roomIds: string[], viewerId: string) => Prisma.sql`
    SELECT r.id AS room_id, ${READ_STATE_COLUMNS}
    FROM rooms r
    LEFT JOIN memberships ms ON ms.room_id = r.id AND ms.user_id = ${viewerId}::text
    WHERE r.id IN (SELECT jsonb_array_elements_text(${JSON.stringify(roomIds)}::jsonb))`;

/**
 * Each room's read state as `viewerId` sees it (zero counts and a null position where they are
 * not a member), with the room's newest event id (`head`) from the same snapshot.
 */
export async function readStates(db: Database | Tx, roomIds: string[], viewerId: string): Promise<Map<string, ReadingOf>> {
  if (roomIds.length === 0) return new Map();
  const rows = await clientOf(db).$queryRaw<ReadRow[]>(READ_STATES(roomIds, viewerId));
  return new Map(rows.map((row) => [row.room_id, toReadState(row)]));
}

/** A ReadRow as the contract's ReadState (with membership and head): what the columns mean. */
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
  const {
    member: _member,
    head: _head,
    ...state
  } = (await readStates(db, [roomId], userId)).get(roomId) ?? { ...NOT_READING, member: false, head: 0n };
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
 * COUNT_BETWEEN: the live messages of others with event ids in (afterSeq, untilSeq], and how many
 * of them name `userId`. It counts rows (by the room's event_seq index), unlike READ_STATE_COLUMNS:
 * the range is what a live reader missed while starting, a handful of events, not a history.
 */
const COUNT_BETWEEN = (roomId: string, userId: string, afterSeq: bigint, untilSeq: bigint) => Prisma.sql`
    SELECT count(*)::int AS unread,
           count(*) FILTER (WHERE EXISTS (
             SELECT 1 FROM message_mentions mm WHERE mm.message_id = m.id AND mm.user_id = ${userId}::text))::int AS mentions
    FROM messages m
    WHERE m.room_id = ${roomId}::text AND m.event_seq > ${afterSeq} AND m.event_seq <= ${untilSeq}
      AND m.deleted_at IS NULL AND m.author_id <> ${userId}::text`;

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
  const [row] = await db.prisma.$queryRaw<{ unread: number; mentions: number }[]>(COUNT_BETWEEN(roomId, userId, afterSeq, untilSeq));
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

/**
 * MARK_READ: moves one membership's read position to event `seq` and to the ordinal of the room's
 * newest message at or before it. greatest() keeps a position from moving back (a late or
 * repeated mark is harmless), and one UPDATE takes no room lock: a mark never queues behind the
 * room's writers, and concurrent marks of one member each only raise it. Updates no row when `userId` is not a member.
 */
const MARK_READ = (roomId: string, userId: string, seq: bigint) => Prisma.sql`
    UPDATE memberships SET
      last_read_seq = greatest(last_read_seq, ${seq}),
      last_read_ord = greatest(last_read_ord, coalesce((
        SELECT m.ord FROM messages m WHERE m.room_id = ${roomId}::text AND m.event_seq <= ${seq}
        ORDER BY m.event_seq DESC LIMIT 1), 0))
    WHERE room_id = ${roomId}::text AND user_id = ${userId}::text`;

/** A read state, or why the read position could not move. */
export type MarkReadResult = ReadState | "unknown-event" | "not-member";

/**
 * Moves `userId`'s read position forward to event `seq` (an older one leaves it where it is).
 * "unknown-event" when the room never issued that id. The position's ordinal is the newest
 * message at that event: ordinals and event ids rise together, so one index probe finds it.
 */
export async function markRead(db: Database, roomId: string, userId: string, seq: bigint): Promise<MarkReadResult> {
  const room = await db.prisma.room.findUnique({ where: { id: roomId }, select: { lastEventSeq: true } });
  if (!room || seq < 1n || seq > room.lastEventSeq) return "unknown-event";
  const moved = await db.prisma.$executeRaw(MARK_READ(roomId, userId, seq));
  if (moved === 0) return "not-member";
  return readState(db, roomId, userId);
}
