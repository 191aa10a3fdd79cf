import type { Me, Message, User } from "@parley/contract";
import type { Prisma } from "./generated/client";

// Explicit selects: a password hash can never reach a response by accident.
export const userSelect = {
  id: true,
  username: true,
  createdAt: true,
  deactivatedAt: true,
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

export function toUser(row: Omit<UserRow, "deactivatedAt"> & { deactivatedAt?: Date | null }): User {
  return {
    id: row.id,
    username: row.username,
    createdAt: row.createdAt.toISOString(),
    ...(row.deactivatedAt ? { deactivated: true as const } : {}),
  };
}

export function toMe(row: MeRow): Me {
  const { deactivatedAt: _, ...user } = row;
  return { ...toUser(user), email: row.email };
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
