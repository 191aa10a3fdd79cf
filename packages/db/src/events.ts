import type { RoomEvent } from "@parley/contract";
import type { Database } from "./database";
import type { Prisma } from "./generated/client";

export type Tx = Prisma.TransactionClient;

/** A room event as stored: `seq` is its position in the room's log (the public event id). */
export type StoredRoomEvent = { roomId: string; seq: bigint; event: RoomEvent };

/**
 * Options for interactive transactions that take a room's lock: under a burst in one room they
 * wait for each other, so allow more than Prisma's 2 s default to get a connection and to finish.
 */
export const TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

/**
 * Takes the room's next event sequence number. The UPDATE locks the room row until the
 * transaction ends, so writers to one room queue up here and sequence numbers follow commit
 * order with no holes: whoever sees event n+1 committed can be sure n is committed too.
 * Call it before any other write of the transaction, so rows it creates follow the same order.
 */
export async function nextEventSeq(tx: Tx, roomId: string): Promise<bigint> {
  const room = await tx.room.update({
    where: { id: roomId },
    data: { lastEventSeq: { increment: 1 } },
    select: { lastEventSeq: true },
  });
  return room.lastEventSeq;
}

/** Appends `event` to the room's log at `seq` (from nextEventSeq, in the same transaction). */
export async function insertEvent(
  tx: Tx,
  roomId: string,
  seq: bigint,
  event: RoomEvent,
  messageId: string | null = null,
): Promise<StoredRoomEvent> {
  await tx.roomEvent.create({
    data: { roomId, seq, type: event.type, payload: event, messageId },
  });
  return { roomId, seq, event };
}

/** The room's events after `afterSeq` (and up to `untilSeq`, when given), oldest first. */
export async function listEventsAfter(
  db: Database,
  roomId: string,
  afterSeq: bigint,
  options: { untilSeq?: bigint; limit?: number } = {},
): Promise<StoredRoomEvent[]> {
  const rows = await db.prisma.roomEvent.findMany({
    where: {
      roomId,
      seq: { gt: afterSeq, ...(options.untilSeq !== undefined ? { lte: options.untilSeq } : {}) },
    },
    orderBy: { seq: "asc" },
    take: options.limit ?? 500,
    select: { seq: true, payload: true },
  });
  return rows.map((row) => ({ roomId, seq: row.seq, event: row.payload as unknown as RoomEvent }));
}

/** The sequence number of the room's newest event, or null when there is no such room. */
export async function getLastEventSeq(db: Database, roomId: string): Promise<bigint | null> {
  const room = await db.prisma.room.findUnique({ where: { id: roomId }, select: { lastEventSeq: true } });
  return room ? room.lastEventSeq : null;
}
