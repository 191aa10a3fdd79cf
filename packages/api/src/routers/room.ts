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
import { reading, rooms, UniqueViolationError } from "@parley/db";
import { conflict } from "../lib/conflict";
import { parseEventId } from "../lib/event-id";
import {
  allow,
  badRequest,
  guarded,
  guards,
  notMember,
  requireMember,
  requireUser,
  requireVisible,
  roomNotFound,
  rules,
} from "../services/access";
import { openActivityStream } from "../services/activity-stream";
import {
  announceEvents,
  announceListChange,
  announceReadState,
  announceRoomAdded,
  announceRoomCreated,
  announceRoomRemoved,
  announceTyping,
} from "../services/announce";
import { openRoomEventStream } from "../services/room-event-stream";
import { openRoomListStream } from "../services/room-list-stream";
import { authedProcedure, router, subscriptionProcedure } from "../trpc";
import type { Context } from "../context";

function nameTaken(name: string, cause: unknown): TRPCError {
  return conflict("name", `A room named '${name}' already exists`, cause);
}

/** One member as Member, with presence. */
async function memberOf(ctx: Context, roomId: string, userId: string): Promise<Member> {
  const [member, online] = await Promise.all([rooms.getMember(ctx.deps.db, roomId, userId), ctx.deps.hub.onlineUsers(roomId)]);
  if (!member) throw new TRPCError({ code: "NOT_FOUND", message: "Not a member of this room" });
  return { ...member, online: online.some((u) => u.id === userId) };
}

/** The limit every membership change shares (join, leave, add, remove, roles). */
const membershipLimit = { rateLimit: { action: "membership", per: "user" } } as const;

export const roomRouter = router({
  create: authedProcedure
    .meta({ rateLimit: { action: "roomCreate", per: "user" } })
    .input(roomCreateInput)
    .mutation(async ({ ctx, input }): Promise<Room> => {
      try {
        const { room, event } = await rooms.createRoom(ctx.deps.db, {
          name: input.name,
          visibility: input.visibility,
          topic: input.topic,
          creator: publicUser(ctx.user),
        });
        announceRoomCreated(ctx, ctx.user.id, room, event);
        return room;
      } catch (error) {
        if (error instanceof UniqueViolationError) throw nameTaken(input.name, error);
        throw error;
      }
    }),

  // Capped (not paged): every room the caller is in, and ROOM_LIST_LIMIT others (docs/operations.md).
  list: authedProcedure.query(({ ctx }) => rooms.listRooms(ctx.deps.db, ctx.user.id, { othersLimit: ctx.deps.config.roomListLimit })),

  get: authedProcedure.input(roomIdInput).query(async ({ ctx, input }) => {
    await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
    const room = await rooms.getRoom(ctx.deps.db, input.roomId, ctx.user.id);
    if (!room) throw roomNotFound(input.roomId);
    return room;
  }),

  join: authedProcedure
    .meta(membershipLimit)
    .input(roomIdInput)
    .mutation(async ({ ctx, input }) => {
      const access = await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
      if (!access.role) {
        // Only a public channel is visible to someone outside it, so only that one can be joined.
        const { events } = await guarded(input.roomId, () =>
          rooms.joinRoom(ctx.deps.db, input.roomId, publicUser(ctx.user), { guard: guards.join() }),
        );
        if (events.length > 0) {
          announceEvents(ctx, events);
          announceListChange(ctx, access.visibility, { type: "room.membership", roomId: input.roomId });
          await announceRoomAdded(ctx, input.roomId, ctx.user.id);
        }
      }
      const room = await rooms.getRoom(ctx.deps.db, input.roomId, ctx.user.id);
      if (!room) throw roomNotFound(input.roomId);
      return room;
    }),

  leave: authedProcedure
    .meta(membershipLimit)
    .input(roomIdInput)
    .mutation(async ({ ctx, input }) => {
      const access = await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
      allow(input.roomId, rules.leave(), ctx.user.id, access);
      if (access.role) {
        const { events } = await guarded(input.roomId, () =>
          rooms.leaveRoom(ctx.deps.db, input.roomId, publicUser(ctx.user), { guard: guards.leave() }),
        );
        if (events.length > 0) {
          announceEvents(ctx, events);
          announceListChange(ctx, access.visibility, { type: "room.membership", roomId: input.roomId });
          announceRoomRemoved(ctx, input.roomId, ctx.user.id, access.visibility);
        }
      }
      return { ok: true as const };
    }),

  update: authedProcedure
    .meta({ rateLimit: { action: "edit", per: "user" } })
    .input(roomUpdateInput)
    .mutation(async ({ ctx, input }): Promise<Room> => {
      const access = await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
      allow(input.roomId, rules.update(ctx.user.id), ctx.user.id, access);
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
          announceEvents(ctx, [event]);
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

  addMember: authedProcedure
    .meta(membershipLimit)
    .input(roomMemberInput)
    .mutation(async ({ ctx, input }): Promise<Member> => {
      const access = await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
      const user = await requireUser(ctx.deps.db, input.username);
      allow(input.roomId, rules.add(ctx.user.id), ctx.user.id, access);
      const { events } = await guarded(input.roomId, () =>
        rooms.joinRoom(ctx.deps.db, input.roomId, user, { guard: guards.add(ctx.user.id), actorId: ctx.user.id }),
      );
      if (events.length > 0) {
        announceEvents(ctx, events);
        announceListChange(ctx, access.visibility, { type: "room.membership", roomId: input.roomId });
        await announceRoomAdded(ctx, input.roomId, user.id);
      }
      return memberOf(ctx, input.roomId, user.id);
    }),

  removeMember: authedProcedure
    .meta(membershipLimit)
    .input(roomMemberInput)
    .mutation(async ({ ctx, input }) => {
      const access = await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
      const user = await requireUser(ctx.deps.db, input.username);
      const target = await rooms.getMember(ctx.deps.db, input.roomId, user.id);
      allow(input.roomId, rules.remove(ctx.user.id, user.id), ctx.user.id, access, { [user.id]: target?.role ?? null });
      if (!target) return { ok: true as const };
      const { events } = await guarded(input.roomId, () =>
        rooms.leaveRoom(ctx.deps.db, input.roomId, user, { by: publicUser(ctx.user), guard: guards.remove(ctx.user.id, user.id) }),
      );
      if (events.length > 0) {
        // member.left ends the removed user's room.events and room.activity on every server.
        announceEvents(ctx, events);
        announceListChange(ctx, access.visibility, { type: "room.membership", roomId: input.roomId });
        announceRoomRemoved(ctx, input.roomId, user.id, access.visibility);
      }
      return { ok: true as const };
    }),

  setRole: authedProcedure
    .meta(membershipLimit)
    .input(roomSetRoleInput)
    .mutation(async ({ ctx, input }): Promise<Member> => {
      const access = await requireVisible(ctx.deps.db, input.roomId, ctx.user.id);
      const user = await requireUser(ctx.deps.db, input.username);
      const target = await rooms.getMember(ctx.deps.db, input.roomId, user.id);
      allow(input.roomId, rules.setRole(ctx.user.id, user.id), ctx.user.id, access, { [user.id]: target?.role ?? null });
      if (!target) throw new TRPCError({ code: "NOT_FOUND", message: `${user.username} is not a member of this room` });
      const result = await guarded(input.roomId, () =>
        rooms.setRole(ctx.deps.db, input.roomId, user.id, input.role, {
          guard: guards.setRole(ctx.user.id, user.id),
          actorId: ctx.user.id,
        }),
      );
      if (!result) throw new TRPCError({ code: "NOT_FOUND", message: `${user.username} is not a member of this room` });
      if (result.event) announceEvents(ctx, [result.event]);
      return memberOf(ctx, input.roomId, user.id);
    }),

  members: authedProcedure.input(roomIdInput).query(async ({ ctx, input }): Promise<Member[]> => {
    await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
    const [members, online] = await Promise.all([rooms.listMembers(ctx.deps.db, input.roomId), ctx.deps.hub.onlineUsers(input.roomId)]);
    const onlineIds = new Set(online.map((u) => u.id));
    return members.map((m) => ({ ...m, online: onlineIds.has(m.user.id) }));
  }),

  /**
   * Moves the caller's read position forward to `eventId` and tells every tab of theirs
   * (me.events `room.unread`).
   */
  markRead: authedProcedure
    .meta({ rateLimit: { action: "markRead", per: "user" } })
    .input(roomMarkReadInput)
    .mutation(async ({ ctx, input }) => {
      await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
      const unknown = () => badRequest(`The room never issued event id '${input.eventId.slice(0, 40)}'`);
      const eventId = parseEventId(input.eventId);
      if (eventId === null) throw unknown();
      const state = await reading.markRead(ctx.deps.db, input.roomId, ctx.user.id, eventId);
      if (state === "unknown-event") throw unknown();
      if (state === "not-member") throw notMember();
      announceReadState(ctx, ctx.user.id, input.roomId, state);
      return { unreadCount: state.unreadCount, mentionCount: state.mentionCount, lastReadEventId: state.lastReadEventId };
    }),

  typing: authedProcedure
    .meta({ rateLimit: { action: "typing", per: "user" } })
    .input(roomIdInput)
    .mutation(async ({ ctx, input }) => {
      await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
      announceTyping(ctx, input.roomId, publicUser(ctx.user));
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

  // Each subscription may announce the user to the whole room: a loop must not flood it.
  activity: subscriptionProcedure
    .meta({ rateLimit: { action: "activity", per: "user" } })
    .input(roomIdInput)
    .subscription(async ({ ctx, input, signal }) => {
      await requireMember(ctx.deps.db, input.roomId, ctx.user.id);
      return openActivityStream(ctx, ctx.user, input.roomId, signal);
    }),

  /**
   * Not in the contract (an addition, kept for clients that predate me.events): room-list
   * changes, so clients need not poll room.list. Public channels for everyone, and the caller's
   * own private rooms.
   */
  feed: subscriptionProcedure.input(roomFeedInput).subscription(({ ctx, signal }) => openRoomListStream(ctx, ctx.user.id, signal)),
});
