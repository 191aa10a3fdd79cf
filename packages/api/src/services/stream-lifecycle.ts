import type { RoomEvent } from "@parley/contract";
import { rooms } from "@parley/db";
import type { Context } from "../context";

// What the room.events, room.activity and room.feed streams share: membership checks on a
// departure (events, activity), clean-up tied to the subscription's abort signal, and dropping a
// socket that cannot keep up (activity, feed; RoomEventStream checks its own sink the same way).

/**
 * True (and the socket dropped) when the caller's socket cannot keep up: more than
 * `maxSocketBacklogBytes` unsent. Its client reconnects: room.events resumes from lastEventId;
 * room.activity and room.feed start again from now (what they sent in between is not kept).
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

/**
 * Makes `release` run exactly once: when `signal` aborts (at once if it already has), or when
 * the returned function is called, whichever comes first. A subscription stopped before its
 * first event may never be iterated, so its clean-up must not wait for the generator to end.
 */
export function releaseOnce(signal: AbortSignal, release: () => void): () => void {
  let released = false;
  const once = () => {
    if (released) return;
    released = true;
    release();
  };
  signal.addEventListener("abort", once, { once: true });
  if (signal.aborted) once();
  return once;
}
