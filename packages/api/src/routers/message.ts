import {
  messageEditInput,
  messageIdInput,
  messageListInput,
  messageReactInput,
  messageSearchInput,
  messageSendInput,
  publicUser,
  type Me,
} from "@parley/contract";
import { messages, reading, TooManyReactionsError } from "@parley/db";
import { topics } from "../hub/topics";
import { TRPCError } from "@trpc/server";
import {
  badRequest,
  isIdShape,
  messageNotFound,
  notMember,
  requireAuthor,
  requireMember,
  requireMessageMember,
  roomNotFound,
} from "../services/access";
import type { Context } from "../context";
import { authedProcedure, rateLimit, router } from "../trpc";

/** A procedure's context once authedProcedure has checked the session. */
type Authed = Context & { user: Me };

function unknownCursor(cursor: string): TRPCError {
  return new TRPCError({ code: "BAD_REQUEST", message: `Unknown cursor '${cursor.slice(0, 80)}'` });
}

/** The members a text names, looked up only when it has an `@` at all. */
function mentionsIn(ctx: Authed, roomId: string, text: string) {
  return text.includes("@") ? reading.resolveMentions(ctx.deps.db, roomId, text) : Promise.resolve([]);
}

async function react(ctx: Authed, input: { messageId: string; emoji: string }, add: boolean) {
  await rateLimit(ctx, "react", ctx.user.id);
  const meta = await requireMessageMember(ctx.deps.db, input.messageId, ctx.user.id);
  try {
    const { reactions, event } = await reading.setReaction(ctx.deps.db, {
      messageId: meta.id,
      roomId: meta.roomId,
      userId: ctx.user.id,
      emoji: input.emoji,
      add,
    });
    if (event) ctx.deps.hub.publish(topics.roomEvents(event.roomId), event);
    return { reactions };
  } catch (error) {
    // (A message deleted meanwhile is MessageGoneError: NOT_FOUND, in trpc.ts.)
    if (error instanceof TooManyReactionsError) throw badRequest(error.message);
    throw error;
  }
}

export const messageRouter = router({
  send: authedProcedure.input(messageSendInput).mutation(async ({ ctx, input }) => {
    if (!isIdShape(input.roomId)) throw roomNotFound(input.roomId);
    // The send's place in the room's batch is taken now, as it arrives, before anything below
    // waits (a rate limit, a mention or reply lookup): a send that needs a lookup must not be
    // stored after a later send from the same connection that needed none.
    const ticket = ctx.deps.sends.reserve(input.roomId);
    let draft;
    try {
      await rateLimit(ctx, "message", ctx.user.id);
      let replyTo = null;
      if (input.replyToId !== undefined) {
        // A reply answers a live message of the same room; anything else is unknown here.
        replyTo = isIdShape(input.replyToId) ? await reading.replyTarget(ctx.deps.db, input.roomId, input.replyToId) : null;
        if (!replyTo) throw messageNotFound(input.replyToId);
      }
      draft = {
        author: publicUser(ctx.user),
        text: input.text,
        clientMsgId: input.clientMsgId ?? null,
        replyTo,
        mentions: await mentionsIn(ctx, input.roomId, input.text),
      };
    } catch (error) {
      ticket.cancel();
      throw error;
    }
    // The batch (services/send-batcher.ts) checks membership in the same statement that writes,
    // and publishes the event (none for a retry) before answering.
    const result = await ticket.submit(draft);
    switch (result.status) {
      case "created":
      case "existing": // a retry (same clientMsgId) gets the first message back
        return result.message;
      case "no-room":
        throw roomNotFound(input.roomId);
      case "not-member":
        throw notMember();
    }
  }),

  list: authedProcedure.input(messageListInput).query(async ({ ctx, input }) => {
    await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
    if (input.before != null && !isIdShape(input.before)) throw unknownCursor(input.before);
    const page = await messages.listMessages(ctx.deps.db, input.roomId, {
      beforeId: input.before ?? null,
      limit: input.limit,
    });
    return {
      messages: page.messages,
      nextCursor: page.nextCursor,
      lastEventId: page.lastEventSeq > 0n ? String(page.lastEventSeq) : null,
    };
  }),

  edit: authedProcedure.input(messageEditInput).mutation(async ({ ctx, input }) => {
    await rateLimit(ctx, "edit", ctx.user.id);
    const meta = await requireAuthor(ctx.deps.db, input.messageId, ctx.user.id);
    const { message, event } = await messages.editMessage(ctx.deps.db, {
      messageId: meta.id,
      roomId: meta.roomId,
      text: input.text,
      mentions: await mentionsIn(ctx, meta.roomId, input.text),
    });
    ctx.deps.hub.publish(topics.roomEvents(event.roomId), event);
    return message;
  }),

  delete: authedProcedure.input(messageIdInput).mutation(async ({ ctx, input }) => {
    const meta = await requireAuthor(ctx.deps.db, input.messageId, ctx.user.id);
    const { event } = await messages.deleteMessage(ctx.deps.db, { messageId: meta.id, roomId: meta.roomId });
    ctx.deps.hub.publish(topics.roomEvents(event.roomId), event);
    return { ok: true as const };
  }),

  /** Adds the caller's emoji to a message; emits reactions.changed when that changed something. */
  react: authedProcedure.input(messageReactInput).mutation(({ ctx, input }) => react(ctx, input, true)),

  /** Takes the caller's emoji off a message; emits reactions.changed when it was there. */
  unreact: authedProcedure.input(messageReactInput).mutation(({ ctx, input }) => react(ctx, input, false)),

  /** Full-text search over the messages of the caller's rooms, newest first. */
  search: authedProcedure.input(messageSearchInput).query(async ({ ctx, input }) => {
    await rateLimit(ctx, "search", ctx.user.id);
    if (input.roomId !== undefined) await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
    if (input.before != null && !isIdShape(input.before)) throw unknownCursor(input.before);
    // A cursor that names no message is UnknownCursorError: BAD_REQUEST, in trpc.ts.
    return reading.searchMessages(ctx.deps.db, {
      userId: ctx.user.id,
      query: input.query,
      roomId: input.roomId ?? null,
      beforeId: input.before ?? null,
      limit: input.limit,
    });
  }),
});
