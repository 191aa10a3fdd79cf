// Search: full-text search over the live messages of the rooms a member is in.
import type { Message, SearchHit } from "@parley/contract";
import type { Database } from "./database";
import { Prisma } from "./generated/client";
import { messageSelect, toMessage } from "./mappers";
import { UnknownCursorError } from "./messages";

type HitRow = { id: string; room_name: string };

/**
 * SEARCH_HITS: the ids of the newest `limit + 1` live messages matching `query` in the rooms
 * `userId` is a member of (or `roomId` alone), before message `beforeSeq`, with each room's name
 * as the searcher sees it (a dm's is the other member's username). The extra row tells whether
 * there is a next page. The JOIN on the searcher's memberships is the access rule: no message of
 * a room they are not in can match. plainto_tsquery reads plain words, so no query is a syntax
 * error; the GIN index on messages.search finds the matches. Optional filters are written as
 * `param IS NULL OR …` so one statement (one plan shape) serves every combination.
 */
const SEARCH_HITS = (input: {
  userId: string;
  query: string;
  roomId: string | null;
  beforeSeq: bigint | null;
  limit: number;
}) => Prisma.sql`
    SELECT m.id,
      CASE WHEN r.kind = 'dm' THEN coalesce((
        SELECT u.username FROM memberships p JOIN users u ON u.id = p.user_id
        WHERE p.room_id = r.id AND p.user_id <> ${input.userId}::text LIMIT 1), '') ELSE r.name END AS room_name
    FROM messages m
    JOIN memberships ms ON ms.room_id = m.room_id AND ms.user_id = ${input.userId}::text
    JOIN rooms r ON r.id = m.room_id
    WHERE m.search @@ plainto_tsquery('simple', ${input.query})
      AND m.deleted_at IS NULL
      AND (${input.roomId}::text IS NULL OR m.room_id = ${input.roomId}::text)
      AND (${input.beforeSeq}::bigint IS NULL OR m.seq < ${input.beforeSeq}::bigint)
    ORDER BY m.seq DESC
    LIMIT ${input.limit + 1}`;

/**
 * Live messages of the rooms `userId` is a member of (or of `roomId` alone) containing every
 * word of `query`, newest first. The query is plain words (plainto_tsquery): no text can be a
 * syntax error, and one with no words matches nothing. `before` continues from a hit's id.
 */
export async function searchMessages(
  db: Database,
  input: { userId: string; query: string; roomId: string | null; beforeId: string | null; limit: number },
): Promise<{ hits: SearchHit[]; nextCursor: string | null }> {
  let beforeSeq: bigint | null = null;
  if (input.beforeId !== null) {
    const cursor = await db.prisma.message.findUnique({ where: { id: input.beforeId }, select: { seq: true } });
    if (!cursor) throw new UnknownCursorError(input.beforeId);
    beforeSeq = cursor.seq;
  }
  const rows = await db.prisma.$queryRaw<HitRow[]>(SEARCH_HITS({ ...input, beforeSeq }));
  const page = rows.slice(0, input.limit);
  const found = await db.prisma.message.findMany({ where: { id: { in: page.map((row) => row.id) } }, select: messageSelect });
  const byId = new Map<string, Message>(found.map((row) => [row.id, toMessage(row)]));
  const hits = page.flatMap((row) => {
    const message = byId.get(row.id);
    return message ? [{ message, roomName: row.room_name }] : [];
  });
  return { hits, nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null };
}
