import type { RoomListChange } from "@parley/contract";
import { rooms, type StoredRoomEvent } from "@parley/db";
import type { Context } from "../context";
import { topics } from "../hub/topics";

// What procedures tell the hub after they commit: the room's new events, the person whose room
// list changed (me.events, on every server and in every tab), and room.feed for public channels.

export function publishEvents(ctx: Context, events: StoredRoomEvent[]): void {
  for (const event of events) ctx.deps.hub.publish(topics.roomEvents(event.roomId), event);
}

/** Tells `userId` that the room is now in their list, as they see it. */
export async function announceRoomAdded(ctx: Context, roomId: string, userId: string): Promise<void> {
  const room = await rooms.getRoom(ctx.deps.db, roomId, userId);
  if (!room) return;
  ctx.deps.hub.publish(topics.user(userId), { type: "room.added", room });
  if (room.visibility === "private") ctx.deps.hub.publish(topics.userRooms(userId), { type: "room.membership", roomId });
}

/** Tells `userId` that the room has left their list. */
export function announceRoomRemoved(ctx: Context, roomId: string, userId: string, visibility: "public" | "private"): void {
  ctx.deps.hub.publish(topics.user(userId), { type: "room.removed", roomId });
  if (visibility === "private") ctx.deps.hub.publish(topics.userRooms(userId), { type: "room.membership", roomId });
}

/**
 * Tells every room.feed subscriber that a public channel changed. A private room's changes
 * reach only the people they concern (announceRoomAdded/Removed): its id must not reach anyone
 * else.
 */
export function announceListChange(ctx: Context, visibility: "public" | "private", change: RoomListChange): void {
  if (visibility === "public") ctx.deps.hub.publish(topics.rooms(), change);
}
