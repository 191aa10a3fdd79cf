import { randomUUID } from "node:crypto";
import type { CommandContext } from "../context";
import { expectArgs } from "../context";
import { usageError } from "../errors";
import { formatHit, formatMessage } from "../format";
import { readStdin } from "../input";
import { findJoinedRoom } from "./rooms";

/** The text after the first positional: the words, or stdin for `-`. */
async function messageText(ctx: CommandContext, first: string): Promise<{ target: string; text: string }> {
  const [target, ...words] = ctx.args.positionals;
  if (!target) throw usageError(`missing <${first}>`);
  if (words.length === 0) throw usageError("missing <text> (use - to read it from stdin)");
  const text = words.length === 1 && words[0] === "-" ? await readStdin() : words.join(" ");
  if (text.trim() === "") throw usageError("the message is empty");
  return { target, text };
}

/**
 * `parley send <room> <text…> [--reply <messageId>]`: posts a message (an answer to that one
 * with --reply); `-` as the text reads it from stdin.
 */
export async function send(ctx: CommandContext): Promise<void> {
  const { target: ref, text } = await messageText(ctx, "room");
  const { client } = await ctx.connect({ signedIn: true });
  try {
    const room = await findJoinedRoom(client.trpc, ref);
    // One id per invocation: if the reply is lost and tRPC's call is repeated, no duplicate appears.
    const message = await client.trpc.message.send.mutate({
      roomId: room.id,
      text,
      clientMsgId: randomUUID(),
      ...(ctx.args.reply !== null ? { replyToId: ctx.args.reply } : {}),
    });
    ctx.print(message, null);
  } finally {
    await client.close();
  }
}

/** `parley dm <user> <text…>`: a direct message, opening the conversation on the first one. */
export async function dm(ctx: CommandContext): Promise<void> {
  const { target, text } = await messageText(ctx, "user");
  const { client } = await ctx.connect({ signedIn: true });
  try {
    const room = await client.trpc.dm.open.mutate({ username: target.replace(/^@/, "") });
    const message = await client.trpc.message.send.mutate({ roomId: room.id, text, clientMsgId: randomUUID() });
    ctx.print(message, null);
  } finally {
    await client.close();
  }
}

/** `parley history <room> [--limit N]`: the latest messages, oldest first. */
export async function history(ctx: CommandContext): Promise<void> {
  const [ref] = expectArgs(ctx, ["room"] as const);
  const { client } = await ctx.connect({ signedIn: true });
  try {
    const room = await findJoinedRoom(client.trpc, ref);
    const page = await client.trpc.message.list.query({ roomId: room.id, limit: ctx.args.limit ?? 20 });
    ctx.print(page.messages, page.messages.length > 0 ? page.messages.map(formatMessage) : `No messages in #${room.name} yet.`);
  } finally {
    await client.close();
  }
}

/** `parley search <words…> [--room R] [--limit N]`: messages with every word, newest first. */
export async function search(ctx: CommandContext): Promise<void> {
  const query = ctx.args.positionals.join(" ");
  if (query.trim() === "") throw usageError("missing <words> to search for");
  const { client } = await ctx.connect({ signedIn: true });
  try {
    const room = ctx.args.room !== null ? await findJoinedRoom(client.trpc, ctx.args.room) : null;
    const { hits } = await client.trpc.message.search.query({
      query,
      limit: Math.min(ctx.args.limit ?? 20, 50),
      ...(room ? { roomId: room.id } : {}),
    });
    ctx.print(hits, hits.length > 0 ? hits.map(formatHit) : `Nothing found for '${query}'.`);
  } finally {
    await client.close();
  }
}
