// Rooms: channels (public or private) and the rooms as one viewer sees them (a dm is named
// after its other member; counts and read state are the viewer's own).
import { publicUser, type ReadState, type Role, type Room, type User } from "@parley/contract";
import type { Database } from "./database";
import { mapUniqueViolation } from "./errors";
import { insertEvent, nextEventSeq, TX_OPTIONS, type StoredRoomEvent, type Tx } from "./events";
import { Prisma } from "./generated/client";
import { toUser, userSelect } from "./mappers";
import { NOT_READING, READ_STATE_COLUMNS, readStates, readToHead, toReadState, type ReadRow } from "./read-state";
import { enforce, type Guard } from "./room-guard";

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
 * JOINED_ROOMS: every room `viewerId` is a member of, with its creator, member count, the
 * viewer's role and read state, one row per room (JoinedRow). Written by hand as one statement:
 * as many rooms as a person joins, a Prisma findMany with its relations plus the read-state
 * query took several round trips and most of room.list's time. The member count is a subquery
 * per room (an index probe on memberships' key) rather than a GROUP BY over everyone's rows.
 */
const JOINED_ROOMS = (viewerId: string) => Prisma.sql`
    SELECT r.id, r.name, r.name_key, r.kind, r.visibility, r.topic, r.created_at,
      u.id AS creator_id, u.username AS creator_username, u.created_at AS creator_created_at,
      u.deactivated_at AS creator_deactivated_at,
      (SELECT count(*) FROM memberships c WHERE c.room_id = r.id)::int AS member_count,
      ms.role, ${READ_STATE_COLUMNS}
    FROM memberships ms
    JOIN rooms r ON r.id = ms.room_id
    JOIN users u ON u.id = r.created_by_id
    WHERE ms.user_id = ${viewerId}::text`;

/** Every room `viewerId` is in, with their read state (JOINED_ROOMS), as Prisma-shaped rows. */
async function joinedRooms(db: Database, viewerId: string): Promise<{ row: RoomRow; reading: ReadState }[]> {
  const rows = await db.prisma.$queryRaw<JoinedRow[]>(JOINED_ROOMS(viewerId));
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
