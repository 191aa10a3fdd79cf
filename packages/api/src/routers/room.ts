import { TRPCError } from "@trpc/server";
import {
  publicUser,
  roomCreateInput,
  roomEventsInput,
  roomFeedInput,
  roomIdInput,
  roomMarkReadInput,
  roomMemberInput,
  roomSetRoleInput,
  roomUpdateInput,
  type Member,
  type Room,
} from "@parley/contract";
import { reading, rooms, UniqueViolationError, users } from "@parley/db";
import { topics } from "../hub/topics";
import { conflict } from "../lib/conflict";
import {
  badRequest,
  forbidden,
  guarded,
  guards,
  manages,
  notMember,
  requireMember,
  requireVisible,
  roomNotFound,
} from "../services/access";
import { openActivityStream } from "../services/activity-stream";
import { announceListChange, announceRoomAdded, announceRoomRemoved, publishEvents } from "../services/inbox";
import { openRoomEventStream } from "../services/room-event-stream";
import { openRoomListStream } from "../services/room-list-stream";
import { authedProcedure, rateLimit, router, subscriptionProcedure } from "../trpc";
import type { Context } from "../context";

function nameTaken(name: string, cause: unknown): TRPCError {
  return conflict("name", `A room named '${name}' already exists`, cause);
}

/** A user named in a membership call: NOT_FOUND when there is nobody of that name. */
async function requireUser(ctx: Context, username: string) {
  const user = await users.findUserByUsername(ctx.deps.db, username);
  if (!user) throw new TRPCError({ code: "NOT_FOUND", message: `No user named '${username.slice(0, 80)}'` });
  return user;
}

/** One member as Member, with presence. */
async function memberOf(ctx: Context, roomId: string, userId: string): Promise<Member> {
  const [member, online] = await Promise.all([
    rooms.getMember(ctx.deps.db, roomId, userId),
    ctx.deps.hub.onlineUsers(roomId),
  ]);
  if (!member) throw new TRPCError({ code: "NOT_FOUND", message: "Not a member of this room" });
  return { ...member, online: online.some((u) => u.id === userId) };
}

export const roomRouter = router({
  create: authedProcedure.input(roomCreateInput).mutation(async ({ ctx, input }): Promise<Room> => {
    await rateLimit(ctx, "roomCreate", ctx.user.id);
    try {
      const { room, event } = await rooms.createRoom(ctx.deps.db, {
        name: input.name,
        visibility: input.visibility,
        topic: input.topic,
        creator: publicUser(ctx.user),
      });
      publishEvents(ctx, [event]);
      announceListChange(ctx, room.visibility, { type: "room.created", roomId: room.id });
      ctx.deps.hub.publish(topics.user(ctx.user.id), { type: "room.added", room });
      if (room.visibility === "private") ctx.deps.hub.publish(topics.userRooms(ctx.user.id), { type: "room.created", roomId: room.id });
      return room;
    } catch (error) {
      if (error instanceof UniqueViolationError) throw nameTaken(input.name, error);
      throw error;
    }
  }),

  // Capped (not paged): every room the caller is in, and ROOM_LIST_LIMIT others (docs/operations.md).
  list: authedProcedure.query(({ ctx }) =>
    rooms.listRooms(ctx.deps.db, ctx.user.id, { othersLimit: ctx.deps.config.roomListLimit }),
  ),

  get: authedProcedure.input(roomIdInput).query(async ({ ctx, input }) => {
    await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
    const room = await rooms.getRoom(ctx.deps.db, input.roomId, ctx.user.id);
    if (!room) throw roomNotFound(input.roomId);
    return room;
  }),

  join: authedProcedure.input(roomIdInput).mutation(async ({ ctx, input }) => {
    await rateLimit(ctx, "membership", ctx.user.id);
    const access = await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
    if (!access.role) {
      // Only a public channel is visible to someone outside it, so only that one can be joined.
      const { events } = await guarded(input.roomId, () =>
        rooms.joinRoom(ctx.deps.db, input.roomId, publicUser(ctx.user), { guard: guards.join() }),
      );
      if (events.length > 0) {
        publishEvents(ctx, events);
        announceListChange(ctx, access.visibility, { type: "room.membership", roomId: input.roomId });
        await announceRoomAdded(ctx, input.roomId, ctx.user.id);
      }
    }
    const room = await rooms.getRoom(ctx.deps.db, input.roomId, ctx.user.id);
    if (!room) throw roomNotFound(input.roomId);
    return room;
  }),

  leave: authedProcedure.input(roomIdInput).mutation(async ({ ctx, input }) => {
    await rateLimit(ctx, "membership", ctx.user.id);
    const access = await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
    if (access.kind === "dm") throw badRequest("A direct message cannot be left");
    if (access.role) {
      const { events } = await rooms.leaveRoom(ctx.deps.db, input.roomId, publicUser(ctx.user));
      if (events.length > 0) {
        publishEvents(ctx, events);
        announceListChange(ctx, access.visibility, { type: "room.membership", roomId: input.roomId });
        announceRoomRemoved(ctx, input.roomId, ctx.user.id, access.visibility);
      }
    }
    return { ok: true as const };
  }),

  update: authedProcedure.input(roomUpdateInput).mutation(async ({ ctx, input }): Promise<Room> => {
    await rateLimit(ctx, "edit", ctx.user.id);
    const access = await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
    if (access.kind === "dm") throw badRequest("A direct message has no name, topic or visibility to change");
    if (!manages(access.role)) throw forbidden("Only the room's owner or an admin can change it");
    try {
      const { event, before } = await guarded(input.roomId, () =>
        rooms.updateRoom(
          ctx.deps.db,
          input.roomId,
          { name: input.name, topic: input.topic, visibility: input.visibility },
          { guard: guards.update(ctx.user.id), actorId: ctx.user.id },
        ),
      );
      if (event) {
        publishEvents(ctx, [event]);
        // Whoever could see it before or can see it now re-reads the list.
        const after = input.visibility ?? before;
        announceListChange(ctx, before === "public" || after === "public" ? "public" : "private", {
          type: "room.updated",
          roomId: input.roomId,
        });
      }
    } catch (error) {
      if (error instanceof UniqueViolationError) throw nameTaken(input.name ?? "", error);
      throw error;
    }
    const room = await rooms.getRoom(ctx.deps.db, input.roomId, ctx.user.id);
    if (!room) throw roomNotFound(input.roomId);
    return room;
  }),

  addMember: authedProcedure.input(roomMemberInput).mutation(async ({ ctx, input }): Promise<Member> => {
    await rateLimit(ctx, "membership", ctx.user.id);
    const access = await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
    const user = await requireUser(ctx, input.username);
    if (access.kind === "dm") throw badRequest("Nobody can be added to a direct message");
    if (!access.role) throw notMember();
    if (access.visibility === "private" && !manages(access.role)) {
      throw forbidden("Only the room's owner or an admin can add people to a private channel");
    }
    const { events } = await guarded(input.roomId, () =>
      rooms.joinRoom(ctx.deps.db, input.roomId, user, { guard: guards.add(ctx.user.id), actorId: ctx.user.id }),
    );
    if (events.length > 0) {
      publishEvents(ctx, events);
      announceListChange(ctx, access.visibility, { type: "room.membership", roomId: input.roomId });
      await announceRoomAdded(ctx, input.roomId, user.id);
    }
    return memberOf(ctx, input.roomId, user.id);
  }),

  removeMember: authedProcedure.input(roomMemberInput).mutation(async ({ ctx, input }) => {
    await rateLimit(ctx, "membership", ctx.user.id);
    const access = await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
    const user = await requireUser(ctx, input.username);
    if (access.kind === "dm") throw badRequest("Nobody can be removed from a direct message");
    if (!manages(access.role)) throw forbidden("Only the room's owner or an admin can remove people");
    const target = await rooms.getMember(ctx.deps.db, input.roomId, user.id);
    if (!target) return { ok: true as const };
    // The owner removes anyone but themselves; an admin removes members only.
    const allowed = target.role !== "owner" && (access.role === "owner" || target.role === "member");
    if (!allowed) throw forbidden(target.role === "owner" ? "The owner cannot be removed" : "Only the owner can remove an admin");
    const { events } = await guarded(input.roomId, () =>
      rooms.leaveRoom(ctx.deps.db, input.roomId, user, { by: publicUser(ctx.user), guard: guards.remove(ctx.user.id, user.id) }),
    );
    if (events.length > 0) {
      // member.left ends the removed user's room.events and room.activity on every server.
      publishEvents(ctx, events);
      announceListChange(ctx, access.visibility, { type: "room.membership", roomId: input.roomId });
      announceRoomRemoved(ctx, input.roomId, user.id, access.visibility);
    }
    return { ok: true as const };
  }),

  setRole: authedProcedure.input(roomSetRoleInput).mutation(async ({ ctx, input }): Promise<Member> => {
    await rateLimit(ctx, "membership", ctx.user.id);
    const access = await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
    const user = await requireUser(ctx, input.username);
    if (access.kind === "dm") throw badRequest("A direct message has no roles");
    if (access.role !== "owner") throw forbidden("Only the room's owner can change roles");
    const target = await rooms.getMember(ctx.deps.db, input.roomId, user.id);
    if (!target) throw new TRPCError({ code: "NOT_FOUND", message: `${user.username} is not a member of this room` });
    if (target.role === "owner") throw forbidden("The owner's role cannot be changed (leave the room to hand it over)");
    const result = await guarded(input.roomId, () =>
      rooms.setRole(ctx.deps.db, input.roomId, user.id, input.role, {
        guard: guards.setRole(ctx.user.id, user.id),
        actorId: ctx.user.id,
      }),
    );
    if (!result) throw new TRPCError({ code: "NOT_FOUND", message: `${user.username} is not a member of this room` });
    if (result.event) publishEvents(ctx, [result.event]);
    return memberOf(ctx, input.roomId, user.id);
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

  /**
   * Moves the caller's read position forward to `eventId` and tells every tab of theirs
   * (me.events `room.unread`).
   */
  markRead: authedProcedure.input(roomMarkReadInput).mutation(async ({ ctx, input }) => {
    await rateLimit(ctx, "markRead", ctx.user.id);
    await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
    const unknown = () => badRequest(`The room never issued event id '${input.eventId.slice(0, 40)}'`);
    if (!/^[1-9][0-9]{0,18}$/.test(input.eventId)) throw unknown();
    const state = await reading.markRead(ctx.deps.db, input.roomId, ctx.user.id, BigInt(input.eventId));
    if (state === "unknown-event") throw unknown();
    if (state === "not-member") throw notMember();
    ctx.deps.hub.publish(topics.user(ctx.user.id), { type: "room.unread", roomId: input.roomId, ...state });
    return { unreadCount: state.unreadCount, mentionCount: state.mentionCount, lastReadEventId: state.lastReadEventId };
  }),

  typing: authedProcedure.input(roomIdInput).mutation(async ({ ctx, input }) => {
    await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
    await rateLimit(ctx, "typing", ctx.user.id);
    ctx.deps.hub.publish(topics.roomActivity(input.roomId), { type: "typing", roomId: input.roomId, user: publicUser(ctx.user) });
    return { ok: true as const };
  }),

  events: subscriptionProcedure.input(roomEventsInput).subscription(async ({ ctx, input, signal }) => {
    await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
    const stream = await openRoomEventStream(ctx, ctx.user.id, input, signal);
    // Removed between the check above and the stream going live? Then its member.left may be
    // behind the stream's start, and only a second look (now that it listens) can tell.
    try {
      await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
    } catch (error) {
      stream.cancel();
      throw error;
    }
    return stream;
  }),

  activity: subscriptionProcedure.input(roomIdInput).subscription(async ({ ctx, input, signal }) => {
    await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
    // Each subscription may announce the user to the whole room: a loop must not flood it.
    await rateLimit(ctx, "activity", ctx.user.id);
    return openActivityStream(ctx, ctx.user, input.roomId, signal);
  }),

  /**
   * Not in the contract (an addition, kept for clients that predate me.events): room-list
   * changes, so clients need not poll room.list. Public channels for everyone, and the caller's
   * own private rooms.
   */
  feed: subscriptionProcedure
    .input(roomFeedInput)
    .subscription(({ ctx, signal }) => openRoomListStream(ctx, ctx.user.id, signal)),
});
