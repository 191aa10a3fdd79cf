import type { Me, SessionInfo as ContractSessionInfo } from "@parley/contract";
import type { Database } from "./database";
import { meSelect, toMe } from "./mappers";

export type SessionRecord = {
  id: string;
  user: Me;
  expiresAt: Date;
  /** When the database last recorded a use; moved forward at most once a minute (touchSession). */
  lastSeenAt: Date;
};

/** One of a user's sessions as auth.sessions lists it (`current` is added by the caller). */
export type SessionInfo = Omit<ContractSessionInfo, "current">;

/** Stores a new session under the hash of its token. */
export async function createSession(
  db: Database,
  input: { userId: string; tokenHash: string; expiresAt: Date; userAgent?: string | null; clientAddress?: string | null },
): Promise<{ id: string; expiresAt: Date }> {
  return db.prisma.session.create({
    data: { ...input, userAgent: input.userAgent ?? null, clientAddress: input.clientAddress ?? null },
    select: { id: true, expiresAt: true },
  });
}

/**
 * The live session whose token hashes to `tokenHash`, or null when unknown, expired, or its
 * user was deactivated.
 */
export async function findSession(db: Database, tokenHash: string, now = new Date()): Promise<SessionRecord | null> {
  const row = await db.prisma.session.findUnique({
    where: { tokenHash },
    select: { id: true, expiresAt: true, lastSeenAt: true, user: { select: { ...meSelect, deactivatedAt: true } } },
  });
  if (!row || row.expiresAt <= now || row.user.deactivatedAt) return null;
  return { id: row.id, expiresAt: row.expiresAt, lastSeenAt: row.lastSeenAt, user: toMe(row.user) };
}

/** Moves a session's expiry forward (sliding expiry). */
export async function extendSession(db: Database, id: string, expiresAt: Date): Promise<void> {
  await db.prisma.session.updateMany({ where: { id }, data: { expiresAt } });
}

/**
 * Records a use of the session: moves `lastSeenAt` to `now` (and the address it came from, when
 * given) unless it was moved within the last `minIntervalMs` (by any connection or server), so a
 * busy session costs one write a minute. Returns false when the session no longer exists
 * (revoked, possibly from another process).
 */
export async function touchSession(
  db: Database,
  id: string,
  now = new Date(),
  minIntervalMs = 60_000,
  clientAddress?: string,
): Promise<boolean> {
  const { count } = await db.prisma.session.updateMany({
    where: { id, lastSeenAt: { lt: new Date(now.getTime() - minIntervalMs) } },
    data: clientAddress === undefined ? { lastSeenAt: now } : { lastSeenAt: now, clientAddress },
  });
  if (count > 0) return true;
  return (await db.prisma.session.count({ where: { id } })) > 0;
}

/** Which of `ids` are still sessions (not revoked, whatever their expiry). */
export async function existingSessionIds(db: Database, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db.prisma.session.findMany({ where: { id: { in: ids.slice(i, i + 1000) } }, select: { id: true } });
    for (const row of rows) found.add(row.id);
  }
  return found;
}

/** A user's live sessions, newest first. */
export async function listSessions(db: Database, userId: string, now = new Date()): Promise<SessionInfo[]> {
  const rows = await db.prisma.session.findMany({
    where: { userId, expiresAt: { gt: now } },
    select: { id: true, createdAt: true, lastSeenAt: true, userAgent: true, clientAddress: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    userAgent: row.userAgent,
    address: row.clientAddress,
  }));
}

/** Deletes a session; true when it existed. */
export async function deleteSession(db: Database, id: string): Promise<boolean> {
  const { count } = await db.prisma.session.deleteMany({ where: { id } });
  return count > 0;
}

/** Deletes one session only if it belongs to `userId`; true when it did. */
export async function deleteUserSession(db: Database, userId: string, id: string): Promise<boolean> {
  const { count } = await db.prisma.session.deleteMany({ where: { id, userId } });
  return count > 0;
}

/**
 * Deletes every session of `userId` except `keepId` (all of them when null); returns the ids
 * deleted, so their sockets can be closed.
 */
export async function deleteUserSessions(db: Database, userId: string, keepId: string | null = null): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<{ id: string }[]>`
    DELETE FROM sessions WHERE user_id = ${userId} AND id <> ${keepId ?? ""} RETURNING id`;
  return rows.map((row) => row.id);
}

/** Removes expired sessions; returns how many. */
export async function deleteExpiredSessions(db: Database, now = new Date()): Promise<number> {
  const { count } = await db.prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
