import type { RoomListChange } from "@parley/contract";
import type { Context } from "../context";
import { SubscriptionQueue } from "../lib/queue";
import { followAbort, releaseOnce, socketIsBackedUp } from "./stream-lifecycle";

/**
 * Opens `room.feed`: changes to the room list as they happen, so clients can re-read room.list
 * instead of polling it. Ephemeral, like activity: past its buffer a stuck subscriber misses some.
 */
export async function openRoomListStream(ctx: Context, signal: AbortSignal | undefined) {
  const abort = followAbort(signal);
  const queue = new SubscriptionQueue<RoomListChange>(abort.signal, 1_000);
  const unsubscribe = await ctx.deps.hub.subscribeRoomListChanges((change) => queue.push(change));
  const cleanup = releaseOnce(abort.signal, () => {
    unsubscribe();
    queue.dispose();
  });

  return (async function* roomListChanges() {
    try {
      for (;;) {
        const batch = await queue.take();
        if (!batch) return;
        for (const change of batch.items) {
          if (socketIsBackedUp(ctx)) return;
          yield change;
        }
      }
    } finally {
      cleanup();
    }
  })();
}
