import { TRPCError } from "@trpc/server";
import { dmOpenInput, publicUser, type Room } from "@parley/contract";
import { rooms } from "@parley/db";
import { requireUser } from "../services/access";
import { announceEvents, announceRoomAdded } from "../services/announce";
import { authedProcedure, router } from "../trpc";

export const dmRouter = router({
  /** The caller's direct message with someone: made on the first call, the same room afterwards. */
  open: authedProcedure
    .meta({ rateLimit: { action: "membership", per: "user" } })
    .input(dmOpenInput)
    .mutation(async ({ ctx, input }): Promise<Room> => {
      const other = await requireUser(ctx.deps.db, input.username);
      if (other.id === ctx.user.id) throw new TRPCError({ code: "BAD_REQUEST", message: "You cannot message yourself" });
      const { room, events } = await rooms.openDm(ctx.deps.db, publicUser(ctx.user), other);
      if (events.length > 0) {
        announceEvents(ctx, events);
        // Both lists gain it: the other person's, and the caller's other tabs.
        await Promise.all([announceRoomAdded(ctx, room.id, other.id), announceRoomAdded(ctx, room.id, ctx.user.id)]);
      }
      return room;
    }),
});
