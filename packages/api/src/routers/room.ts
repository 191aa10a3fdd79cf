import { publicUser, roomCreateInput, roomEventsInput, roomFeedInput, roomIdInput, type Member, type Room } from "@parley/contract";
import { rooms, UniqueViolationError } from "@parley/db";
import { conflict } from "../lib/conflict";
import { isIdShape, requireMember, roomNotFound } from "../services/access";
import { openActivityStream } from "../services/activity-stream";
import { openRoomEventStream } from "../services/room-event-stream";
import { openRoomListStream } from "../services/room-list-stream";
import { authedProcedure, rateLimit, router, subscriptionProcedure } from "../trpc";

export const roomRouter = router({
  create: authedProcedure.input(roomCreateInput).mutation(async ({ ctx, input }): Promise<Room> => {
    await rateLimit(ctx, "roomCreate", ctx.user.id);
    try {
      const { room, event } = await rooms.createRoom(ctx.deps.db, { name: input.name, creator: publicUser(ctx.user) });
      ctx.deps.hub.publishEvent(event);
      ctx.deps.hub.publishRoomListChange({ type: "room.created", roomId: room.id });
      return room;
    } catch (error) {
      if (error instanceof UniqueViolationError) {
        throw conflict("name", `A room named '${input.name}' already exists`, error);
      }
      throw error;
    }
  }),

  // Capped (not paged): every room the caller is in, and ROOM_LIST_LIMIT others (README).
  list: authedProcedure.query(({ ctx }) =>
    rooms.listRooms(ctx.deps.db, ctx.user.id, { othersLimit: ctx.deps.config.roomListLimit }),
  ),

  get: authedProcedure.input(roomIdInput).query(async ({ ctx, input }) => {
    const room = isIdShape(input.roomId) ? await rooms.getRoom(ctx.deps.db, input.roomId, ctx.user.id) : null;
    if (!room) throw roomNotFound(input.roomId);
    return room;
  }),

  join: authedProcedure.input(roomIdInput).mutation(async ({ ctx, input }) => {
    await rateLimit(ctx, "membership", ctx.user.id);
    if (!isIdShape(input.roomId) || (await rooms.getMembership(ctx.deps.db, input.roomId, ctx.user.id)) === "no-room") {
      throw roomNotFound(input.roomId);
    }
    const { event } = await rooms.joinRoom(ctx.deps.db, input.roomId, publicUser(ctx.user));
    if (event) {
      ctx.deps.hub.publishEvent(event);
      ctx.deps.hub.publishRoomListChange({ type: "room.membership", roomId: input.roomId });
    }
    const room = await rooms.getRoom(ctx.deps.db, input.roomId, ctx.user.id);
    if (!room) throw roomNotFound(input.roomId);
    return room;
  }),

  leave: authedProcedure.input(roomIdInput).mutation(async ({ ctx, input }) => {
    await rateLimit(ctx, "membership", ctx.user.id);
    const membership = isIdShape(input.roomId)
      ? await rooms.getMembership(ctx.deps.db, input.roomId, ctx.user.id)
      : "no-room";
    if (membership === "no-room") throw roomNotFound(input.roomId);
    if (membership === "member") {
      const { event } = await rooms.leaveRoom(ctx.deps.db, input.roomId, publicUser(ctx.user));
      if (event) {
        ctx.deps.hub.publishEvent(event);
        ctx.deps.hub.publishRoomListChange({ type: "room.membership", roomId: input.roomId });
      }
    }
    return { ok: true as const };
  }),

  members: authedProcedure.input(roomIdInput).query(async ({ ctx, input }): Promise<Member[]> => {
    await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
    const [members, online] = await Promise.all([
      rooms.listMembers(ctx.deps.db, input.roomId),
      ctx.deps.hub.onlineUsers(input.roomId),
    ]);
    const onlineIds = new Set(online.map((u) => u.id));
    return members.map((m) => ({ ...m, online: onlineIds.has(m.user.id) }));
  }),

  typing: authedProcedure.input(roomIdInput).mutation(async ({ ctx, input }) => {
    await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
    await rateLimit(ctx, "typing", ctx.user.id);
    ctx.deps.hub.publishActivity({ type: "typing", roomId: input.roomId, user: publicUser(ctx.user) });
    return { ok: true as const };
  }),

  events: subscriptionProcedure.input(roomEventsInput).subscription(async ({ ctx, input, signal }) => {
    await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
    return openRoomEventStream(ctx, ctx.user.id, input, signal);
  }),

  activity: subscriptionProcedure.input(roomIdInput).subscription(async ({ ctx, input, signal }) => {
    await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
    // Each subscription may announce the user to the whole room: a loop must not flood it.
    await rateLimit(ctx, "activity", ctx.user.id);
    return openActivityStream(ctx, ctx.user, input.roomId, signal);
  }),

  /** Not in the v1 contract (an addition): room-list changes, so clients need not poll room.list. */
  feed: subscriptionProcedure.input(roomFeedInput).subscription(({ ctx, signal }) => openRoomListStream(ctx, signal)),
});
