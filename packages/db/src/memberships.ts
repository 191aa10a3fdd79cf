// Memberships: who belongs to a room and as what (owner, admin, member). Joining, leaving and
// role changes bump the room's event sequence and write their events in the same transaction.
import { publicUser, type Role, type Room, type User } from "@parley/contract";
import type { Database } from "./database";
import { uniqueViolationFields } from "./errors";
import { insertEvent, nextEventSeq, TX_OPTIONS, type StoredRoomEvent } from "./events";
import { toUser, userSelect } from "./mappers";
import { readToHead } from "./read-state";
import { enforce, type Guard } from "./room-guard";

/** What decides what `userId` may do in a room. */
export type Access = { kind: Room["kind"]; visibility: Room["visibility"]; role: Role | null };

/** The room's kind and visibility and `userId`'s role in it (null: not a member); null: no room. */
export async function getAccess(db: Database, roomId: string, userId: string): Promise<Access | null> {
  const row = await db.prisma.room.findUnique({
    where: { id: roomId },
    select: { kind: true, visibility: true, memberships: { where: { userId }, select: { role: true } } },
  });
  if (!row) return null;
  return {
    kind: row.kind as Room["kind"],
    visibility: row.visibility as Room["visibility"],
    role: (row.memberships[0]?.role as Role | undefined) ?? null,
  };
}

/** Whether the room exists and whether `userId` belongs to it. */
export async function getMembership(db: Database, roomId: string, userId: string): Promise<"no-room" | "member" | "not-member"> {
  const access = await getAccess(db, roomId, userId);
  if (!access) return "no-room";
  return access.role ? "member" : "not-member";
}

/**
 * Adds `user` to the room, if `guard` (checked under the room's lock) allows. `events` is empty
 * when they were a member already (join is idempotent). Someone joining a channel that has no
 * owner (everyone left) becomes its owner, so no channel is left that nobody can manage.
 */
export async function joinRoom(
  db: Database,
  roomId: string,
  user: User,
  options: { guard?: Guard; actorId?: string } = {},
): Promise<{ events: StoredRoomEvent[] }> {
  try {
    return await db.prisma.$transaction(async (tx) => {
      const existing = await tx.membership.findUnique({
        where: { roomId_userId: { roomId, userId: user.id } },
        select: { userId: true },
      });
      if (existing) return { events: [] };
      const seq = await nextEventSeq(tx, roomId);
      await enforce(tx, roomId, [user.id, ...(options.actorId ? [options.actorId] : [])], options.guard);
      const owned = await tx.membership.findFirst({ where: { roomId, role: "owner" }, select: { userId: true } });
      await tx.membership.create({ data: { roomId, userId: user.id, role: owned ? "member" : "owner" } });
      const events = [await insertEvent(tx, roomId, seq, { type: "member.joined", roomId, user: publicUser(user) })];
      if (!owned) {
        const next = await nextEventSeq(tx, roomId);
        events.push(await insertEvent(tx, roomId, next, { type: "member.role", roomId, user: publicUser(user), role: "owner" }));
      }
      await readToHead(tx, roomId, user.id);
      return { events };
    }, TX_OPTIONS);
  } catch (error) {
    // Two joins raced: the other one made the member and emitted the event.
    if (uniqueViolationFields(error)) return { events: [] };
    throw error;
  }
}

/**
 * Takes `user` out of the room: they left, or `by` removed them. Empty when they were not a
 * member. An owner who leaves hands the room to the longest-standing admin, else the
 * longest-standing member (a second event, `member.role`).
 */
export async function leaveRoom(
  db: Database,
  roomId: string,
  user: User,
  options: { by?: User; guard?: Guard } = {},
): Promise<{ events: StoredRoomEvent[] }> {
  return db.prisma
    .$transaction(async (tx) => {
      const seq = await nextEventSeq(tx, roomId);
      await enforce(tx, roomId, [user.id, ...(options.by ? [options.by.id] : [])], options.guard);
      const gone = await tx.membership.findUnique({ where: { roomId_userId: { roomId, userId: user.id } }, select: { role: true } });
      // Not a member: throwing rolls the sequence bump back.
      if (!gone) throw new NotAMember();
      await tx.membership.delete({ where: { roomId_userId: { roomId, userId: user.id } } });
      const events = [
        await insertEvent(tx, roomId, seq, {
          type: "member.left",
          roomId,
          user: publicUser(user),
          ...(options.by ? { by: publicUser(options.by) } : {}),
        }),
      ];
      if (gone.role === "owner") {
        const heir = await tx.membership.findFirst({
          where: { roomId },
          // "admin" < "member" < "owner": admins first, then by seniority.
          orderBy: [{ role: "asc" }, { joinedAt: "asc" }, { userId: "asc" }],
          select: { userId: true, user: { select: userSelect } },
        });
        if (heir) {
          await tx.membership.update({ where: { roomId_userId: { roomId, userId: heir.userId } }, data: { role: "owner" } });
          const next = await nextEventSeq(tx, roomId);
          events.push(await insertEvent(tx, roomId, next, { type: "member.role", roomId, user: toUser(heir.user), role: "owner" }));
        }
      }
      return { events };
    }, TX_OPTIONS)
    .catch((error: unknown) => {
      if (error instanceof NotAMember) return { events: [] };
      throw error;
    });
}

/** Not a member: rolls the transaction (and its sequence bump) back. */
class NotAMember extends Error {}

/** A member's role (and the user), or null when they are not in the room. */
export async function getMember(
  db: Database,
  roomId: string,
  userId: string,
): Promise<{ user: User; joinedAt: string; role: Role } | null> {
  const row = await db.prisma.membership.findUnique({
    where: { roomId_userId: { roomId, userId } },
    select: { joinedAt: true, role: true, user: { select: userSelect } },
  });
  return row ? { user: toUser(row.user), joinedAt: row.joinedAt.toISOString(), role: row.role as Role } : null;
}

/** Sets a member's role; `event` is null when it was that already. Null when they are not a member. */
export async function setRole(
  db: Database,
  roomId: string,
  userId: string,
  role: Role,
  options: { guard?: Guard; actorId?: string } = {},
): Promise<{ event: StoredRoomEvent | null } | null> {
  return db.prisma
    .$transaction(async (tx) => {
      const seq = await nextEventSeq(tx, roomId);
      await enforce(tx, roomId, [userId, ...(options.actorId ? [options.actorId] : [])], options.guard);
      const member = await tx.membership.findUnique({
        where: { roomId_userId: { roomId, userId } },
        select: { role: true, user: { select: userSelect } },
      });
      if (!member) throw new NotAMember();
      if (member.role === role) throw new SameRole();
      await tx.membership.update({ where: { roomId_userId: { roomId, userId } }, data: { role } });
      const event = await insertEvent(tx, roomId, seq, { type: "member.role", roomId, user: toUser(member.user), role });
      return { event };
    }, TX_OPTIONS)
    .catch((error: unknown) => {
      if (error instanceof NotAMember) return null;
      if (error instanceof SameRole) return { event: null };
      throw error;
    });
}

/** The member has that role already: rolls the transaction (and its sequence bump) back. */
class SameRole extends Error {}

/** The room's members, earliest first. */
export async function listMembers(db: Database, roomId: string): Promise<{ user: User; joinedAt: string; role: Role }[]> {
  const rows = await db.prisma.membership.findMany({
    where: { roomId },
    orderBy: [{ joinedAt: "asc" }, { userId: "asc" }],
    select: { joinedAt: true, role: true, user: { select: userSelect } },
  });
  return rows.map((row) => ({ user: toUser(row.user), joinedAt: row.joinedAt.toISOString(), role: row.role as Role }));
}
