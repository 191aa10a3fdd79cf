import { userGetInput, userSearchInput } from "@parley/contract";
import { users } from "@parley/db";
import { requireUser } from "../services/access";
import { authedProcedure, router } from "../trpc";

export const userRouter = router({
  get: authedProcedure.input(userGetInput).query(({ ctx, input }) => requireUser(ctx.deps.db, input.username)),

  /** People whose username starts with `query`, ignoring case: for pickers that search as you type. */
  search: authedProcedure.input(userSearchInput).query(({ ctx, input }) => users.searchUsers(ctx.deps.db, input.query, input.limit)),
});
