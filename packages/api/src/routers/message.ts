import { messageEditInput, messageIdInput, messageListInput, messageSendInput, publicUser } from "@parley/contract";
import { messages } from "@parley/db";
import { topics } from "../hub/topics";
import { TRPCError } from "@trpc/server";
import { isIdShape, notMember, requireAuthor, requireMember, roomNotFound } from "../services/access";
import { authedProcedure, rateLimit, router } from "../trpc";

export const messageRouter = router({
  send: authedProcedure.input(messageSendInput).mutation(async ({ ctx, input }) => {
    if (!isIdShape(input.roomId)) throw roomNotFound(input.roomId);
    await rateLimit(ctx, "message", ctx.user.id);
    // Joins the room's next batch (services/send-batcher.ts), which checks membership in the same
    // statement that writes, and publishes the event (none for a retry) before answering.
    const result = await ctx.deps.sends.send(input.roomId, {
      author: publicUser(ctx.user),
      text: input.text,
      clientMsgId: input.clientMsgId ?? null,
    });
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
    if (input.before != null && !isIdShape(input.before)) {
      throw new TRPCError({ code: "BAD_REQUEST", message: `Unknown cursor '${input.before.slice(0, 80)}'` });
    }
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
});
