import type { Me, Message, Reaction, ReplyTo, User } from "@parley/contract";
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
  replyTo: { select: { id: true, text: true, deletedAt: true, author: { select: userSelect } } },
  mentions: { orderBy: { position: "asc" }, select: { user: { select: userSelect } } },
  reactions: { orderBy: { seq: "asc" }, select: { emoji: true, userId: true } },
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
    replyTo: row.replyTo ? toReplyTo(row.replyTo) : null,
    mentions: row.mentions.map((mention) => toUser(mention.user)),
    reactions: groupReactions(row.reactions),
  };
}

/** How long a reply's quote of the message it answers may be, in code points. */
export const QUOTE_LENGTH = 200;

export function toReplyTo(row: { id: string; text: string; deletedAt: Date | null; author: UserRow }): ReplyTo {
  return {
    id: row.id,
    author: toUser(row.author),
    text: row.deletedAt ? "" : [...row.text].slice(0, QUOTE_LENGTH).join(""),
  };
}

/** Reaction rows in reaction order → one entry per emoji, in order of its first reaction. */
export function groupReactions(rows: { emoji: string; userId: string }[]): Reaction[] {
  const byEmoji = new Map<string, string[]>();
  for (const row of rows) {
    const users = byEmoji.get(row.emoji);
    if (users) users.push(row.userId);
    else byEmoji.set(row.emoji, [row.userId]);
  }
  return [...byEmoji].map(([emoji, userIds]) => ({ emoji, userIds }));
}
