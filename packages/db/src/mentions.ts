// Mentions: the members a message names with `@username`.
import { mentionedNames, type User } from "@parley/contract";
import type { Database } from "./database";
import { userSelect } from "./mappers";

/** The members of the room that `text` names with `@username`, in order of appearance. */
export async function resolveMentions(db: Database, roomId: string, text: string): Promise<User[]> {
  const names = mentionedNames(text);
  if (names.length === 0) return [];
  const rows = await db.prisma.user.findMany({
    where: { usernameKey: { in: names }, memberships: { some: { roomId } } },
    select: { ...userSelect, usernameKey: true },
  });
  const byName = new Map(rows.map((row) => [row.usernameKey, row]));
  return names.flatMap((name) => {
    const row = byName.get(name);
    return row ? [{ id: row.id, username: row.username, createdAt: row.createdAt.toISOString() }] : [];
  });
}
