import type { ReadState, Room, RoomListChange, User } from "@parley/contract";
import type { SessionEndReason } from "@parley/contract/session-end";
import { rooms, type StoredRoomEvent } from "@parley/db";
import type { Context } from "../context";
import { topics } from "../hub/topics";
import { sessionEndedMessage } from "../lib/socket-registry";

// What procedures tell the hub after a write commits, one named announcement per kind of news:
// the room's new events (room.events), a person's room list and counts (me.events, on every
// server and in every tab), room.feed for public channels, room.activity's typing, and the
// sessions every server must close. Routers announce only through these; none publishes itself.

/** The room's new events, to its room.events subscribers on every server. */
export function announceEvents(ctx: Context, events: StoredRoomEvent[]): void {
  for (const event of events) ctx.deps.hub.publish(topics.roomEvents(event.roomId), event);
}

/** A room just created: its first event, room.feed (a public one), and its creator's list. */
export function announceRoomCreated(ctx: Context, creatorId: string, room: Room, event: StoredRoomEvent): void {
  announceEvents(ctx, [event]);
  announceListChange(ctx, room.visibility, { type: "room.created", roomId: room.id });
  addedToList(ctx, creatorId, room, "room.created");
}

/** Tells `userId` that the room is now in their list, as they see it. */
export async function announceRoomAdded(ctx: Context, roomId: string, userId: string): Promise<void> {
  const room = await rooms.getRoom(ctx.deps.db, roomId, userId);
  if (room) addedToList(ctx, userId, room, "room.membership");
}

/** `room` joined `userId`'s list: their me.events, and their room.feed when it is private. */
function addedToList(ctx: Context, userId: string, room: Room, change: RoomListChange["type"]): void {
  ctx.deps.hub.publish(topics.user(userId), { type: "room.added", room });
  if (room.visibility === "private") ctx.deps.hub.publish(topics.userRooms(userId), { type: change, roomId: room.id });
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

/** `userId`'s read position in the room moved: their counts, in every tab (me.events room.unread). */
export function announceReadState(ctx: Context, userId: string, roomId: string, state: ReadState): void {
  ctx.deps.hub.publish(topics.user(userId), { type: "room.unread", roomId, ...state });
}

/** `user` is typing in the room (room.activity). */
export function announceTyping(ctx: Context, roomId: string, user: User): void {
  ctx.deps.hub.publish(topics.roomActivity(roomId), { type: "typing", roomId, user });
}

/** These sessions are gone, and why: every server closes the sockets they opened, saying why. */
export function announceSessionsEnded(ctx: Context, sessionIds: readonly string[], reason: SessionEndReason): void {
  for (const id of sessionIds) ctx.deps.hub.publish(topics.sessions(), sessionEndedMessage(id, reason));
}
