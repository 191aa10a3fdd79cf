import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import {
  appRouter,
  clientAddressOf,
  createHttpContext,
  createSendBatcher,
  createWsContext,
  MemoryHub,
  noopMetrics,
  PasswordHasher,
  RateLimiter,
  retryAfterHeaders,
  RedisHub,
  RoomChannels,
  rulesFromEnv,
  SocketRegistry,
  parseSessionEnded,
  startSessionSweep,
  SubscriptionSlots,
  topics,
  type ApiDeps,
  type Hub,
  type Logger,
} from "@parley/api";
import { applyMigrations, openDatabase, sessions, type Database } from "@parley/db";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type WebSocket from "ws";
import { WebSocketServer } from "ws";
import { createCookieSecurity } from "./cookie-security";
import type { ServerConfig } from "./env";
import { createHostCheck, refuseHost } from "./host-check";
import { createLogger, newId, requestIdOf } from "./logger";
import { createMetrics, serveMetrics, startMetricsServer, type ServerMetrics } from "./metrics";
import { createOriginPolicy } from "./origins";
import { applySecurityHeaders } from "./security-headers";
import { createStaticHandler } from "./static-files";
import { ConnectionLimits, effectiveTotal, openFileLimit, type ConnectionSlot } from "./ws/connection-limits";
import { createTrpcWsAdapter } from "./ws/trpc-ws-adapter";
import { createTrpcHttpGuard } from "./trpc-http-guard";

/** Largest HTTP body and WebSocket frame the server accepts. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

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

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

// Listeners that live as long as a socket are made here, not inside the upgrade handler: a
// closure there would share its scope with (and so keep alive) the upgrade request.
function destroyOnError(socket: Duplex): void {
  socket.on("error", () => socket.destroy());
}

function releaseOnClose(socket: Duplex, slot: ConnectionSlot): void {
  socket.once("close", () => slot.release());
}

/** Logs a WebSocket connection's end (its opening is logged when it is accepted). */
function logClose(socket: WebSocket, log: Logger): void {
  const opened = Date.now();
  socket.once("close", (code: number) => log.info({ code, ms: Date.now() - opened }, "connection closed"));
}

/** Paths probed every few seconds: logged at debug only. */
const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/** Logs one HTTP request when its response is sent: method, path (never the query: it holds input), status, time. */
function logRequest(req: http.IncomingMessage, res: http.ServerResponse, log: Logger, pathname: string): void {
  const started = performance.now();
  res.once("finish", () => {
    const details = { method: req.method, path: pathname, status: res.statusCode, ms: Math.round(performance.now() - started) };
    const message = `${req.method} ${pathname} ${res.statusCode}`;
    if (res.statusCode >= 500) log.warn(details, message);
    else if (QUIET_PATHS.has(pathname)) log.debug(details, message);
    else log.info(details, message);
  });
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Opens the database (applying pending migrations), then serves tRPC over HTTP and WebSocket,
 * the health endpoints and the web app on one port.
 */
export async function startServer(
  config: ServerConfig,
  options: { db?: Database; hub?: Hub; log?: Logger } = {},
): Promise<ParleyServer> {
  const log = options.log ?? createLogger(config.log);
  const serverMetrics: ServerMetrics | null = config.metrics.enabled ? createMetrics() : null;
  const metrics = serverMetrics ?? noopMetrics;
  const db =
    options.db ??
    (await openDatabase(config.database, { log, onQuery: serverMetrics ? (op, seconds) => serverMetrics.dbQuery(op, seconds) : undefined }));
  if (!options.db) await applyMigrations(db, config.migrationsDir);
  const hub =
    options.hub ??
    (config.redis ? await RedisHub.connect({ ...config.redis, metrics, log }) : new MemoryHub({ metrics, log }));
  // Hardening (issue 11.7): Host check, security headers, cookie flags, /trpc method guard.
  const hosts = createHostCheck(config);
  const cookies = createCookieSecurity(config);
  const guardTrpc = createTrpcHttpGuard(appRouter);
  const sockets = new SocketRegistry();
  const unsubscribeRevocations = await hub.subscribe(topics.sessions(), (message) => {
    const { sessionId, reason } = parseSessionEnded(message);
    sockets.closeSession(sessionId, undefined, reason);
  });
  const deps: ApiDeps = {
    db,
    hub,
    sockets,
    subscriptionSlots: new SubscriptionSlots(config.maxSubscriptionsPerUser),
    roomChannels: new RoomChannels(hub, db, { metrics, log }),
    sends: createSendBatcher(db, hub),
    // In Redis when REDIS_URL is set, so every server counts against the same limits.
    rateLimiter: await RateLimiter.connect({
      enabled: config.rateLimits,
      rules: rulesFromEnv(config.rateLimitEnv),
      redis: config.redis,
      log,
    }),
    passwords: new PasswordHasher(config.passwordHashing),
    config: {
      isDev: config.isDev,
      sessionTtlMs: config.sessionTtlMs,
      secureCookies: cookies.always,
      maxSocketBacklogBytes: config.maxSocketBacklogBytes,
      maxSubscriptionsPerUser: config.maxSubscriptionsPerUser,
      trustProxy: config.trustProxy,
      roomListLimit: config.roomListLimit,
    },
    metrics,
    log,
  };
  const origins = createOriginPolicy(config.allowedOrigins);
  // Sessions deleted by `pnpm admin` without Redis: their sockets close within a minute.
  const stopSessionSweep = startSessionSweep({
    sockets,
    existing: (ids) => sessions.existingSessionIds(db, ids),
    onError: (err) => log.error({ err }, "session revocation sweep failed"),
  });

  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    maxBodySize: MAX_PAYLOAD_BYTES,
    allowBatching: true,
    createContext: ({ req, res }) =>
      createHttpContext(deps, req, res, origins.isAllowed(req), cookies.isSecure(req), requestLogs.get(req) ?? log),
    // TOO_MANY_REQUESTS (status 429) tells when to try again.
    responseMeta: ({ errors }) => ({ headers: retryAfterHeaders(errors) }),
  });
  const serveStatic = createStaticHandler(config.webDist);
  /** Each HTTP request's logger (with its id), for its tRPC context. */
  const requestLogs = new WeakMap<http.IncomingMessage, Logger>();
  /** Metrics on the main port, unless METRICS_PORT gives them their own. */
  const metricsHere = serverMetrics && config.metrics.port === null ? serverMetrics : null;

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    const requestId = requestIdOf(req, config.trustProxy);
    const reqLog = log.child({ reqId: requestId });
    res.setHeader("x-request-id", requestId);
    logRequest(req, res, reqLog, pathname);
    if (pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
    // Before the Host check and outside any auth: Prometheus scrapes by address. Without
    // METRICS=on (or with METRICS_PORT) a plain 404 here, not the web app.
    if (pathname === "/metrics") {
      if (!metricsHere || (req.method !== "GET" && req.method !== "HEAD")) return sendJson(res, 404, { error: "Not found" });
      serveMetrics(metricsHere.registry, res).catch((error: unknown) => {
        reqLog.error({ err: error }, "metrics scrape failed");
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    if (pathname === "/readyz") {
      void db.ping().then((ok) => sendJson(res, ok ? 200 : 503, { status: ok ? "ready" : "unavailable" }));
      return;
    }
    if (!hosts.isAllowed(req)) return refuseHost(res);
    applySecurityHeaders(req, res, config.trustProxy);
    if (pathname === "/trpc" || pathname.startsWith("/trpc/")) {
      if (guardTrpc(req, res, pathname)) return;
      const corsOrigin = origins.corsOrigin(req);
      if (corsOrigin) {
        res.setHeader("access-control-allow-origin", corsOrigin);
        res.setHeader("access-control-allow-credentials", "true");
        res.setHeader("vary", "origin");
      }
      if (req.method === "OPTIONS") {
        res.writeHead(204, {
          "access-control-allow-methods": "GET, POST, OPTIONS",
          "access-control-allow-headers": "content-type, authorization, trpc-accept",
          "access-control-max-age": "600",
        });
        res.end();
        return;
      }
      requestLogs.set(req, reqLog);
      return trpcHandler(req, res);
    }
    serveStatic(req, res).catch((error: unknown) => {
      reqLog.error({ err: error }, "serving a static file failed");
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  const fileLimit = openFileLimit();
  const connectionLimits = new ConnectionLimits({
    ...config.connectionLimits,
    total: effectiveTotal(config.connectionLimits.total, fileLimit),
  });
  if (connectionLimits.settings.total < config.connectionLimits.total) {
    log.warn(
      { fileLimit, maxWebSockets: connectionLimits.settings.total },
      `at most ${connectionLimits.settings.total} WebSockets (open-file limit ${fileLimit}); raise it with ulimit -n`,
    );
  }
  /** Each accepted upgrade's connection slot and logger (carrying the connection's id), by its request. */
  const slots = new WeakMap<http.IncomingMessage, ConnectionSlot>();
  const connectionLogs = new WeakMap<http.IncomingMessage, Logger>();

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  const wsAdapter = createTrpcWsAdapter({
    router: appRouter,
    // Built once per connection: the token comes from connectionParams, Bearer header or cookie.
    createContext: async (req, socket, connectionParams) => {
      const connLog = connectionLogs.get(req) ?? log;
      const ctx = await createWsContext(deps, req, socket, connectionParams, origins.isAllowed(req), connLog);
      if (ctx.session) {
        slots.get(req)?.signedIn();
        connLog.debug({ userId: ctx.session.user.id }, "connection signed in");
      }
      return ctx;
    },
    maxSubscriptions: config.maxSubscriptionsPerSocket,
    maxBacklogBytes: config.maxSocketBacklogBytes,
    keepAlive: { pingMs: 30_000, pongWaitMs: 10_000 },
    metrics,
  });
  wss.on("connection", (socket, req) => {
    const connLog = log.child({ connId: newId() });
    connectionLogs.set(req, connLog);
    connLog.info({ address: clientAddressOf(req, config.trustProxy) }, "connection opened");
    logClose(socket, connLog);
    wsAdapter.handleConnection(socket, req);
  });
  serverMetrics?.watch({
    connections: () => {
      const anonymous = connectionLimits.openAnonymous;
      return { anonymous, authenticated: connectionLimits.open - anonymous };
    },
    argon2: () => deps.passwords.depth,
  });

  server.on("upgrade", (req, socket, head) => {
    destroyOnError(socket);
    const pathname = (req.url ?? "/").split("?")[0];
    if (pathname !== "/trpc" && pathname !== "/trpc/") return rejectUpgrade(socket, 404, "Not Found");
    if (!hosts.isAllowed(req)) return rejectUpgrade(socket, 421, "Misdirected Request");
    if (!origins.isAllowed(req)) return rejectUpgrade(socket, 403, "Forbidden");
    const admission = connectionLimits.admit(clientAddressOf(req, config.trustProxy));
    if (!admission.ok) return rejectUpgrade(socket, admission.status, admission.reason);
    slots.set(req, admission.slot);
    releaseOnClose(socket, admission.slot);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });

  // Expired sessions are useless; sweep them hourly without holding the process open.
  const sweep = setInterval(() => {
    sessions.deleteExpiredSessions(db).catch((error: unknown) => log.error({ err: error }, "sweeping expired sessions failed"));
  }, 60 * 60 * 1000);
  sweep.unref();

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host.includes(":") ? `[${config.host}]` : config.host;
  const metricsServer =
    serverMetrics && config.metrics.port !== null
      ? await startMetricsServer(serverMetrics.registry, config.host, config.metrics.port, (error) =>
          log.error({ err: error }, "metrics scrape failed"),
        )
      : null;
  const metricsUrl = serverMetrics ? `http://${shownHost}:${metricsServer?.port ?? port}/metrics` : null;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    db,
    hub,
    metricsUrl,
    log,
    stats: () => ({ webSockets: wsAdapter.size, roomChannels: deps.roomChannels.size }),
    close() {
      closing ??= (async () => {
        clearInterval(sweep);
        unsubscribeRevocations();
        await metricsServer?.close();
        stopSessionSweep();
        server.close(); // stop accepting; resolves once every connection is gone
        wsAdapter.broadcastReconnect();
        // Give clients a moment to read the notification, then close what is left.
        await new Promise((resolve) => setTimeout(resolve, 100));
        for (const client of wss.clients) client.close(1012, "server restarting");
        await new Promise((resolve) => setTimeout(resolve, 100));
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        wsAdapter.close();
        server.closeAllConnections();
        await deps.rateLimiter.close();
        if (!options.hub) await hub.close();
        if (!options.db) await db.close();
      })();
      return closing;
    },
  };
}
