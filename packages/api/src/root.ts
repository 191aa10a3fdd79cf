import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { authRouter } from "./routers/auth";
import { dmRouter } from "./routers/dm";
import { meRouter } from "./routers/me";
import { messageRouter } from "./routers/message";
import { roomRouter } from "./routers/room";
import { userRouter } from "./routers/user";
import { router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  user: userRouter,
  room: roomRouter,
  message: messageRouter,
  dm: dmRouter,
  me: meRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
