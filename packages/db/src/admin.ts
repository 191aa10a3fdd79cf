// What `pnpm admin` (apps/server/src/admin) reads and writes besides the ordinary repositories:
// looking people and rooms up by what an operator types, counting, and exporting a room.
import type { User } from "@parley/contract";
import type { Database } from "./database";
import { toUser, userSelect } from "./mappers";

/** A user by username or email (ignoring case) or id; null when none. */
export async function findUser(db: Database, key: string): Promise<User | null> {
  if (key.includes("\u0000")) return null;
  const lower = key.toLowerCase();
  const row = await db.prisma.user.findFirst({
    where: { OR: [{ usernameKey: lower }, { email: lower }, { id: key }] },
    select: userSelect,
  });
  return row ? toUser(row) : null;
}

/** A channel by name (ignoring case, with or without `#`) or any room by id; null when none. */
export async function findRoom(db: Database, key: string): Promise<{ id: string; name: string; kind: string } | null> {
  if (key.includes("\u0000")) return null;
  const name = key.replace(/^#/, "").normalize("NFKC").toLowerCase();
  return db.prisma.room.findFirst({
    where: { OR: [{ nameKey: name }, { id: key }] },
    select: { id: true, name: true, kind: true },
  });
}

export type ExportedMessage = {
  id: string;
  author: User;
  text: string;
  createdAt: string;
  editedAt: string | null;
};

/**
 * A room's live (not deleted) messages in the order they were sent, a page of `pageSize` at a
 * time, so a room of any size is exported in bounded memory.
 */
export async function* roomMessages(db: Database, roomId: string, pageSize = 1000): AsyncGenerator<ExportedMessage> {
  let after: bigint = -1n;
  for (;;) {
    const rows = await db.prisma.message.findMany({
      where: { roomId, deletedAt: null, seq: { gt: after } },
      orderBy: { seq: "asc" },
      take: pageSize,
      select: { id: true, seq: true, text: true, createdAt: true, editedAt: true, author: { select: userSelect } },
    });
    for (const row of rows) {
      yield {
        id: row.id,
        author: toUser(row.author),
        text: row.text,
        createdAt: row.createdAt.toISOString(),
        editedAt: row.editedAt ? row.editedAt.toISOString() : null,
      };
    }
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = last.seq;
  }
}

export type Stats = {
  users: number;
  deactivatedUsers: number;
  rooms: number;
  channels: number;
  dms: number;
  messages: number;
  sessions: number;
};

/** How much there is: users, rooms, live messages and live sessions. */
export async function stats(db: Database, now = new Date()): Promise<Stats> {
  const [users, deactivatedUsers, channels, dms, messages, sessions] = await Promise.all([
    db.prisma.user.count(),
    db.prisma.user.count({ where: { deactivatedAt: { not: null } } }),
    db.prisma.room.count({ where: { kind: "channel" } }),
    db.prisma.room.count({ where: { kind: "dm" } }),
    db.prisma.message.count({ where: { deletedAt: null } }),
    db.prisma.session.count({ where: { expiresAt: { gt: now } } }),
  ]);
  return { users, deactivatedUsers, rooms: channels + dms, channels, dms, messages, sessions };
}
