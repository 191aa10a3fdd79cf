import type { Me } from "@parley/contract";
import type { Database } from "./database";
import { meSelect, toMe } from "./mappers";

export type SessionRecord = { id: string; user: Me; expiresAt: Date };

/** Stores a new session under the hash of its token. */
export async function createSession(
  db: Database,
  input: { userId: string; tokenHash: string; expiresAt: Date },
): Promise<{ id: string; expiresAt: Date }> {
  return db.prisma.session.create({
    data: input,
    select: { id: true, expiresAt: true },
  });
}

/** The live session whose token hashes to `tokenHash`, or null when unknown or expired. */
export async function findSession(db: Database, tokenHash: string, now = new Date()): Promise<SessionRecord | null> {
  const row = await db.prisma.session.findUnique({
    where: { tokenHash },
    select: { id: true, expiresAt: true, user: { select: meSelect } },
  });
  if (!row || row.expiresAt <= now) return null;
  return { id: row.id, expiresAt: row.expiresAt, user: toMe(row.user) };
}

/** Moves a session's expiry forward (sliding expiry). */
export async function extendSession(db: Database, id: string, expiresAt: Date): Promise<void> {
  await db.prisma.session.updateMany({ where: { id }, data: { expiresAt } });
}

/** Deletes a session; true when it existed. */
export async function deleteSession(db: Database, id: string): Promise<boolean> {
  const { count } = await db.prisma.session.deleteMany({ where: { id } });
  return count > 0;
}

/** Removes expired sessions; returns how many. */
export async function deleteExpiredSessions(db: Database, now = new Date()): Promise<number> {
  const { count } = await db.prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
