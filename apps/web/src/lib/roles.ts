import type { Member, Role, Room } from "@parley/client";

// What the signed-in user may do in a room, the server's rules (API.md) read from the client's
// side: the app offers only what the server would accept. The server stays the judge.

/** Owner or admin: may change a channel and manage who is in a private one. */
export function manages(role: Role | null): boolean {
  return role === "owner" || role === "admin";
}

/** May add people: any member of a public channel; the owner or an admin of a private one. */
export function canAddPeople(room: Room): boolean {
  if (room.kind !== "channel" || !room.joined) return false;
  return room.visibility === "public" || manages(room.role);
}

/** May change the channel's topic (and name). */
export function canEditChannel(room: Room): boolean {
  return room.kind === "channel" && manages(room.role);
}

/** The owner removes anyone but themselves; an admin removes members only. */
export function canRemove(myRole: Role | null, target: Member, meId: string): boolean {
  if (target.user.id === meId || target.role === "owner") return false;
  return myRole === "owner" || (myRole === "admin" && target.role === "member");
}

/** The role the owner can give `target` from their row: admin for a member, member for an admin. */
export function roleChange(myRole: Role | null, target: Member): "admin" | "member" | null {
  if (myRole !== "owner") return null;
  if (target.role === "member") return "admin";
  if (target.role === "admin") return "member";
  return null;
}

const ROLE_NAMES: Record<Role, string> = { owner: "Owner", admin: "Admin", member: "Member" };

/** A role as a person reads it. */
export function roleName(role: Role): string {
  return ROLE_NAMES[role];
}
