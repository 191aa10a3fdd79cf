import type { Message, ReplyTo, RoomEvent, User } from "@parley/contract";
import type { Database } from "./database";
import { uniqueViolationFields } from "./errors";
import { insertEvent, nextEventSeq, TX_OPTIONS, type StoredRoomEvent, type Tx } from "./events";
import { Prisma } from "./generated/client";
import { uuidv7 } from "./ids";
import { messageSelect, toMessage } from "./mappers";

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
export async function findMessageByClientId(db: Database, authorId: string, clientMsgId: string): Promise<Message | null> {
  const row = await db.prisma.message.findUnique({
    where: { authorId_clientMsgId: { authorId, clientMsgId } },
    select: messageSelect,
  });
  return row ? toMessage(row) : null;
}

/**
 * One send of a batch: who writes what, with the client's idempotency key, the message it
 * answers and the members it names (both looked up by the caller before the batch).
 */
export type MessageDraft = {
  author: User;
  text: string;
  clientMsgId: string | null;
  replyTo?: ReplyTo | null;
  mentions?: User[];
};

/** What became of one draft of a batch. */
export type SendOutcome =
  | { status: "created"; message: Message; event: StoredRoomEvent }
  /** The author sent this clientMsgId before (or earlier in the batch): the first message. */
  | { status: "existing"; message: Message }
  | { status: "not-member" }
  | { status: "no-room" }
  /** The database refused this draft alone (after its batch was retried one draft at a time). */
  | { status: "failed"; error: unknown };

type BatchRow = { ord: number; member: boolean; duplicate: boolean; seq: bigint | number | null; room_found: boolean; private: boolean };

/**
 * Writes a batch of sends to one room with ONE statement, so the room's row lock (which orders
 * its events) is taken once per batch instead of once per message: PostgreSQL queues writers of a
 * busy room on that lock, and a batch turns N lock hand-overs and N round trips into one.
 *
 * The statement checks membership (drafts whose author is not a member are `not-member`), skips
 * drafts whose (author, clientMsgId) exists already or came earlier in the batch (`existing`:
 * they get the first message and create nothing), bumps `rooms.last_event_seq` by the number of
 * rows it writes and inserts those messages and their `message.created` events in batch order:
 * event ids and history order both follow the batch, with no holes. Outcomes are in draft order.
 *
 * If the batch fails anyway (the same clientMsgId racing in another room or on another server, or
 * text the database refuses), nothing of it was written, and its drafts are written one at a time
 * so that one bad draft cannot fail the others.
 */
export async function createMessages(db: Database, roomId: string, drafts: MessageDraft[]): Promise<SendOutcome[]> {
  if (drafts.length === 0) return [];
  try {
    return await writeBatch(db, roomId, drafts);
  } catch (error) {
    const [only] = drafts;
    if (drafts.length > 1 || !only) {
      const outcomes: SendOutcome[] = [];
      for (const draft of drafts) outcomes.push(...(await createMessages(db, roomId, [draft])));
      return outcomes;
    }
    // The unique index decides when two sends of one clientMsgId race: the loser gets the winner's.
    if (only.clientMsgId && uniqueViolationFields(error)) {
      const earlier = await findMessageByClientId(db, only.author.id, only.clientMsgId);
      if (earlier) return [{ status: "existing", message: earlier }];
    }
    return [{ status: "failed", error }];
  }
}

/**
 * SEND_BATCH: writes a batch of messages to one room in one statement (see createMessages for
 * why), one row per draft saying what became of it (BatchRow), in batch order.
 *
 * The batch goes in as one jsonb parameter (both adapters pass a text parameter the same way;
 * arrays they do not). Each element is the Message itself, so the event payload is built from
 * it in SQL. Timestamps are ISO strings with their "Z", so the session's time zone never shifts
 * them. `verdict` reads memberships and earlier messages from the statement's snapshot; a
 * clientMsgId that commits elsewhere meanwhile makes the INSERT fail on the unique index, and
 * createMessages retries one draft at a time. INSERT … SELECT … ORDER BY takes messages.seq
 * (history order) in batch order, after the UPDATE has taken the room's lock.
 */
const SEND_BATCH = (roomId: string, createdAt: string, batch: Message[]) => Prisma.sql`
    WITH input AS (
      SELECT t.ord, t.elem, t.elem->>'id' AS id, t.elem->'author'->>'id' AS author_id,
             t.elem->>'clientMsgId' AS client_msg_id, t.elem->'replyTo'->>'id' AS reply_to_id
      FROM jsonb_array_elements(${JSON.stringify(batch)}::jsonb) WITH ORDINALITY AS t(elem, ord)
    ), verdict AS (
      SELECT i.*,
        EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = ${roomId}::text AND m.user_id = i.author_id) AS member,
        i.client_msg_id IS NOT NULL AND (
          row_number() OVER (PARTITION BY i.author_id, i.client_msg_id ORDER BY i.ord) > 1
          OR EXISTS (SELECT 1 FROM messages x WHERE x.author_id = i.author_id AND x.client_msg_id = i.client_msg_id)
        ) AS duplicate
      FROM input i
    ), valid AS (
      SELECT v.*, row_number() OVER (ORDER BY v.ord) AS rn FROM verdict v WHERE v.member AND NOT v.duplicate
    ), room AS (
      SELECT visibility = 'private' AS private FROM rooms WHERE id = ${roomId}::text
    ), bumped AS (
      -- Only a batch with something to write locks the room: an outsider's send must not queue
      -- behind the room's writers (its answer would be slower for a busy room than for none).
      -- The room's event sequence and its message count move together: a message's ordinal
      -- (unread counts) and its event id (read positions) both follow batch order.
      UPDATE rooms SET last_event_seq = last_event_seq + (SELECT count(*) FROM valid),
                       message_count = message_count + (SELECT count(*) FROM valid),
                       last_message_at = ${createdAt}::timestamptz
      WHERE id = ${roomId}::text AND EXISTS (SELECT 1 FROM valid)
      RETURNING last_event_seq - (SELECT count(*) FROM valid) AS base,
                message_count - (SELECT count(*) FROM valid) AS ord_base
    ), inserted AS (
      INSERT INTO messages (id, room_id, author_id, text, client_msg_id, created_at, ord, event_seq, reply_to_id, search)
      SELECT v.id, ${roomId}::text, v.author_id, v.elem->>'text', v.client_msg_id, ${createdAt}::timestamptz,
             b.ord_base + v.rn, b.base + v.rn, v.reply_to_id, to_tsvector('simple', v.elem->>'text')
      FROM valid v, bumped b
      ORDER BY v.rn
      RETURNING id
    ), mentioned AS (
      INSERT INTO message_mentions (message_id, user_id, room_id, ord, position)
      SELECT v.id, u.elem->>'id', ${roomId}::text, b.ord_base + v.rn, u.position
      FROM valid v, bumped b, jsonb_array_elements(v.elem->'mentions') WITH ORDINALITY AS u(elem, position)
      RETURNING message_id
    ), read AS (
      -- Sending moves the author's read position to their newest message: own messages are
      -- never unread, and what came before them has been seen.
      UPDATE memberships m
      SET last_read_seq = greatest(m.last_read_seq, x.seq), last_read_ord = greatest(m.last_read_ord, x.ord)
      FROM (SELECT v.author_id, max(b.base + v.rn) AS seq, max(b.ord_base + v.rn) AS ord
            FROM valid v, bumped b GROUP BY v.author_id) x
      WHERE m.room_id = ${roomId}::text AND m.user_id = x.author_id
      RETURNING m.user_id
    ), logged AS (
      INSERT INTO room_events (room_id, seq, type, payload, message_id, created_at)
      SELECT ${roomId}::text, bumped.base + v.rn, 'message.created',
             jsonb_build_object('type', 'message.created', 'message', v.elem), v.id, ${createdAt}::timestamptz
      FROM valid v, bumped
      RETURNING seq
    )
    SELECT v.ord::int AS ord, v.member, v.duplicate, b.base + w.rn AS seq, r.private IS NOT NULL AS room_found,
           coalesce(r.private, false) AS private
    FROM verdict v
    LEFT JOIN valid w ON w.ord = v.ord
    LEFT JOIN bumped b ON true
    LEFT JOIN room r ON true
    ORDER BY v.ord`;

async function writeBatch(db: Database, roomId: string, drafts: MessageDraft[]): Promise<SendOutcome[]> {
  const now = new Date();
  const createdAt = now.toISOString();
  const batch: Message[] = drafts.map((draft) => ({
    id: uuidv7(now.getTime()),
    roomId,
    author: draft.author,
    text: draft.text,
    createdAt,
    editedAt: null,
    clientMsgId: draft.clientMsgId,
    replyTo: draft.replyTo ?? null,
    mentions: draft.mentions ?? [],
    reactions: [],
  }));
  const rows = await db.prisma.$queryRaw<BatchRow[]>(SEND_BATCH(roomId, createdAt, batch));

  const outcomes: (SendOutcome | null)[] = batch.map(() => null);
  const created = new Map<string, Message>(); // by author and clientMsgId
  const key = (authorId: string, clientMsgId: string) => JSON.stringify([authorId, clientMsgId]);
  for (const row of rows) {
    const i = Number(row.ord) - 1;
    const message = batch[i];
    if (!message) throw new Error(`createMessages: unexpected row ${row.ord}`);
    if (!row.room_found) outcomes[i] = { status: "no-room" };
    // A private room must look exactly like a missing one to those outside it.
    else if (!row.member) outcomes[i] = row.private ? { status: "no-room" } : { status: "not-member" };
    else if (row.seq !== null && !row.duplicate) {
      const event: RoomEvent = { type: "message.created", message };
      outcomes[i] = { status: "created", message, event: { roomId, seq: BigInt(row.seq), event } };
      if (message.clientMsgId) created.set(key(message.author.id, message.clientMsgId), message);
    }
  }
  // Duplicates get the first message: one written earlier in this batch, else one from before.
  const earlier = batch.flatMap((message, i) =>
    outcomes[i] || !message.clientMsgId || created.has(key(message.author.id, message.clientMsgId))
      ? []
      : [{ authorId: message.author.id, clientMsgId: message.clientMsgId }],
  );
  if (earlier.length > 0) {
    const rows = await db.prisma.message.findMany({ where: { OR: earlier }, select: messageSelect });
    for (const row of rows) if (row.clientMsgId) created.set(key(row.author.id, row.clientMsgId), toMessage(row));
  }
  const result: SendOutcome[] = [];
  for (const [i, message] of batch.entries()) {
    const first = message.clientMsgId ? created.get(key(message.author.id, message.clientMsgId)) : undefined;
    const outcome = outcomes[i] ?? (first ? { status: "existing" as const, message: first } : null);
    // Marked a duplicate, yet gone by now (its room was deleted meanwhile): write it on its own.
    result.push(...(outcome ? [outcome] : await createMessages(db, roomId, [drafts[i] as MessageDraft])));
  }
  return result;
}

/**
 * Stores one message and its `message.created` event (see createMessages, which this wraps).
 * A second send with the same (author, clientMsgId) returns the first message with `event: null`.
 */
export async function createMessage(
  db: Database,
  input: { roomId: string; author: User; text: string; clientMsgId: string | null },
): Promise<{ message: Message; event: StoredRoomEvent | null }> {
  const [outcome] = await createMessages(db, input.roomId, [input]);
  switch (outcome?.status) {
    case "created":
      return { message: outcome.message, event: outcome.event };
    case "existing":
      return { message: outcome.message, event: null };
    case "failed":
      throw outcome.error;
    case "no-room":
    case "not-member":
    case undefined:
      throw new Error(`Cannot write to room ${input.roomId}: ${outcome?.status ?? "no outcome"}`);
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
export async function getMessageMeta(db: Database, messageId: string): Promise<{ id: string; roomId: string; authorId: string } | null> {
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
  input: { messageId: string; roomId: string; text: string; mentions: User[] },
): Promise<{ message: Message; event: StoredRoomEvent }> {
  return db.prisma.$transaction(async (tx) => {
    const seq = await nextEventSeq(tx, input.roomId);
    await requireLive(tx, input.messageId); // a delete that won the lock makes this an unknown id
    const { ord } = await tx.message.update({
      where: { id: input.messageId },
      data: { text: input.text, editedAt: new Date() },
      select: { ord: true },
    });
    await tx.$executeRaw`UPDATE messages SET search = to_tsvector('simple', text) WHERE id = ${input.messageId}`;
    // The mentions follow the text; nobody is notified again (the edit is not news).
    await tx.messageMention.deleteMany({ where: { messageId: input.messageId } });
    await tx.messageMention.createMany({
      data: input.mentions.map((user, i) => ({ messageId: input.messageId, userId: user.id, roomId: input.roomId, ord, position: i + 1 })),
    });
    await tx.roomEvent.deleteMany({ where: { messageId: input.messageId } });
    const message = toMessage(await tx.message.findUniqueOrThrow({ where: { id: input.messageId }, select: messageSelect }));
    const event = await insertEvent(tx, input.roomId, seq, { type: "message.updated", message }, message.id);
    return { message, event };
  }, TX_OPTIONS);
}

/**
 * TOMBSTONE: erases a message's text and takes it out of search (search = NULL), unread counts
 * (deleted_ord: read-state.ts subtracts the deletions after a read position) and history
 * (deleted_at) in one write. The row itself stays, so cursors and clientMsgId retries resolve.
 */
const TOMBSTONE = (messageId: string) => Prisma.sql`
      UPDATE messages SET text = '', deleted_at = now(), deleted_ord = ord, search = NULL
      WHERE id = ${messageId}`;

/**
 * LAST_LIVE_MESSAGE_AT: sets the room's last_message_at to its newest live message's time (NULL
 * when none is left), after a delete. Read again instead of kept per message: deletes are rare,
 * and the (room_id, seq) index finds the newest live message from the end.
 */
const LAST_LIVE_MESSAGE_AT = (roomId: string) => Prisma.sql`
      UPDATE rooms SET last_message_at = (
        SELECT m.created_at FROM messages m WHERE m.room_id = ${roomId}::text AND m.deleted_at IS NULL
        ORDER BY m.seq DESC LIMIT 1)
      WHERE id = ${roomId}::text`;

/**
 * Takes a message out of history: its text, mentions and reactions are erased, its earlier events
 * (which carry the text) are purged from the log, and `message.deleted` is recorded. The row stays as a tombstone so
 * cursors and clientMsgId retries still resolve.
 */
export async function deleteMessage(db: Database, input: { messageId: string; roomId: string }): Promise<{ event: StoredRoomEvent }> {
  return db.prisma.$transaction(async (tx) => {
    const seq = await nextEventSeq(tx, input.roomId);
    await requireLive(tx, input.messageId);
    // Out of search, out of unread counts (deleted_ord) and out of mention counts at once.
    await tx.$executeRaw(TOMBSTONE(input.messageId));
    await tx.messageMention.deleteMany({ where: { messageId: input.messageId } });
    await tx.reaction.deleteMany({ where: { messageId: input.messageId } });
    await tx.$executeRaw(LAST_LIVE_MESSAGE_AT(input.roomId));
    await tx.roomEvent.deleteMany({ where: { messageId: input.messageId } });
    const event = await insertEvent(tx, input.roomId, seq, {
      type: "message.deleted",
      roomId: input.roomId,
      messageId: input.messageId,
    });
    return { event };
  }, TX_OPTIONS);
}
