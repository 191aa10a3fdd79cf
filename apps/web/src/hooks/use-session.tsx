import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { errorCode, type Me, type SessionEndReason } from "@parley/client";
import type { LoginInput, SignupInput } from "@parley/contract";
import type { AuthApi } from "../lib/auth-api";
import { ME_KEY } from "../lib/query-client";
import { navigate } from "../lib/router";
import { useTRPCClient } from "../lib/trpc";
import { useConnection } from "./use-connection";

export type Session = {
  /** The signed-in user; null when signed out; undefined while asking the server. */
  me: Me | null | undefined;
  /** Failed to ask the server who we are (it is down): something to show besides a spinner. */
  meError: boolean;
  /** Why the server signed this page out, when it did (shown on the sign-in screen). */
  signedOut?: SessionEndReason | null;
  signUp(input: SignupInput): Promise<void>;
  logIn(input: LoginInput): Promise<void>;
  logOut(): Promise<void>;
};

const SessionContext = createContext<Session | null>(null);

/** The session for components under <SessionProvider>. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() needs a <SessionProvider>");
  return session;
}

/** The signed-in user, for components that only render when there is one. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error("useMe() used while signed out");
  return me;
}

/** Provides an explicit session value (component tests). */
export function StaticSessionProvider({ value, children }: { value: Session; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/**
 * Knows who is signed in (auth.me over the socket, which carries the cookie) and signs in and
 * out over HTTP, each time opening a fresh socket so the server sees the new session.
 */
export function SessionProvider({ authApi, children }: { authApi: AuthApi; children: ReactNode }) {
  const queryClient = useQueryClient();
  const client = useTRPCClient();
  const connection = useConnection();

  const meQuery = useQuery({
    queryKey: ME_KEY,
    queryFn: async (): Promise<Me | null> => {
      try {
        return await client.auth.me.query();
      } catch (error) {
        if (errorCode(error) === "UNAUTHORIZED") return null;
        throw error;
      }
    },
    staleTime: Infinity,
    retry: true,
    retryDelay: (attempt) => Math.min(8_000, 500 * 2 ** attempt),
  });

  // Signed out by the server: the sign-in screen says why, until someone signs in again.
  const [signedOut, setSignedOut] = useState<SessionEndReason | null>(null);
  useEffect(
    () =>
      connection.onSessionEnded((reason) => {
        setSignedOut(reason);
        queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== ME_KEY[0] });
        queryClient.setQueryData(ME_KEY, null);
      }),
    [connection, queryClient],
  );

  const value = useMemo<Session>(() => {
    /** Everything cached belonged to the previous session; only the session entry stays. */
    function resetCache(me: Me | null): void {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== ME_KEY[0] });
      queryClient.setQueryData(ME_KEY, me);
      setSignedOut(null);
    }
    async function signIn(task: () => Promise<Me>): Promise<void> {
      await connection.switchSession(task, resetCache);
    }
    return {
      me: meQuery.data,
      meError: meQuery.failureCount > 0,
      signedOut,
      signUp: (input) => signIn(() => authApi.signUp(input)),
      logIn: (input) => signIn(() => authApi.logIn(input)),
      async logOut() {
        await connection.switchSession(
          () => authApi.logOut(),
          () => resetCache(null),
        );
        navigate("/", { replace: true });
      },
    };
  }, [authApi, connection, queryClient, meQuery.data, meQuery.failureCount, signedOut]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
