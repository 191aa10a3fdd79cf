import { TRPCError } from "@trpc/server";
import type { Role } from "@parley/contract";
import { messages, rooms, type Database } from "@parley/db";

/** Every id Parley issues is a UUID; anything else cannot name a row, so it is simply unknown. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one id-shape check every lookup by id makes before it asks the database: an id of the wrong
 * shape is NOT_FOUND (the contract's rule), never a query that might fail on what it carries.
 */
export function isIdShape(id: string): boolean {
  return UUID.test(id);
}

export function roomNotFound(roomId: string): TRPCError {
  return new TRPCError({ code: "NOT_FOUND", message: `No room with id '${roomId.slice(0, 80)}'` });
}

export function notMember(): TRPCError {
  return new TRPCError({ code: "FORBIDDEN", message: "Join the room first" });
}

export function forbidden(message: string): TRPCError {
  return new TRPCError({ code: "FORBIDDEN", message });
}

export function badRequest(message: string): TRPCError {
  return new TRPCError({ code: "BAD_REQUEST", message });
}

export type Access = rooms.Access;

/**
 * The room as far as `userId` may know it. NOT_FOUND when there is no such room, and exactly the
 * same NOT_FOUND (message included, after the same one query) when it is a private channel or a
 * dm they are not in: an outsider cannot tell the two apart.
 */
export async function requireVisible(db: Database, roomId: string, userId: string): Promise<Access> {
  if (!isIdShape(roomId)) throw roomNotFound(roomId);
  const access = await rooms.getAccess(db, roomId, userId);
  if (!access || (access.visibility === "private" && !access.role)) throw roomNotFound(roomId);
  return access;
}

/** As requireVisible, then FORBIDDEN when `userId` is not in the (public) room. */
export async function requireMember(db: Database, roomId: string, userId: string): Promise<Access & { role: Role }> {
  const access = await requireVisible(db, roomId, userId);
  if (!access.role) throw notMember();
  return { ...access, role: access.role };
}

/** Whether `role` may manage members and settings (owner or admin). */
export function manages(role: Role | null): boolean {
  return role === "owner" || role === "admin";
}

export function messageNotFound(messageId: string): TRPCError {
  return new TRPCError({ code: "NOT_FOUND", message: `No message with id '${messageId.slice(0, 80)}'` });
}

/** The live message, after checking it exists and the caller is a member of its room. */
export async function requireMessageMember(
  db: Database,
  messageId: string,
  userId: string,
): Promise<{ id: string; roomId: string; authorId: string }> {
  const notFound = messageNotFound(messageId);
  if (!isIdShape(messageId)) throw notFound;
  const message = await messages.getMessageMeta(db, messageId);
  if (!message) throw notFound;
  await requireMember(db, message.roomId, userId).catch((error: unknown) => {
    // A message in a room the caller cannot see does not exist for them either.
    throw error instanceof TRPCError && error.code === "NOT_FOUND" ? notFound : error;
  });
  return message;
}

/** The message, after checking it exists, the caller is in its room and wrote it. */
export async function requireAuthor(
  db: Database,
  messageId: string,
  userId: string,
): Promise<{ id: string; roomId: string; authorId: string }> {
  const message = await requireMessageMember(db, messageId, userId);
  if (message.authorId !== userId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the author can change this message" });
  }
  return message;
}

type Guard = rooms.Guard;

/**
 * The permission rules of the membership procedures, as guards the repository checks again under
 * the room's lock (the routers check first, with a precise message). A role or visibility that
 * changed in between refuses the write.
 */
export const guards = {
  /** Only a public channel can be joined by someone outside it. */
  join: (): Guard => (room) => (room.kind === "channel" && room.visibility === "public" ? "ok" : "not-found"),
  /** A public channel: any member; a private one: its owner or an admin. */
  add:
    (actorId: string): Guard =>
    (room) => {
      const actor = room.roleOf(actorId);
      if (!actor) return room.visibility === "private" ? "not-found" : "forbidden";
      return room.visibility === "public" || manages(actor) ? "ok" : "forbidden";
    },
  /** The owner removes anyone but themselves; an admin removes members. */
  remove:
    (actorId: string, targetId: string): Guard =>
    (room) => {
      const actor = room.roleOf(actorId);
      const target = room.roleOf(targetId);
      if (!actor) return room.visibility === "private" ? "not-found" : "forbidden";
      if (target === "owner") return "forbidden";
      return actor === "owner" || (actor === "admin" && target !== "admin") ? "ok" : "forbidden";
    },
  /** Only the owner sets roles, and not their own. */
  setRole:
    (actorId: string, targetId: string): Guard =>
    (room) => {
      const actor = room.roleOf(actorId);
      if (!actor) return room.visibility === "private" ? "not-found" : "forbidden";
      return actor === "owner" && room.roleOf(targetId) !== "owner" ? "ok" : "forbidden";
    },
  /** The owner or an admin. */
  update:
    (actorId: string): Guard =>
    (room) => {
      const actor = room.roleOf(actorId);
      if (!actor) return room.visibility === "private" ? "not-found" : "forbidden";
      return manages(actor) ? "ok" : "forbidden";
    },
};

/** Runs a guarded write; a guard that refused under the lock becomes the matching tRPC error. */
export async function guarded<T>(roomId: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof rooms.GuardRefused) {
      throw error.reason === "not-found"
        ? roomNotFound(roomId)
        : forbidden("Your role in this room changed while this was on its way; nothing was done");
    }
    throw error;
  }
}
