import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "@parley/client";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
