import type { Me, User } from "@parley/contract";
import type { Database } from "./database";
import { mapUniqueViolation } from "./errors";
import { meSelect, toMe, toUser, userSelect } from "./mappers";

/** Creates a user; throws UniqueViolationError naming `usernameKey` or `email` when taken. */
export async function createUser(db: Database, input: { username: string; email: string; passwordHash: string }): Promise<Me> {
  const row = await mapUniqueViolation(() =>
    db.prisma.user.create({
      data: {
        username: input.username,
        usernameKey: input.username.toLowerCase(),
        email: input.email.toLowerCase(),
        passwordHash: input.passwordHash,
      },
      select: meSelect,
    }),
  );
  return toMe(row);
}

/**
 * Finds a user by username or email, ignoring case, with the hash needed to check a password.
 * `deactivated`: an operator deactivated the account; it must not log in.
 */
export async function findUserForLogin(
  db: Database,
  login: string,
): Promise<{ user: Me; passwordHash: string; deactivated: boolean } | null> {
  const key = login.toLowerCase();
  if (key.includes("\u0000")) return null; // cannot be stored, so names nobody
  const row = await db.prisma.user.findFirst({
    where: key.includes("@") ? { email: key } : { usernameKey: key },
    select: { ...meSelect, passwordHash: true },
  });
  if (!row) return null;
  return { user: toMe(row), passwordHash: row.passwordHash, deactivated: row.deactivatedAt !== null };
}

/** The password hash of a user, by id (null when there is no such user). */
export async function passwordHashOf(db: Database, userId: string): Promise<string | null> {
  const row = await db.prisma.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return row?.passwordHash ?? null;
}

/** Replaces a user's password hash; false when there is no such user. */
export async function setPasswordHash(db: Database, userId: string, passwordHash: string): Promise<boolean> {
  const { count } = await db.prisma.user.updateMany({ where: { id: userId }, data: { passwordHash } });
  return count > 0;
}

/** Marks a user deactivated (once: a second call keeps the first time); false when unknown. */
export async function deactivateUser(db: Database, userId: string, now = new Date()): Promise<boolean> {
  const { count } = await db.prisma.user.updateMany({ where: { id: userId, deactivatedAt: null }, data: { deactivatedAt: now } });
  return count > 0 || (await db.prisma.user.count({ where: { id: userId } })) > 0;
}

/** Looks a user up by username, ignoring case. */
export async function findUserByUsername(db: Database, username: string): Promise<User | null> {
  if (username.includes("\u0000")) return null; // cannot be stored, so names nobody
  const row = await db.prisma.user.findUnique({
    where: { usernameKey: username.toLowerCase() },
    select: userSelect,
  });
  return row ? toUser(row) : null;
}

/**
 * Users whose username starts with `prefix`, ignoring case, ordered by username (by code point,
 * whatever the database's collation). Usernames hold only letters, digits and `_`, so a prefix
 * with anything else matches nobody; `_` is escaped, as LIKE would read it as "any character".
 */
export async function searchUsers(db: Database, prefix: string, limit: number): Promise<User[]> {
  if (!/^[A-Za-z0-9_]+$/.test(prefix)) return [];
  const pattern = `${prefix.toLowerCase().replaceAll("_", "\\_")}%`;
  const rows = await db.prisma.$queryRaw<{ id: string; username: string; created_at: Date }[]>`
    SELECT id, username, created_at FROM users
    WHERE username_key LIKE ${pattern} ESCAPE '\\'
    ORDER BY username_key COLLATE "C", id
    LIMIT ${limit}`;
  return rows.map((row) => toUser({ id: row.id, username: row.username, createdAt: row.created_at }));
}
