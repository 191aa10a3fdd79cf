import type { Role, User } from "@parley/contract";
import { messages, rooms, users, type Database } from "@parley/db";
import { Refused } from "../lib/refused";

// Who may see and do what. Everything here refuses with Refused (code and message), which
// trpc.ts's error table turns into the TRPCError the caller gets.

/** Every id Parley issues is a UUID; anything else cannot name a row, so it is simply unknown. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one id-shape check every lookup by id makes before it asks the database: an id of the wrong
 * shape is NOT_FOUND (the contract's rule), never a query that might fail on what it carries.
 */
export function isIdShape(id: string): boolean {
  return UUID.test(id);
}

/** The one answer for a room that does not exist or that the caller may not know of. */
export function roomNotFound(roomId: string): Refused {
  return new Refused("NOT_FOUND", `No room with id '${roomId.slice(0, 80)}'`);
}

/** A public room the caller could join but has not. */
export function notMember(): Refused {
  return new Refused("FORBIDDEN", "Join the room first");
}

/** FORBIDDEN with a message that says who may. */
export function forbidden(message: string): Refused {
  return new Refused("FORBIDDEN", message);
}

/** BAD_REQUEST: the request cannot make sense for this room (or input). */
export function badRequest(message: string): Refused {
  return new Refused("BAD_REQUEST", message);
}

export type Access = rooms.Access;

/** The user of that name; NOT_FOUND when there is nobody so named. */
export async function requireUser(db: Database, username: string): Promise<User> {
  const user = await users.findUserByUsername(db, username);
  if (!user) throw new Refused("NOT_FOUND", `No user named '${username.slice(0, 80)}'`);
  return user;
}

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

/** The one answer for a message that does not exist or that the caller may not see. */
export function messageNotFound(messageId: string): Refused {
  return new Refused("NOT_FOUND", `No message with id '${messageId.slice(0, 80)}'`);
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
    throw error instanceof Refused && error.code === "NOT_FOUND" ? notFound : error;
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
    throw forbidden("Only the author can change this message");
  }
  return message;
}

type RoomState = rooms.RoomState;

/**
 * A permission rule of the membership procedures: "ok", "not-found" (the caller may not know the
 * room: it reads as no room at all) or the refusal the caller is told. Each rule is written once,
 * here, with its messages; it is checked twice: by the procedure on the room as it read it (a
 * quick answer before any write), and by the repository under the room's lock (`guards`), so a
 * role or visibility that changed in between refuses the write with the same message.
 */
export type Rule = (room: RoomState) => "ok" | "not-found" | Refused;

/** A private room (or a dm) that `actorId` is not in: they cannot know it exists. */
function hidden(room: RoomState, actorId: string): boolean {
  return room.visibility === "private" && !room.roleOf(actorId);
}

/** The membership procedures' permission rules, in the order a caller is answered. */
export const rules = {
  /** Only a public channel can be joined by someone outside it. */
  join: (): Rule => (room) => (room.kind === "channel" && room.visibility === "public" ? "ok" : "not-found"),
  /** Anyone leaves a channel; nobody leaves a dm. */
  leave: (): Rule => (room) => (room.kind === "dm" ? badRequest("A direct message cannot be left") : "ok"),
  /** A public channel: any member adds people; a private one: its owner or an admin. */
  add:
    (actorId: string): Rule =>
    (room) => {
      const actor = room.roleOf(actorId);
      if (hidden(room, actorId)) return "not-found";
      if (room.kind === "dm") return badRequest("Nobody can be added to a direct message");
      if (!actor) return notMember();
      if (room.visibility === "private" && !manages(actor)) {
        return forbidden("Only the room's owner or an admin can add people to a private channel");
      }
      return "ok";
    },
  /** The owner removes anyone but themselves; an admin removes members. */
  remove:
    (actorId: string, targetId: string): Rule =>
    (room) => {
      const actor = room.roleOf(actorId);
      const target = room.roleOf(targetId);
      if (hidden(room, actorId)) return "not-found";
      if (room.kind === "dm") return badRequest("Nobody can be removed from a direct message");
      if (!manages(actor)) return forbidden("Only the room's owner or an admin can remove people");
      if (target === "owner") return forbidden("The owner cannot be removed");
      if (target === "admin" && actor !== "owner") return forbidden("Only the owner can remove an admin");
      return "ok";
    },
  /** Only the owner sets roles, and not their own. */
  setRole:
    (actorId: string, targetId: string): Rule =>
    (room) => {
      if (hidden(room, actorId)) return "not-found";
      if (room.kind === "dm") return badRequest("A direct message has no roles");
      if (room.roleOf(actorId) !== "owner") return forbidden("Only the room's owner can change roles");
      if (room.roleOf(targetId) === "owner") {
        return forbidden("The owner's role cannot be changed (leave the room to hand it over)");
      }
      return "ok";
    },
  /** The owner or an admin changes a channel's name, topic or visibility. */
  update:
    (actorId: string): Rule =>
    (room) => {
      if (hidden(room, actorId)) return "not-found";
      if (room.kind === "dm") return badRequest("A direct message has no name, topic or visibility to change");
      return manages(room.roleOf(actorId)) ? "ok" : forbidden("Only the room's owner or an admin can change it");
    },
};

/**
 * Applies `rule` to the room as the caller read it before writing (`access`, with their role;
 * `others`: the roles of anyone else the rule names), so a refusal comes at once.
 */
export function allow(roomId: string, rule: Rule, actorId: string, access: Access, others: Record<string, Role | null> = {}): void {
  const verdict = rule({ ...access, roleOf: (userId) => (userId === actorId ? access.role : (others[userId] ?? null)) });
  if (verdict === "not-found") throw roomNotFound(roomId);
  if (verdict !== "ok") throw verdict;
}

/** A refusal under the room's lock: the GuardRefused that rolls the write back, with the rule's answer. */
class RuleRefused extends rooms.GuardRefused {
  constructor(readonly refusal: Refused) {
    super("forbidden");
  }
}

/** `rule` as the guard the repository checks under the room's lock. */
function guardOf<A extends unknown[]>(rule: (...args: A) => Rule): (...args: A) => rooms.Guard {
  return (...args) => {
    const check = rule(...args);
    return (room) => {
      const verdict = check(room);
      if (verdict === "ok" || verdict === "not-found") return verdict;
      throw new RuleRefused(verdict);
    };
  };
}

/** The same rules, as guards for the repository's writes (a refusal throws rooms.GuardRefused). */
export const guards = {
  join: guardOf(rules.join),
  leave: guardOf(rules.leave),
  add: guardOf(rules.add),
  remove: guardOf(rules.remove),
  setRole: guardOf(rules.setRole),
  update: guardOf(rules.update),
};

/** Runs a guarded write; a rule that refused under the lock becomes its own answer. */
export async function guarded<T>(roomId: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof RuleRefused) throw error.refusal;
    if (error instanceof rooms.GuardRefused)
      throw error.reason === "not-found"
        ? roomNotFound(roomId)
        : forbidden("Your role in this room changed while this was on its way; nothing was done");
    throw error;
  }
}
