// The guard mechanism: a permission rule checked again under the room's lock, inside the
// transaction that writes, so a role or visibility that changed since the caller's quick check
// refuses the write instead of acting on a stale answer.
import type { Role, Room } from "@parley/contract";
import type { Tx } from "./events";
import type { Access } from "./memberships";

/** What a permission rule reads, under the room's lock: the room and the roles of those involved. */
export type RoomState = Access & { roleOf: (userId: string) => Role | null };

/**
 * A permission rule, checked again inside the writing transaction after the room row is locked
 * (the callers check it first for a quick answer): a role or visibility that changed since then
 * refuses the write instead of acting on a stale check. "ok", or why not.
 */
export type Guard = (state: RoomState) => "ok" | "forbidden" | "not-found";

/** Thrown inside a transaction by a failed guard: rolls the write (and its sequence bump) back. */
export class GuardRefused extends Error {
  constructor(readonly reason: "forbidden" | "not-found") {
    super(`refused: ${reason}`);
    this.name = "GuardRefused";
  }
}

/**
 * Checks `guard` against the room as it is now, reading the roles of `userIds`; call it after
 * nextEventSeq has locked the room. Throws GuardRefused when the guard says no.
 */
export async function enforce(tx: Tx, roomId: string, userIds: string[], guard: Guard | undefined): Promise<void> {
  if (!guard) return;
  const room = await tx.room.findUniqueOrThrow({
    where: { id: roomId },
    select: { kind: true, visibility: true, memberships: { where: { userId: { in: userIds } }, select: { userId: true, role: true } } },
  });
  const roles = new Map(room.memberships.map((m) => [m.userId, m.role as Role]));
  const verdict = guard({
    kind: room.kind as Room["kind"],
    visibility: room.visibility as Room["visibility"],
    role: null,
    roleOf: (userId) => roles.get(userId) ?? null,
  });
  if (verdict !== "ok") throw new GuardRefused(verdict);
}
