import { createContext, useContext, useSyncExternalStore } from "react";
import type { Connection, ConnectionSnapshot } from "../lib/connection";

export const ConnectionContext = createContext<Connection | null>(null);

/** The page's connection manager. */
export function useConnection(): Connection {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new Error("useConnection() needs a <ConnectionContext.Provider>");
  return connection;
}

/** The connection's current state; re-renders when it changes. */
export function useConnectionSnapshot(): ConnectionSnapshot {
  const connection = useConnection();
  return useSyncExternalStore(connection.subscribe, connection.getSnapshot);
}
