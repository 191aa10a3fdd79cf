import { publicUser, type ReadState, type Role, type Room, type User } from "@parley/contract";
import type { Database } from "./database";
import { mapUniqueViolation, uniqueViolationFields } from "./errors";
import { insertEvent, nextEventSeq, TX_OPTIONS, type StoredRoomEvent, type Tx } from "./events";
import type { Prisma } from "./generated/client";
import { toUser, userSelect } from "./mappers";
import { NOT_READING, READ_STATE_COLUMNS, readStates, readToHead, toReadState, type ReadRow } from "./reading";

type Kind = Room["kind"];
type Visibility = Room["visibility"];

function roomSelect(viewerId: string) {
  return {
    id: true,
    name: true,
    nameKey: true,
    kind: true,
    visibility: true,
    topic: true,
    createdAt: true,
    createdBy: { select: userSelect },
    _count: { select: { memberships: true } },
    memberships: { where: { userId: viewerId }, select: { role: true } },
  } satisfies Prisma.RoomSelect;
}

type RoomRow = Prisma.RoomGetPayload<{ select: ReturnType<typeof roomSelect> }>;

function toRoom(row: RoomRow, peer: User | null, reading: ReadState): Room {
  const kind = row.kind as Kind;
  return {
    id: row.id,
    name: kind === "dm" ? (peer?.username ?? "") : row.name,
    createdAt: row.createdAt.toISOString(),
    createdBy: toUser(row.createdBy),
    memberCount: row._count.memberships,
    joined: row.memberships.length > 0,
    kind,
    visibility: row.visibility as Visibility,
    topic: row.topic,
    role: (row.memberships[0]?.role as Role | undefined) ?? null,
    peer: kind === "dm" ? peer : null,
    unreadCount: reading.unreadCount,
    mentionCount: reading.mentionCount,
    lastReadEventId: reading.lastReadEventId,
    lastMessageAt: reading.lastMessageAt,
  };
}

/** The other member of each of these dms, as `viewerId` sees them. */
async function dmPeers(db: Database | Tx, dmIds: string[], viewerId: string): Promise<Map<string, User>> {
  if (dmIds.length === 0) return new Map();
  const client = "prisma" in db ? db.prisma : db;
  const rows = await client.membership.findMany({
    where: { roomId: { in: dmIds }, userId: { not: viewerId } },
    select: { roomId: true, user: { select: userSelect } },
  });
  return new Map(rows.map((row) => [row.roomId, toUser(row.user)]));
}

/** Rooms as `viewerId` sees them; `known`: read states already read, by room id. */
async function toRooms(db: Database | Tx, rows: RoomRow[], viewerId: string, known = new Map<string, ReadState>()): Promise<Room[]> {
  const unknown = rows.filter((row) => !known.has(row.id)).map((row) => row.id);
  const [peers, reading] = await Promise.all([
    dmPeers(
      db,
      rows.filter((row) => row.kind === "dm").map((row) => row.id),
      viewerId,
    ),
    unknown.length > 0 ? readStates(db, unknown, viewerId) : new Map<string, ReadState>(),
  ]);
  return rows.map((row) => toRoom(row, peers.get(row.id) ?? null, known.get(row.id) ?? reading.get(row.id) ?? NOT_READING));
}

/** Creates a channel with its creator as owner; UniqueViolationError when the name is taken. */
export async function createRoom(
  db: Database,
  input: { name: string; creator: User; visibility?: Visibility; topic?: string },
): Promise<{ room: Room; event: StoredRoomEvent }> {
  return mapUniqueViolation(() =>
    db.prisma.$transaction(async (tx) => {
      const created = await tx.room.create({
        data: {
          name: input.name,
          nameKey: input.name.toLowerCase(),
          visibility: input.visibility ?? "public",
          topic: input.topic ?? "",
          createdById: input.creator.id,
        },
        select: { id: true },
      });
      const seq = await nextEventSeq(tx, created.id);
      await tx.membership.create({ data: { roomId: created.id, userId: input.creator.id, role: "owner" } });
      const event = await insertEvent(tx, created.id, seq, {
        type: "member.joined",
        roomId: created.id,
        user: publicUser(input.creator),
      });
      await readToHead(tx, created.id, input.creator.id);
      const row = await tx.room.findUniqueOrThrow({ where: { id: created.id }, select: roomSelect(input.creator.id) });
      const [room] = await toRooms(tx, [row], input.creator.id);
      if (!room) throw new Error(`room ${created.id} vanished`);
      return { room, event };
    }, TX_OPTIONS),
  );
}

/**
 * The rooms `viewerId` sees: every room they are a member of (channels, private ones and dms),
 * and at most `othersLimit` of the public channels they are not in, the most populated first (a
 * flood of empty rooms cannot push the busy ones out), so the list stays bounded however many
 * rooms exist. Channels come first, by name ignoring case; then dms, newest message first.
 */
export async function listRooms(db: Database, viewerId: string, options: { othersLimit: number }): Promise<Room[]> {
  const [joined, others] = await Promise.all([
    joinedRooms(db, viewerId),
    options.othersLimit > 0
      ? db.prisma.room.findMany({
          where: { kind: "channel", visibility: "public", memberships: { none: { userId: viewerId } } },
          orderBy: [{ memberships: { _count: "desc" } }, { nameKey: "asc" }, { id: "asc" }],
          take: options.othersLimit,
          select: roomSelect(viewerId),
        })
      : [],
  ]);
  const known = new Map(joined.map(({ row, reading }) => [row.id, reading]));
  const rows = joined.map(({ row }) => row);
  const channels = [...rows.filter((row) => row.kind === "channel"), ...others];
  // Sorted here, by code point of the lower-cased name: database collations differ (PGlite's
  // and a PostgreSQL server's order punctuation differently), the contract's order must not.
  channels.sort((a, b) => compareKeys(a.nameKey ?? "", b.nameKey ?? "") || compareKeys(a.id, b.id));
  const dms = rows.filter((row) => row.kind === "dm");
  const list = await toRooms(db, [...channels, ...dms], viewerId, known);
  const activity = (room: Room) => Date.parse(room.lastMessageAt ?? room.createdAt);
  const dmRooms = list.slice(channels.length);
  dmRooms.sort((a, b) => activity(b) - activity(a) || compareKeys(a.id, b.id));
  return [...list.slice(0, channels.length), ...dmRooms];
}

type JoinedRow = Omit<ReadRow, "room_id"> & {
  id: string;
  name: string;
  name_key: string | null;
  kind: string;
  visibility: string;
  topic: string;
  created_at: Date | string;
  creator_id: string;
  creator_username: string;
  creator_created_at: Date | string;
  creator_deactivated_at: Date | string | null;
  member_count: number;
  role: string;
};

/**
 * Every room `viewerId` is in, with their read state, in one statement: as many rooms as a
 * person joins, a Prisma findMany with its relations plus the read-state query took several
 * round trips and most of room.list's time.
 */
async function joinedRooms(db: Database, viewerId: string): Promise<{ row: RoomRow; reading: ReadState }[]> {
  const rows = await db.prisma.$queryRaw<JoinedRow[]>`
    SELECT r.id, r.name, r.name_key, r.kind, r.visibility, r.topic, r.created_at,
      u.id AS creator_id, u.username AS creator_username, u.created_at AS creator_created_at,
      u.deactivated_at AS creator_deactivated_at,
      (SELECT count(*) FROM memberships c WHERE c.room_id = r.id)::int AS member_count,
      ms.role, ${READ_STATE_COLUMNS}
    FROM memberships ms
    JOIN rooms r ON r.id = ms.room_id
    JOIN users u ON u.id = r.created_by_id
    WHERE ms.user_id = ${viewerId}::text`;
  return rows.map((joined) => ({
    row: {
      id: joined.id,
      name: joined.name,
      nameKey: joined.name_key,
      kind: joined.kind,
      visibility: joined.visibility,
      topic: joined.topic,
      createdAt: new Date(joined.created_at),
      createdBy: {
        id: joined.creator_id,
        username: joined.creator_username,
        createdAt: new Date(joined.creator_created_at),
        deactivatedAt: joined.creator_deactivated_at === null ? null : new Date(joined.creator_deactivated_at),
      },
      _count: { memberships: joined.member_count },
      memberships: [{ role: joined.role }],
    },
    reading: toReadState(joined),
  }));
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One room as `viewerId` sees it, or null when there is no such room or it is private and they
 * are not in it (the two must look the same to them).
 */
export async function getRoom(db: Database | Tx, roomId: string, viewerId: string): Promise<Room | null> {
  const client = "prisma" in db ? db.prisma : db;
  const row = await client.room.findUnique({ where: { id: roomId }, select: roomSelect(viewerId) });
  if (!row || (row.visibility === "private" && row.memberships.length === 0)) return null;
  const [room] = await toRooms(db, [row], viewerId);
  return room ?? null;
}

/** What decides what `userId` may do in a room. */
export type Access = { kind: Kind; visibility: Visibility; role: Role | null };

/** The room's kind and visibility and `userId`'s role in it (null: not a member); null: no room. */
export async function getAccess(db: Database, roomId: string, userId: string): Promise<Access | null> {
  const row = await db.prisma.room.findUnique({
    where: { id: roomId },
    select: { kind: true, visibility: true, memberships: { where: { userId }, select: { role: true } } },
  });
  if (!row) return null;
  return {
    kind: row.kind as Kind,
    visibility: row.visibility as Visibility,
    role: (row.memberships[0]?.role as Role | undefined) ?? null,
  };
}

/** Whether the room exists and whether `userId` belongs to it. */
export async function getMembership(
  db: Database,
  roomId: string,
  userId: string,
): Promise<"no-room" | "member" | "not-member"> {
  const access = await getAccess(db, roomId, userId);
  if (!access) return "no-room";
  return access.role ? "member" : "not-member";
}

/** What a permission rule reads, under the room's lock: the room and the roles of those involved. */
export type RoomState = Access & { roleOf: (userId: string) => Role | null };

/**
 * A permission rule, checked again inside the writing transaction after the room row is locked
 * (the callers check it first for a quick answer): a role or visibility that changed since then
 * refuses the write instead of acting on a stale check. "ok", or why not.
 */
export type Guard = (state: RoomState) => "ok" | "forbidden" | "not-found";

/** Thrown inside a transaction by a failed guard: rolls the write (and its sequence bump) back. */
export class GuardRefused extends Error {
  constructor(readonly reason: "forbidden" | "not-found") {
    super(`refused: ${reason}`);
    this.name = "GuardRefused";
  }
}

/** Checks `guard` against the room as it is now; call it after nextEventSeq has locked the room. */
async function enforce(tx: Tx, roomId: string, userIds: string[], guard: Guard | undefined): Promise<void> {
  if (!guard) return;
  const room = await tx.room.findUniqueOrThrow({
    where: { id: roomId },
    select: { kind: true, visibility: true, memberships: { where: { userId: { in: userIds } }, select: { userId: true, role: true } } },
  });
  const roles = new Map(room.memberships.map((m) => [m.userId, m.role as Role]));
  const verdict = guard({
    kind: room.kind as Kind,
    visibility: room.visibility as Visibility,
    role: null,
    roleOf: (userId) => roles.get(userId) ?? null,
  });
  if (verdict !== "ok") throw new GuardRefused(verdict);
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
      if (member.role === role) throw new Unchanged();
      await tx.membership.update({ where: { roomId_userId: { roomId, userId } }, data: { role } });
      const event = await insertEvent(tx, roomId, seq, { type: "member.role", roomId, user: toUser(member.user), role });
      return { event };
    }, TX_OPTIONS)
    .catch((error: unknown) => {
      if (error instanceof NotAMember) return null;
      if (error instanceof Unchanged) return { event: null };
      throw error;
    });
}

/** Nothing to change: rolls the transaction (and its sequence bump) back. */
class Unchanged extends Error {
  constructor(readonly before: Visibility | null = null) {
    super("unchanged");
  }
}

/**
 * Changes a channel's name, topic or visibility; `event` (`room.updated`) is null when nothing
 * changed. UniqueViolationError when the new name is taken.
 */
export async function updateRoom(
  db: Database,
  roomId: string,
  changes: { name?: string; topic?: string; visibility?: Visibility },
  options: { guard?: Guard; actorId?: string } = {},
): Promise<{ event: StoredRoomEvent | null; before: Visibility }> {
  return mapUniqueViolation(() =>
    db.prisma
      .$transaction(async (tx) => {
        const seq = await nextEventSeq(tx, roomId);
        await enforce(tx, roomId, options.actorId ? [options.actorId] : [], options.guard);
        const current = await tx.room.findUniqueOrThrow({
          where: { id: roomId },
          select: { name: true, topic: true, visibility: true },
        });
        const next = {
          name: changes.name ?? current.name,
          topic: changes.topic ?? current.topic,
          visibility: changes.visibility ?? (current.visibility as Visibility),
        };
        const before = current.visibility as Visibility;
        if (next.name === current.name && next.topic === current.topic && next.visibility === current.visibility) {
          throw new Unchanged(before);
        }
        await tx.room.update({
          where: { id: roomId },
          data: { ...next, nameKey: next.name.toLowerCase() },
        });
        const event = await insertEvent(tx, roomId, seq, { type: "room.updated", room: { id: roomId, ...next } });
        return { event, before };
      }, TX_OPTIONS)
      .catch((error: unknown) => {
        if (error instanceof Unchanged) return { event: null, before: error.before ?? "public" };
        throw error;
      }),
  );
}

/** The dm between two users, by its pair key. */
function dmKeyOf(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/**
 * The dm between `me` and `other`, as `me` sees it: created with both as members on the first
 * call, the same room afterwards. Two concurrent first calls create one room: the pair key is
 * unique, so the second insert fails and reads the first one's room.
 */
export async function openDm(
  db: Database,
  me: User,
  other: User,
): Promise<{ room: Room; events: StoredRoomEvent[] }> {
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

/** The room's members, earliest first. */
export async function listMembers(
  db: Database,
  roomId: string,
): Promise<{ user: User; joinedAt: string; role: Role }[]> {
  const rows = await db.prisma.membership.findMany({
    where: { roomId },
    orderBy: [{ joinedAt: "asc" }, { userId: "asc" }],
    select: { joinedAt: true, role: true, user: { select: userSelect } },
  });
  return rows.map((row) => ({ user: toUser(row.user), joinedAt: row.joinedAt.toISOString(), role: row.role as Role }));
}
