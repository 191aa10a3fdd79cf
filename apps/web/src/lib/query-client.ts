import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { errorCode } from "@parley/client";
import { isConnectionError } from "./errors";

/** Where the signed-in user lives in the cache: `Me`, or null when signed out. */
export const ME_KEY = ["session", "me"] as const;

/** Mutation `meta` flag: its UNAUTHORIZED answers a password check and keeps the page signed in. */
export const WRONG_PASSWORD_IS_UNAUTHORIZED = "wrongPasswordIsUnauthorized";

/**
 * The page's QueryClient. Any UNAUTHORIZED answer (session expired, or logged out in another
 * tab) signs the page out; live data comes from subscriptions, so nothing refetches on focus.
 */
export function createQueryClient(): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error) => signOutOnUnauthorized(queryClient, error) }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        // auth.changePassword's UNAUTHORIZED means a wrong current password, not a lost session.
        if (mutation.meta?.[WRONG_PASSWORD_IS_UNAUTHORIZED]) return;
        signOutOnUnauthorized(queryClient, error);
      },
    }),
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: false,
        staleTime: 10_000,
        // Only what never reached the server is worth another try; wsLink waits for the socket.
        retry: (failures, error) => isConnectionError(error) && failures < 3,
      },
      mutations: { retry: false },
    },
  });
  return queryClient;
}

/** Shows the first screen when the server no longer knows this session. */
export function signOutOnUnauthorized(queryClient: QueryClient, error: unknown): void {
  if (errorCode(error) === "UNAUTHORIZED" && queryClient.getQueryData(ME_KEY)) {
    queryClient.setQueryData(ME_KEY, null);
  }
}
