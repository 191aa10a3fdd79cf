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
import { messages, reading } from "@parley/db";
import { TRPCError } from "@trpc/server";
import {
  isIdShape,
  messageNotFound,
  notMember,
  requireAuthor,
  requireMember,
  requireMessageMember,
  roomNotFound,
} from "../services/access";
import { announceEvents } from "../services/announce";
import type { Context } from "../context";
import { authedProcedure, router } from "../trpc";

/** A procedure's context once authedProcedure has checked the session. */
type Authed = Context & { user: Me };

function unknownCursor(cursor: string): TRPCError {
  return new TRPCError({ code: "BAD_REQUEST", message: `Unknown cursor '${cursor.slice(0, 80)}'` });
}

/** The members a text names, looked up only when it has an `@` at all. */
function mentionsIn(ctx: Authed, roomId: string, text: string) {
  return text.includes("@") ? reading.resolveMentions(ctx.deps.db, roomId, text) : Promise.resolve([]);
}

/**
 * Adds or takes off the caller's emoji. A message deleted meanwhile (MessageGoneError) and one
 * with too many kinds of reaction (TooManyReactionsError) are answered by trpc.ts's error table.
 */
async function react(ctx: Authed, input: { messageId: string; emoji: string }, add: boolean) {
  const meta = await requireMessageMember(ctx.deps.db, input.messageId, ctx.user.id);
  const { reactions, event } = await reading.setReaction(ctx.deps.db, {
    messageId: meta.id,
    roomId: meta.roomId,
    userId: ctx.user.id,
    emoji: input.emoji,
    add,
  });
  if (event) announceEvents(ctx, [event]);
  return { reactions };
}

/** message.react and message.unreact share one limit. */
const reactLimit = { rateLimit: { action: "react", per: "user" } } as const;

export const messageRouter = router({
  send: authedProcedure
    .meta({ rateLimit: { action: "message", per: "user" } })
    .input(messageSendInput)
    .mutation(async ({ ctx, input }) => {
      if (!isIdShape(input.roomId)) throw roomNotFound(input.roomId);
      // The send's place in the room's batch is taken now, as it arrives, before anything below
      // waits (a mention or reply lookup): a send that needs a lookup must not be stored after a
      // later send from the same connection that needed none. (The rate limit, counted by the
      // middleware before this, answers calls in the order they came.)
      const ticket = ctx.deps.sends.reserve(input.roomId);
      let draft;
      try {
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

  edit: authedProcedure
    .meta({ rateLimit: { action: "edit", per: "user" } })
    .input(messageEditInput)
    .mutation(async ({ ctx, input }) => {
      const meta = await requireAuthor(ctx.deps.db, input.messageId, ctx.user.id);
      const { message, event } = await messages.editMessage(ctx.deps.db, {
        messageId: meta.id,
        roomId: meta.roomId,
        text: input.text,
        mentions: await mentionsIn(ctx, meta.roomId, input.text),
      });
      announceEvents(ctx, [event]);
      return message;
    }),

  delete: authedProcedure.input(messageIdInput).mutation(async ({ ctx, input }) => {
    const meta = await requireAuthor(ctx.deps.db, input.messageId, ctx.user.id);
    const { event } = await messages.deleteMessage(ctx.deps.db, { messageId: meta.id, roomId: meta.roomId });
    announceEvents(ctx, [event]);
    return { ok: true as const };
  }),

  /** Adds the caller's emoji to a message; emits reactions.changed when that changed something. */
  react: authedProcedure
    .meta(reactLimit)
    .input(messageReactInput)
    .mutation(({ ctx, input }) => react(ctx, input, true)),

  /** Takes the caller's emoji off a message; emits reactions.changed when it was there. */
  unreact: authedProcedure
    .meta(reactLimit)
    .input(messageReactInput)
    .mutation(({ ctx, input }) => react(ctx, input, false)),

  /** Full-text search over the messages of the caller's rooms, newest first. */
  search: authedProcedure
    .meta({ rateLimit: { action: "search", per: "user" } })
    .input(messageSearchInput)
    .query(async ({ ctx, input }) => {
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
