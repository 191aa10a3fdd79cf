import { TRPCError } from "@trpc/server";
import { userGetInput, userSearchInput } from "@parley/contract";
import { users } from "@parley/db";
import { authedProcedure, router } from "../trpc";

export const userRouter = router({
  get: authedProcedure.input(userGetInput).query(async ({ ctx, input }) => {
    const user = await users.findUserByUsername(ctx.deps.db, input.username);
    if (!user) throw new TRPCError({ code: "NOT_FOUND", message: `No user named '${input.username.slice(0, 80)}'` });
    return user;
  }),

  /** People whose username starts with `query`, ignoring case: for pickers that search as you type. */
  search: authedProcedure
    .input(userSearchInput)
    .query(({ ctx, input }) => users.searchUsers(ctx.deps.db, input.query, input.limit)),
});
