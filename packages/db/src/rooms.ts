import { publicUser, type Room, type User } from "@parley/contract";
import type { Database } from "./database";
import { mapUniqueViolation, uniqueViolationFields } from "./errors";
import { insertEvent, nextEventSeq, TX_OPTIONS, type StoredRoomEvent } from "./events";
import type { Prisma } from "./generated/client";
import { toUser, userSelect } from "./mappers";

function roomSelect(viewerId: string) {
  return {
    id: true,
    name: true,
    createdAt: true,
    createdBy: { select: userSelect },
    _count: { select: { memberships: true } },
    memberships: { where: { userId: viewerId }, select: { userId: true } },
  } satisfies Prisma.RoomSelect;
}

type RoomRow = Prisma.RoomGetPayload<{ select: ReturnType<typeof roomSelect> }>;

function toRoom(row: RoomRow): Room {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    createdBy: toUser(row.createdBy),
    memberCount: row._count.memberships,
    joined: row.memberships.length > 0,
  };
}

/** Creates a room with its creator as first member; UniqueViolationError when the name is taken. */
export async function createRoom(
  db: Database,
  input: { name: string; creator: User },
): Promise<{ room: Room; event: StoredRoomEvent }> {
  return mapUniqueViolation(() =>
    db.prisma.$transaction(async (tx) => {
      const created = await tx.room.create({
        data: { name: input.name, nameKey: input.name.toLowerCase(), createdById: input.creator.id },
        select: { id: true },
      });
      const seq = await nextEventSeq(tx, created.id);
      await tx.membership.create({ data: { roomId: created.id, userId: input.creator.id } });
      const event = await insertEvent(tx, created.id, seq, {
        type: "member.joined",
        roomId: created.id,
        user: publicUser(input.creator),
      });
      const row = await tx.room.findUniqueOrThrow({ where: { id: created.id }, select: roomSelect(input.creator.id) });
      return { room: toRoom(row), event };
    }, TX_OPTIONS),
  );
}

/**
 * The rooms `viewerId` sees, ordered by name ignoring case: every room they are a member of, and
 * at most `othersLimit` of the others, the most populated first (a flood of empty rooms cannot
 * push the busy ones out), so the list stays bounded however many rooms exist.
 */
export async function listRooms(db: Database, viewerId: string, options: { othersLimit: number }): Promise<Room[]> {
  const select = { ...roomSelect(viewerId), nameKey: true };
  const [joined, others] = await Promise.all([
    db.prisma.room.findMany({ where: { memberships: { some: { userId: viewerId } } }, select }),
    options.othersLimit > 0
      ? db.prisma.room.findMany({
          where: { memberships: { none: { userId: viewerId } } },
          orderBy: [{ memberships: { _count: "desc" } }, { nameKey: "asc" }, { id: "asc" }],
          take: options.othersLimit,
          select,
        })
      : [],
  ]);
  const rows = [...joined, ...others];
  // Sorted here, by code point of the lower-cased name: database collations differ (PGlite's
  // and a PostgreSQL server's order punctuation differently), the contract's order must not.
  rows.sort((a, b) => (a.nameKey < b.nameKey ? -1 : a.nameKey > b.nameKey ? 1 : a.id < b.id ? -1 : 1));
  return rows.map(toRoom);
}

/** One room as `viewerId` sees it, or null. */
export async function getRoom(db: Database, roomId: string, viewerId: string): Promise<Room | null> {
  const row = await db.prisma.room.findUnique({ where: { id: roomId }, select: roomSelect(viewerId) });
  return row ? toRoom(row) : null;
}

/** Whether the room exists and whether `userId` belongs to it. */
export async function getMembership(
  db: Database,
  roomId: string,
  userId: string,
): Promise<"no-room" | "member" | "not-member"> {
  const row = await db.prisma.room.findUnique({
    where: { id: roomId },
    select: { memberships: { where: { userId }, select: { userId: true } } },
  });
  if (!row) return "no-room";
  return row.memberships.length > 0 ? "member" : "not-member";
}

/** Adds `user` to the room. `event` is null when they were a member already (join is idempotent). */
export async function joinRoom(
  db: Database,
  roomId: string,
  user: User,
): Promise<{ event: StoredRoomEvent | null }> {
  try {
    return await db.prisma.$transaction(async (tx) => {
      const existing = await tx.membership.findUnique({
        where: { roomId_userId: { roomId, userId: user.id } },
        select: { userId: true },
      });
      if (existing) return { event: null };
      const seq = await nextEventSeq(tx, roomId);
      await tx.membership.create({ data: { roomId, userId: user.id } });
      const event = await insertEvent(tx, roomId, seq, { type: "member.joined", roomId, user: publicUser(user) });
      return { event };
    }, TX_OPTIONS);
  } catch (error) {
    // Two joins raced: the other one made the member and emitted the event.
    if (uniqueViolationFields(error)) return { event: null };
    throw error;
  }
}

/** Removes `user` from the room. `event` is null when they were not a member. */
export async function leaveRoom(
  db: Database,
  roomId: string,
  user: User,
): Promise<{ event: StoredRoomEvent | null }> {
  return db.prisma.$transaction(async (tx) => {
    const seq = await nextEventSeq(tx, roomId);
    const { count } = await tx.membership.deleteMany({ where: { roomId, userId: user.id } });
    if (count === 0) {
      // Not a member: undo the sequence bump by rolling back.
      throw new NotAMember();
    }
    const event = await insertEvent(tx, roomId, seq, { type: "member.left", roomId, user: publicUser(user) });
    return { event };
  }, TX_OPTIONS).catch((error: unknown) => {
    if (error instanceof NotAMember) return { event: null };
    throw error;
  });
}

class NotAMember extends Error {}

/** The room's members, earliest first. */
export async function listMembers(db: Database, roomId: string): Promise<{ user: User; joinedAt: string }[]> {
  const rows = await db.prisma.membership.findMany({
    where: { roomId },
    orderBy: [{ joinedAt: "asc" }, { userId: "asc" }],
    select: { joinedAt: true, user: { select: userSelect } },
  });
  return rows.map((row) => ({ user: toUser(row.user), joinedAt: row.joinedAt.toISOString() }));
}
