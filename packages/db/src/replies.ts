// Replies: the message a reply answers, and the quote of it the reply carries.
import type { ReplyTo } from "@parley/contract";
import type { Database } from "./database";
import { toReplyTo, userSelect } from "./mappers";

/** What a reply to `messageId` quotes, if it is a live message of `roomId`; else null. */
export async function replyTarget(db: Database, roomId: string, messageId: string): Promise<ReplyTo | null> {
  const row = await db.prisma.message.findFirst({
    where: { id: messageId, roomId, deletedAt: null },
    select: { id: true, text: true, deletedAt: true, author: { select: userSelect } },
  });
  return row ? toReplyTo(row) : null;
}
