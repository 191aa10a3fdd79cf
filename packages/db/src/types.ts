// The domain shapes of the public API contract (../shared/API.md, "Types"). The repositories in
// this package return exactly these, so nothing above the database ever sees a Prisma row.

export type User = { id: string; username: string; createdAt: string };
export type Me = User & { email: string };

/** The public part of a user: what other people may see (never the email). */
export function publicUser(user: User): User {
  return { id: user.id, username: user.username, createdAt: user.createdAt };
}
export type Role = "owner" | "admin" | "member";
export type Room = {
  id: string;
  /** A channel's name; a dm's is the other person's username, as the caller sees it. */
  name: string;
  createdAt: string;
  createdBy: User;
  memberCount: number;
  joined: boolean;
  kind: "channel" | "dm";
  /** A dm is always private. */
  visibility: "public" | "private";
  /** "" when none. */
  topic: string;
  /** The caller's role, null when they are not a member. */
  role: Role | null;
  /** A dm: the other person; null for a channel. */
  peer: User | null;
};
export type Member = { user: User; joinedAt: string; online: boolean; role: Role };
export type Message = {
  id: string;
  roomId: string;
  author: User;
  text: string;
  createdAt: string;
  editedAt: string | null;
  clientMsgId: string | null;
};

/** Persisted, resumable room events. */
export type RoomEvent =
  | { type: "message.created"; message: Message }
  | { type: "message.updated"; message: Message }
  | { type: "message.deleted"; roomId: string; messageId: string }
  | { type: "member.joined"; roomId: string; user: User }
  | { type: "member.left"; roomId: string; user: User; by?: User }
  | { type: "member.role"; roomId: string; user: User; role: Role }
  | { type: "room.updated"; room: { id: string; name: string; topic: string; visibility: "public" | "private" } };

/** Ephemeral room activity, never stored. */
export type Activity =
  | { type: "presence.snapshot"; roomId: string; online: User[] }
  | { type: "presence.online"; roomId: string; user: User }
  | { type: "presence.offline"; roomId: string; user: User }
  | { type: "typing"; roomId: string; user: User };

/**
 * A change to the room list as everyone sees it (not persisted): a room was created, or its
 * membership changed. Clients re-read room.list, whose fields depend on who asks.
 */
export type RoomListChange = { type: "room.created" | "room.membership" | "room.updated"; roomId: string };

/** What `me.events` tells one user about their own rooms, on every server, in every tab. Ephemeral. */
export type InboxEvent =
  /** The user joined, was added, or a dm with them was opened. */
  | { type: "room.added"; room: Room }
  /** The user left (in any tab) or was removed. */
  | { type: "room.removed"; roomId: string };

/** A room event as stored: `seq` is its position in the room's log (the public event id). */
export type StoredRoomEvent = { roomId: string; seq: bigint; event: RoomEvent };
