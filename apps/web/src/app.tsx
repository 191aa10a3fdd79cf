import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { AuthScreen } from "./components/auth-screen";
import { ChatApp } from "./components/chat-app";
import { ConnectionBanner } from "./components/connection-banner";
import { Splash } from "./components/splash";
import { ConnectionContext } from "./hooks/use-connection";
import { SessionProvider, useSession } from "./hooks/use-session";
import type { AuthApi } from "./lib/auth-api";
import type { Connection } from "./lib/connection";
import { TRPCProvider } from "./lib/trpc";

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
  if (me === null) return <AuthScreen />;
  return <ChatApp />;
}
