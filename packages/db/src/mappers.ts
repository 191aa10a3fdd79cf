import type { Me, Message, User } from "@parley/contract";
import type { Prisma } from "./generated/client";

// Explicit selects: a password hash can never reach a response by accident.
export const userSelect = {
  id: true,
  username: true,
  createdAt: true,
} satisfies Prisma.UserSelect;

export const meSelect = { ...userSelect, email: true } satisfies Prisma.UserSelect;

export const messageSelect = {
  id: true,
  roomId: true,
  text: true,
  createdAt: true,
  editedAt: true,
  clientMsgId: true,
  author: { select: userSelect },
} satisfies Prisma.MessageSelect;

type UserRow = Prisma.UserGetPayload<{ select: typeof userSelect }>;
type MeRow = Prisma.UserGetPayload<{ select: typeof meSelect }>;
type MessageRow = Prisma.MessageGetPayload<{ select: typeof messageSelect }>;

export function toUser(row: UserRow): User {
  return { id: row.id, username: row.username, createdAt: row.createdAt.toISOString() };
}

export function toMe(row: MeRow): Me {
  return { ...toUser(row), email: row.email };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    roomId: row.roomId,
    author: toUser(row.author),
    text: row.text,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt ? row.editedAt.toISOString() : null,
    clientMsgId: row.clientMsgId,
  };
}
