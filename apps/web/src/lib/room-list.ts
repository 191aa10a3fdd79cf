import type { Room } from "@parley/client";

// The room list as the server orders it (room.list): channels by name, then direct messages,
// newest first. Live changes are written into the cached list with these, so the sidebar moves
// at once; the next read of room.list stays the judge.

function byName(a: Room, b: Room): number {
  // The server's order: code points of the lower-cased name.
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Channels and dms, each in its own list, in the order given. */
export function splitRooms(rooms: readonly Room[]): { channels: Room[]; dms: Room[] } {
  return { channels: rooms.filter((room) => room.kind === "channel"), dms: rooms.filter((room) => room.kind === "dm") };
}

/**
 * The list with `room` in it (replacing an older copy): a channel in its place by name, a dm
 * where it was, or first among the dms when it is new (a dm appears when it is opened).
 */
export function upsertRoom(rooms: readonly Room[], room: Room): Room[] {
  const { channels, dms } = splitRooms(rooms.filter((r) => r.id !== room.id));
  if (room.kind === "channel") {
    const at = channels.findIndex((r) => byName(room, r) < 0);
    return at < 0 ? [...channels, room, ...dms] : [...channels.slice(0, at), room, ...channels.slice(at), ...dms];
  }
  const at = Math.max(
    0,
    rooms.filter((r) => r.kind === "dm").findIndex((r) => r.id === room.id),
  );
  return [...channels, ...dms.slice(0, at), room, ...dms.slice(at)];
}

/** The list after the caller left or lost `roomId`: a public channel stays (not joined), the rest go. */
export function withoutMembership(rooms: readonly Room[], roomId: string): Room[] {
  return rooms.flatMap((room) => {
    if (room.id !== roomId) return [room];
    if (room.kind === "dm" || room.visibility === "private") return [];
    return [notJoined(room, room.joined)];
  });
}

/** A room as someone who is not (or no longer) in it sees it. */
export function notJoined(room: Room, wasMember = room.joined): Room {
  return { ...room, joined: false, role: null, memberCount: Math.max(0, room.memberCount - (wasMember ? 1 : 0)) };
}

/** A dm with a new message moves to the top of the dms. */
export function bumpDm(rooms: readonly Room[], roomId: string): Room[] {
  const room = rooms.find((r) => r.id === roomId && r.kind === "dm");
  if (!room) return [...rooms];
  const { channels, dms } = splitRooms(rooms.filter((r) => r.id !== roomId));
  return [...channels, room, ...dms];
}

/** How a room is named in running text: `#general` for a channel, the other person's name for a dm. */
export function roomLabel(room: Pick<Room, "kind" | "name">): string {
  return room.kind === "dm" ? room.name : `#${room.name}`;
}
