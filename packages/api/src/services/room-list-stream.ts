import type { Context } from "../context";
import { topics } from "../hub/topics";
import { HubFeed } from "./hub-feed";
import { socketIsBackedUp } from "./stream-lifecycle";

/**
 * Opens `room.feed`: changes to the room list as they happen, so clients can re-read room.list
 * instead of polling it. Ephemeral, like activity: past its buffer a stuck subscriber misses some.
 */
export async function openRoomListStream(ctx: Context, signal: AbortSignal | undefined) {
  const changes = await HubFeed.open(ctx.deps.hub, topics.rooms(), signal, { limit: 1_000 });
  return (async function* roomListChanges() {
    for await (const change of changes) {
      if (socketIsBackedUp(ctx)) return;
      yield change;
    }
  })();
}
