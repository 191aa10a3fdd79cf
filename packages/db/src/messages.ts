import type { Database } from "./database";
import { uniqueViolationFields } from "./errors";
import { insertEvent, nextEventSeq, TX_OPTIONS, type Tx } from "./events";
import { uuidv7 } from "./ids";
import { messageSelect, toMessage } from "./mappers";
import type { Message, RoomEvent, StoredRoomEvent, User } from "./types";

/** The message was deleted (or never existed) by the time the write took the room's lock. */
export class MessageGoneError extends Error {
  constructor(messageId: string) {
    super(`No message with id '${messageId}'`);
    this.name = "MessageGoneError";
  }
}

/** Inside a transaction holding the room's lock: fails unless the message is still live. */
async function requireLive(tx: Tx, messageId: string): Promise<void> {
  const live = await tx.message.findFirst({ where: { id: messageId, deletedAt: null }, select: { id: true } });
  if (!live) throw new MessageGoneError(messageId);
}

/** A history cursor that names no message of the room. */
export class UnknownCursorError extends Error {
  constructor(cursor: string) {
    super(`Unknown cursor '${cursor}'`);
    this.name = "UnknownCursorError";
  }
}

/** The message `authorId` sent earlier with `clientMsgId`, if any. */
export async function findMessageByClientId(
  db: Database,
  authorId: string,
  clientMsgId: string,
): Promise<Message | null> {
  const row = await db.prisma.message.findUnique({
    where: { authorId_clientMsgId: { authorId, clientMsgId } },
    select: messageSelect,
  });
  return row ? toMessage(row) : null;
}

/**
 * Stores a message and its `message.created` event in one transaction. A second send with the
 * same (author, clientMsgId) returns the first message with `event: null` and creates nothing;
 * the unique index decides when two such sends race.
 */
export async function createMessage(
  db: Database,
  input: { roomId: string; author: User; text: string; clientMsgId: string | null },
): Promise<{ message: Message; event: StoredRoomEvent | null }> {
  if (input.clientMsgId) {
    const earlier = await findMessageByClientId(db, input.author.id, input.clientMsgId);
    if (earlier) return { message: earlier, event: null };
  }
  const createdAt = new Date();
  const message: Message = {
    id: uuidv7(createdAt.getTime()),
    roomId: input.roomId,
    author: input.author,
    text: input.text,
    createdAt: createdAt.toISOString(),
    editedAt: null,
    clientMsgId: input.clientMsgId,
  };
  const event: RoomEvent = { type: "message.created", message };
  try {
    // One statement, so the room's row lock (which orders its events) is held for one round
    // trip instead of a whole interactive transaction: sends to a busy room queue briefly in
    // PostgreSQL rather than each holding a pooled connection while they wait. (Timestamps go in
    // as ISO strings with their "Z", so the session's time zone never shifts them.) Everything in it
    // commits together; a unique violation (clientMsgId race) undoes the sequence bump too.
    const rows = await db.prisma.$queryRaw<{ seq: bigint }[]>`
      WITH bumped AS (
        UPDATE rooms SET last_event_seq = last_event_seq + 1 WHERE id = ${input.roomId}
        RETURNING last_event_seq
      ), inserted AS (
        INSERT INTO messages (id, room_id, author_id, text, client_msg_id, created_at)
        SELECT ${message.id}::text, ${input.roomId}::text, ${input.author.id}::text, ${input.text}::text,
               ${input.clientMsgId}::text, ${message.createdAt}::timestamptz
        FROM bumped
        RETURNING id
      )
      INSERT INTO room_events (room_id, seq, type, payload, message_id, created_at)
      SELECT ${input.roomId}::text, bumped.last_event_seq, 'message.created', ${JSON.stringify(event)}::jsonb,
             inserted.id, ${message.createdAt}::timestamptz
      FROM bumped, inserted
      RETURNING seq`;
    const seq = rows[0]?.seq;
    if (seq === undefined) throw new Error(`Room ${input.roomId} does not exist`);
    return { message, event: { roomId: input.roomId, seq: BigInt(seq), event } };
  } catch (error) {
    if (input.clientMsgId && uniqueViolationFields(error)) {
      const earlier = await findMessageByClientId(db, input.author.id, input.clientMsgId);
      if (earlier) return { message: earlier, event: null };
    }
    throw error;
  }
}

/**
 * A page of history: the newest `limit` messages older than `beforeId`, oldest first.
 * `lastEventId` is read before the page, so subscribing from it can only repeat, never miss.
 */
export async function listMessages(
  db: Database,
  roomId: string,
  options: { beforeId: string | null; limit: number },
): Promise<{ messages: Message[]; nextCursor: string | null; lastEventSeq: bigint }> {
  const room = await db.prisma.room.findUniqueOrThrow({ where: { id: roomId }, select: { lastEventSeq: true } });
  let beforeSeq: bigint | undefined;
  if (options.beforeId !== null) {
    // A deleted message still anchors a cursor: its row stays, only its text goes.
    const cursor = await db.prisma.message.findFirst({
      where: { id: options.beforeId, roomId },
      select: { seq: true },
    });
    if (!cursor) throw new UnknownCursorError(options.beforeId);
    beforeSeq = cursor.seq;
  }
  const rows = await db.prisma.message.findMany({
    where: { roomId, deletedAt: null, ...(beforeSeq !== undefined ? { seq: { lt: beforeSeq } } : {}) },
    orderBy: { seq: "desc" },
    take: options.limit + 1,
    select: messageSelect,
  });
  const hasMore = rows.length > options.limit;
  const page = rows.slice(0, options.limit).reverse().map(toMessage);
  return {
    messages: page,
    nextCursor: hasMore && page[0] ? page[0].id : null,
    lastEventSeq: room.lastEventSeq,
  };
}

/** Who wrote a live (not deleted) message and where, or null. */
export async function getMessageMeta(
  db: Database,
  messageId: string,
): Promise<{ id: string; roomId: string; authorId: string } | null> {
  return db.prisma.message.findFirst({
    where: { id: messageId, deletedAt: null },
    select: { id: true, roomId: true, authorId: true },
  });
}

/**
 * Replaces a message's text, sets editedAt and records `message.updated`. As with a delete, the
 * message's earlier events (which carry the old text) are purged from the log first, so exactly
 * one event holds its text: history, replay and search only ever show the current one.
 */
export async function editMessage(
  db: Database,
  input: { messageId: string; roomId: string; text: string },
): Promise<{ message: Message; event: StoredRoomEvent }> {
  return db.prisma.$transaction(async (tx) => {
    const seq = await nextEventSeq(tx, input.roomId);
    await requireLive(tx, input.messageId); // a delete that won the lock makes this an unknown id
    const row = await tx.message.update({
      where: { id: input.messageId },
      data: { text: input.text, editedAt: new Date() },
      select: messageSelect,
    });
    await tx.roomEvent.deleteMany({ where: { messageId: input.messageId } });
    const message = toMessage(row);
    const event = await insertEvent(tx, input.roomId, seq, { type: "message.updated", message }, message.id);
    return { message, event };
  }, TX_OPTIONS);
}

/**
 * Takes a message out of history: its text is erased, its earlier events (which carry the text)
 * are purged from the log, and `message.deleted` is recorded. The row stays as a tombstone so
 * cursors and clientMsgId retries still resolve.
 */
export async function deleteMessage(
  db: Database,
  input: { messageId: string; roomId: string },
): Promise<{ event: StoredRoomEvent }> {
  return db.prisma.$transaction(async (tx) => {
    const seq = await nextEventSeq(tx, input.roomId);
    await requireLive(tx, input.messageId);
    await tx.message.update({
      where: { id: input.messageId },
      data: { text: "", deletedAt: new Date() },
      select: { id: true },
    });
    await tx.roomEvent.deleteMany({ where: { messageId: input.messageId } });
    const event = await insertEvent(tx, input.roomId, seq, {
      type: "message.deleted",
      roomId: input.roomId,
      messageId: input.messageId,
    });
    return { event };
  }, TX_OPTIONS);
}
