import type http from "node:http";
import type { ApiServices } from "@parley/api";
import type { Database } from "@parley/db";
import type { WsEndpoint } from "./ws-upgrade";

/** What a server holds open, and which of it the server opened itself (and so closes). */
export type Holdings = {
  server: http.Server;
  ws: WsEndpoint;
  api: ApiServices;
  metricsServer: { close(): Promise<void> } | null;
  /** Null when the caller gave the database and closes it. */
  ownDb: Database | null;
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops a server in order: no new connections, clients told to reconnect elsewhere (tRPC's
 * `reconnect` notification, then close code 1012), what is left terminated, then the services,
 * the hub and the database.
 */
export async function shutDown({ server, ws, api, metricsServer, ownDb }: Holdings): Promise<void> {
  await metricsServer?.close();
  server.close(); // stop accepting; resolves once every connection is gone
  ws.adapter.broadcastReconnect();
  // Give clients a moment to read the notification, then close what is left.
  await pause(100);
  for (const client of ws.wss.clients) client.close(1012, "server restarting");
  await pause(100);
  for (const client of ws.wss.clients) client.terminate();
  await new Promise<void>((resolve) => ws.wss.close(() => resolve()));
  ws.adapter.close();
  server.closeAllConnections();
  await api.close();
  await ownDb?.close();
}
