import type { Message, Room, RoomEvent } from "@parley/client";

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

export function formatMessage(message: Message): string {
  return `${shortTime(message.createdAt)}  ${message.author.username}: ${message.text}${message.editedAt ? " (edited)" : ""}`;
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
  }
}
