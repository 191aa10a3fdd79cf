// Reactions: emoji that members put on a message, each change a `reactions.changed` event.
import type { Reaction } from "@parley/contract";
import type { Database } from "./database";
import { insertEvent, nextEventSeq, TX_OPTIONS, type StoredRoomEvent, type Tx } from "./events";
import { groupReactions } from "./mappers";
import { MessageGoneError } from "./messages";

/** At most this many distinct emoji on one message. */
export const MAX_EMOJI = 20;

export class TooManyReactionsError extends Error {
  constructor() {
    super(`A message can have at most ${MAX_EMOJI} different reactions`);
    this.name = "TooManyReactionsError";
  }
}

async function reactionsOf(tx: Tx, messageId: string): Promise<Reaction[]> {
  const rows = await tx.reaction.findMany({ where: { messageId }, orderBy: { seq: "asc" }, select: { emoji: true, userId: true } });
  return groupReactions(rows);
}

/**
 * Adds (or removes) `userId`'s `emoji` on a live message. Under the room's lock, so that two
 * people reacting at once are serialised: each `reactions.changed` carries every reaction so
 * far and the last one wins nothing away. `event` is null when nothing changed (idempotent).
 */
export async function setReaction(
  db: Database,
  input: { messageId: string; roomId: string; userId: string; emoji: string; add: boolean },
): Promise<{ reactions: Reaction[]; event: StoredRoomEvent | null }> {
  return db.prisma.$transaction(async (tx) => {
    // Lock first, bump the sequence only if something changes: no hole in the event ids.
    await tx.$queryRaw`SELECT 1 FROM rooms WHERE id = ${input.roomId}::text FOR UPDATE`;
    const live = await tx.message.findFirst({ where: { id: input.messageId, deletedAt: null }, select: { id: true } });
    if (!live) throw new MessageGoneError(input.messageId);
    const key = { messageId_emoji_userId: { messageId: input.messageId, emoji: input.emoji, userId: input.userId } };
    const existing = await tx.reaction.findUnique({ where: key, select: { seq: true } });
    if (input.add ? existing : !existing) return { reactions: await reactionsOf(tx, input.messageId), event: null };
    if (input.add) {
      const emoji = await tx.reaction.findMany({ where: { messageId: input.messageId }, distinct: ["emoji"], select: { emoji: true } });
      if (emoji.length >= MAX_EMOJI && !emoji.some((row) => row.emoji === input.emoji)) throw new TooManyReactionsError();
      await tx.reaction.create({ data: { messageId: input.messageId, emoji: input.emoji, userId: input.userId } });
    } else {
      await tx.reaction.delete({ where: key });
    }
    const reactions = await reactionsOf(tx, input.messageId);
    const seq = await nextEventSeq(tx, input.roomId);
    const event = await insertEvent(
      tx,
      input.roomId,
      seq,
      { type: "reactions.changed", roomId: input.roomId, messageId: input.messageId, reactions },
      input.messageId,
    );
    return { reactions, event };
  }, TX_OPTIONS);
}
