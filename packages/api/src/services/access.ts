import { TRPCError } from "@trpc/server";
import { messages, rooms, type Database } from "@parley/db";

/** Every id Parley issues is a UUID; anything else cannot name a row, so it is simply unknown. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isIdShape(id: string): boolean {
  return UUID.test(id);
}

export function roomNotFound(roomId: string): TRPCError {
  return new TRPCError({ code: "NOT_FOUND", message: `No room with id '${roomId.slice(0, 80)}'` });
}

export function notMember(): TRPCError {
  return new TRPCError({ code: "FORBIDDEN", message: "Join the room first" });
}

/** NOT_FOUND when the room does not exist (checked first), FORBIDDEN when `userId` is not in it. */
export async function requireMember(db: Database, roomId: string, userId: string): Promise<void> {
  if (!isIdShape(roomId)) throw roomNotFound(roomId);
  const membership = await rooms.getMembership(db, roomId, userId);
  if (membership === "no-room") throw roomNotFound(roomId);
  if (membership === "not-member") throw notMember();
}

/** The message, after checking it exists, the caller is in its room and wrote it. */
export async function requireAuthor(
  db: Database,
  messageId: string,
  userId: string,
): Promise<{ id: string; roomId: string; authorId: string }> {
  const notFound = new TRPCError({ code: "NOT_FOUND", message: `No message with id '${messageId.slice(0, 80)}'` });
  if (!isIdShape(messageId)) throw notFound;
  const message = await messages.getMessageMeta(db, messageId);
  if (!message) throw notFound;
  await requireMember(db, message.roomId, userId);
  if (message.authorId !== userId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the author can change this message" });
  }
  return message;
}
