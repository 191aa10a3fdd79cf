// Direct messages: a private room of exactly two members, one per pair of users.
import { publicUser, type Room, type User } from "@parley/contract";
import type { Database } from "./database";
import { uniqueViolationFields } from "./errors";
import { insertEvent, nextEventSeq, TX_OPTIONS, type StoredRoomEvent } from "./events";
import { readToHead } from "./read-state";
import { getRoom } from "./rooms";

/** The dm between two users, by its pair key. */
function dmKeyOf(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/**
 * The dm between `me` and `other`, as `me` sees it: created with both as members on the first
 * call, the same room afterwards. Two concurrent first calls create one room: the pair key is
 * unique, so the second insert fails and reads the first one's room.
 */
export async function openDm(db: Database, me: User, other: User): Promise<{ room: Room; events: StoredRoomEvent[] }> {
  const dmKey = dmKeyOf(me.id, other.id);
  const existing = await db.prisma.room.findUnique({ where: { dmKey }, select: { id: true } });
  if (existing) return { room: await requireRoom(db, existing.id, me.id), events: [] };
  try {
    const { id, events } = await db.prisma.$transaction(async (tx) => {
      const created = await tx.room.create({
        data: { name: "", kind: "dm", visibility: "private", dmKey, createdById: me.id },
        select: { id: true },
      });
      const stored: StoredRoomEvent[] = [];
      for (const user of [me, other]) {
        const seq = await nextEventSeq(tx, created.id);
        await tx.membership.create({ data: { roomId: created.id, userId: user.id } });
        stored.push(await insertEvent(tx, created.id, seq, { type: "member.joined", roomId: created.id, user: publicUser(user) }));
      }
      for (const user of [me, other]) await readToHead(tx, created.id, user.id);
      return { id: created.id, events: stored };
    }, TX_OPTIONS);
    return { room: await requireRoom(db, id, me.id), events };
  } catch (error) {
    if (!uniqueViolationFields(error)) throw error;
    // The other person opened it at the same moment: theirs is the one.
    const raced = await db.prisma.room.findUniqueOrThrow({ where: { dmKey }, select: { id: true } });
    return { room: await requireRoom(db, raced.id, me.id), events: [] };
  }
}

async function requireRoom(db: Database, roomId: string, viewerId: string): Promise<Room> {
  const room = await getRoom(db, roomId, viewerId);
  if (!room) throw new Error(`room ${roomId} vanished`);
  return room;
}
