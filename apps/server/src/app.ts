import http from "node:http";
import type { AddressInfo } from "node:net";
import { createApiDeps } from "@parley/api";
import type { Hub } from "@parley/api/hub";
import { noopMetrics, type Logger } from "@parley/api/transport";
import { applyMigrations, openDatabase, type Database } from "@parley/db";
import type { ServerConfig } from "./env";
import { createHttpRoutes } from "./http-routes";
import { createLogger } from "./logger";
import { createMetrics, startMetricsServer, type ServerMetrics } from "./metrics";
import { createPolicies } from "./policies";
import { shutDown } from "./shutdown";
import { createWsEndpoint } from "./ws-upgrade";

export type ParleyServer = {
  /** Where it listens, e.g. http://127.0.0.1:3000 */
  url: string;
  port: number;
  db: Database;
  hub: Hub;
  /** Where Prometheus scrapes (METRICS=on): this server's own /metrics, or METRICS_PORT's; else null. */
  metricsUrl: string | null;
  log: Logger;
  /** What this server holds right now (for tests, benchmarks and metrics). */
  stats(): { webSockets: number; roomChannels: number };
  /** Stops accepting, asks clients to reconnect elsewhere, closes sockets and the database. */
  close(): Promise<void>;
};

/** Listens on `port` at `host`; resolves with the port taken (the one asked for, or a free one for 0). */
async function listen(server: http.Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Opens the database (applying pending migrations), then serves tRPC over HTTP and WebSocket,
 * the health endpoints and the web app on one port.
 */
export async function startServer(config: ServerConfig, options: { db?: Database; hub?: Hub; log?: Logger } = {}): Promise<ParleyServer> {
  const log = options.log ?? createLogger(config.log);
  const serverMetrics: ServerMetrics | null = config.metrics.enabled ? createMetrics() : null;
  const onQuery = serverMetrics ? (op: string, seconds: number) => serverMetrics.dbQuery(op, seconds) : undefined;
  const db = options.db ?? (await openDatabase(config.database, { log, onQuery }));
  if (!options.db) await applyMigrations(db, config.migrationsDir);
  // Hardening (issue 11.7): Host check, allowed origins, cookie flags; http-routes adds the rest.
  const policies = createPolicies(config);
  const api = await createApiDeps(
    { ...config, secureCookies: policies.cookies.always },
    { db, hub: options.hub, metrics: serverMetrics ?? noopMetrics, log },
  );
  /** Metrics on the main port, unless METRICS_PORT gives them their own. */
  const metricsHere = serverMetrics && config.metrics.port === null ? serverMetrics : null;
  const server = http.createServer(createHttpRoutes(config, api, policies, metricsHere));
  const ws = createWsEndpoint(config, api, policies);
  server.on("upgrade", ws.handleUpgrade);
  serverMetrics?.watch({
    connections: () => ({ anonymous: ws.limits.openAnonymous, authenticated: ws.limits.open - ws.limits.openAnonymous }),
    argon2: () => api.passwords.depth,
  });

  const port = await listen(server, config.port, config.host);
  const shownHost = config.host.includes(":") ? `[${config.host}]` : config.host;
  const metricsServer =
    serverMetrics && config.metrics.port !== null
      ? await startMetricsServer(serverMetrics.registry, config.host, config.metrics.port, (error) =>
          log.error({ err: error }, "metrics scrape failed"),
        )
      : null;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    db,
    hub: api.hub,
    metricsUrl: serverMetrics ? `http://${shownHost}:${metricsServer?.port ?? port}/metrics` : null,
    log,
    stats: () => ({ webSockets: ws.adapter.size, roomChannels: api.roomChannels.size }),
    close: () => (closing ??= shutDown({ server, ws, api, metricsServer, ownDb: options.db ? null : db })),
  };
}
