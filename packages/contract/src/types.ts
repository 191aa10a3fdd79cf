// The domain shapes of Parley's public API contract (its "Types"), declared once: the
// repositories in @parley/db return exactly these, the router passes them on, and @parley/client,
// the web app and docs/api.md (scripts/gen-api-docs.mjs) all read them from here. Types only, and
// nothing imported: @parley/client's published declarations carry this whole module.

export type User = {
  id: string;
  username: string;
  createdAt: string;
  /** Present (true) only when an operator deactivated the account (`pnpm admin deactivate`). */
  deactivated?: true;
};
export type Me = User & { email: string };

/** One of the caller's sessions (auth.sessions). `id` is not the token; `current`: this call's. */
export type SessionInfo = {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  userAgent: string | null;
  current: boolean;
  /** v3: the device as the server names it from the User-Agent ("Chrome on Linux"). */
  device?: string;
  /** v3: the browser's version from the User-Agent ("131.0.0.0"), null when it names none. */
  browserVersion?: string | null;
  /** v3: the client's address as the server saw it at the last recorded use (null if unknown). */
  address?: string | null;
};

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
  /** Live messages by others after the caller's read position (0 when not a member). */
  unreadCount: number;
  /** Those of them that mention the caller. */
  mentionCount: number;
  /** The caller's read position, an event id; null when not a member or before any event. */
  lastReadEventId: string | null;
  /** When the room's newest live message was written; null when it has none. */
  lastMessageAt: string | null;
};
export type Member = { user: User; joinedAt: string; online: boolean; role: Role };
/** One emoji on a message and who reacted with it, in reaction order. */
export type Reaction = { emoji: string; userIds: string[] };
/** The message a reply answers; `text` is its first 200 code points, "" once it is deleted. */
export type ReplyTo = { id: string; author: User; text: string };
export type Message = {
  id: string;
  roomId: string;
  author: User;
  text: string;
  createdAt: string;
  editedAt: string | null;
  clientMsgId: string | null;
  replyTo: ReplyTo | null;
  /** Members named `@username` in the text, once each, in order of appearance. */
  mentions: User[];
  /** In order of each emoji's first reaction. */
  reactions: Reaction[];
};

/** Persisted, resumable room events. */
export type RoomEvent =
  | { type: "message.created"; message: Message }
  | { type: "message.updated"; message: Message }
  | { type: "message.deleted"; roomId: string; messageId: string }
  | { type: "member.joined"; roomId: string; user: User }
  | { type: "member.left"; roomId: string; user: User; by?: User }
  | { type: "member.role"; roomId: string; user: User; role: Role }
  | { type: "room.updated"; room: { id: string; name: string; topic: string; visibility: "public" | "private" } }
  | { type: "reactions.changed"; roomId: string; messageId: string; reactions: Reaction[] };

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
  | { type: "room.removed"; roomId: string }
  /** The user's unread counts or read position in a room changed. */
  | ({ type: "room.unread"; roomId: string } & ReadState)
  /** Someone else's new message names the user. */
  | { type: "mention"; roomId: string; message: Message };

/** Where one member stands in a room: room.markRead's answer and the body of `room.unread`. */
export type ReadState = {
  unreadCount: number;
  mentionCount: number;
  lastReadEventId: string | null;
  lastMessageAt: string | null;
};

/** One message.search result. */
export type SearchHit = { message: Message; roomName: string };

/**
 * Which unique field a `CONFLICT` is about, as `error.data.field`: a taken username or email
 * (auth.signup), or a taken room name (room.create).
 */
export type ConflictField = "username" | "email" | "name";
