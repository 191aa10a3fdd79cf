import type { RoomListChange } from "@parley/contract";
import type { Context } from "../context";
import { topics } from "../hub/topics";
import { HubFeed } from "./hub-feed";
import { socketIsBackedUp } from "./stream-lifecycle";

/**
 * Opens `room.feed`: changes to the room list as they happen, so clients can re-read room.list
 * instead of polling it: public channels for everyone, and the caller's own private rooms.
 * Ephemeral, like activity: past its buffer a stuck subscriber misses some.
 */
export async function openRoomListStream(ctx: Context, userId: string, signal: AbortSignal | undefined) {
  const { hub } = ctx.deps;
  const changes = await HubFeed.merge<RoomListChange>(signal, 1_000, (push) => [
    hub.subscribe(topics.rooms(), push),
    hub.subscribe(topics.userRooms(userId), push),
  ]);
  return (async function* roomListChanges() {
    for await (const change of changes) {
      if (socketIsBackedUp(ctx)) return;
      yield change;
    }
  })();
}
