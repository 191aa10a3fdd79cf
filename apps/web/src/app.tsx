import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useSyncExternalStore } from "react";
import { ConnectionBanner } from "./components/connection-banner";
import { Splash } from "./components/splash";
import { ConnectionContext } from "./hooks/use-connection";
import { SessionProvider, useSession } from "./hooks/use-session";
import type { AuthApi } from "./lib/auth-api";
import type { Connection } from "./lib/connection";
import { TRPCProvider } from "./lib/trpc";

// Each screen is its own chunk: someone signing in does not download the chat, and the chat
// does not wait for the sign-in forms. The splash (the same frame index.html draws) covers the
// short wait for either.
const AuthScreen = lazy(() => import("./components/auth-screen").then((m) => ({ default: m.AuthScreen })));
const ChatApp = lazy(() => import("./components/chat-app").then((m) => ({ default: m.ChatApp })));

type AppProps = { connection: Connection; authApi: AuthApi; queryClient: QueryClient };

/** Providers around the screens; everything under them restarts when the socket is replaced. */
export function App({ connection, authApi, queryClient }: AppProps) {
  const snapshot = useSyncExternalStore(connection.subscribe, connection.getSnapshot);
  return (
    <ConnectionContext.Provider value={connection}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={snapshot.client.trpc} queryClient={queryClient}>
          <SessionProvider authApi={authApi}>
            <ConnectionBanner />
            <Screens key={snapshot.epoch} />
          </SessionProvider>
        </TRPCProvider>
      </QueryClientProvider>
    </ConnectionContext.Provider>
  );
}

function Screens() {
  const { me, meError } = useSession();
  if (me === undefined) return <Splash trouble={meError} />;
  return <Suspense fallback={<Splash trouble={false} />}>{me === null ? <AuthScreen /> : <ChatApp />}</Suspense>;
}
