import { rooms, type RoomEvent } from "@parley/db";
import type { Context } from "../context";

// What the room.events and room.activity streams share.

/**
 * True (and the socket dropped) when the caller's socket cannot keep up: more than
 * `maxSocketBacklogBytes` unsent. Its client reconnects and resumes from lastEventId.
 */
export function socketIsBackedUp(ctx: Context): boolean {
  if (ctx.socket && ctx.socket.bufferedAmount > ctx.deps.config.maxSocketBacklogBytes) {
    ctx.socket.terminate();
    return true;
  }
  return false;
}

/** Whether `event` is `userId` leaving the room. */
export function isOwnDeparture(event: RoomEvent, userId: string): boolean {
  return event.type === "member.left" && event.user.id === userId;
}

/** Whether `userId` belongs to the room right now (the database decides, not the event). */
export async function stillMember(ctx: Context, roomId: string, userId: string): Promise<boolean> {
  return (await rooms.getMembership(ctx.deps.db, roomId, userId)) === "member";
}

/** An AbortController that aborts with `signal`, including when `signal` has aborted already. */
export function followAbort(signal: AbortSignal | undefined): AbortController {
  const abort = new AbortController();
  if (signal?.aborted) abort.abort();
  else signal?.addEventListener("abort", () => abort.abort(), { once: true });
  return abort;
}
