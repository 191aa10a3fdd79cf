import type { Message, Reaction, Room, RoomEvent, SearchHit } from "@parley/client";

// How things look in a terminal. With --json the commands print the API's objects instead.

/** `2026-11-26 14:03`, in local time. */
export function shortTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `1 member`, `3 members`. */
export function formatMembers(count: number): string {
  return `${count} member${count === 1 ? "" : "s"}`;
}

export function formatRoom(room: Room): string {
  if (room.kind === "dm") return `@${room.name}  direct message`;
  const lock = room.visibility === "private" ? "  (private)" : "";
  return `#${room.name}  ${formatMembers(room.memberCount)}${lock}${room.joined ? "  (joined)" : ""}`;
}

/** `#general` for a channel, `@bob` for a dm. */
function roomRef(room: Pick<Room, "kind" | "name">): string {
  return `${room.kind === "dm" ? "@" : "#"}${room.name}`;
}

/** `#general  3 unread (1 mention)`. */
export function formatUnread(room: Room): string {
  const mentions = room.mentionCount > 0 ? ` (${room.mentionCount} mention${room.mentionCount === 1 ? "" : "s"})` : "";
  return `${roomRef(room)}  ${room.unreadCount} unread${mentions}`;
}

/** `👍 2  🎉 1`. */
export function formatReactions(reactions: Reaction[]): string {
  return reactions.map((r) => `${r.emoji} ${r.userIds.length}`).join("  ");
}

export function formatMessage(message: Message): string {
  const quote = message.replyTo
    ? `  (reply to ${message.replyTo.author.username}: ${message.replyTo.text ? JSON.stringify([...message.replyTo.text].slice(0, 40).join("")) : "a deleted message"})`
    : "";
  const reactions = message.reactions.length > 0 ? `  [${formatReactions(message.reactions)}]` : "";
  return `${shortTime(message.createdAt)}  ${message.author.username}: ${message.text}${message.editedAt ? " (edited)" : ""}${quote}${reactions}`;
}

/** A search result: `#general  2026-11-29 14:03  alice: the text  (id …)`. */
export function formatHit(hit: SearchHit): string {
  const m = hit.message;
  return `${hit.roomName}  ${shortTime(m.createdAt)}  ${m.author.username}: ${m.text}  (id ${m.id})`;
}

export function formatEvent(event: RoomEvent): string {
  switch (event.type) {
    case "message.created":
      return formatMessage(event.message);
    case "message.updated":
      return `${shortTime(event.message.editedAt ?? event.message.createdAt)}  ${event.message.author.username} edited: ${event.message.text}`;
    case "message.deleted":
      return "* a message was deleted";
    case "member.joined":
      return `* ${event.user.username} joined`;
    case "member.left":
      return event.by ? `* ${event.by.username} removed ${event.user.username}` : `* ${event.user.username} left`;
    case "member.role":
      return `* ${event.user.username} ${{ owner: "is now the owner", admin: "is now an admin", member: "is no longer an admin" }[event.role]}`;
    case "room.updated":
      return `* the room is now #${event.room.name} (${event.room.visibility})${event.room.topic ? `: ${event.room.topic}` : ""}`;
    case "reactions.changed":
      return `* reactions on ${event.messageId}: ${event.reactions.length > 0 ? formatReactions(event.reactions) : "none"}`;
  }
}
