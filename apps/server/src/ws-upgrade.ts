import type http from "node:http";
import type { Duplex } from "node:stream";
import { appRouter, type ApiServices } from "@parley/api";
import { clientAddressOf, createWsContext, type Logger } from "@parley/api/transport";
import type WebSocket from "ws";
import { WebSocketServer } from "ws";
import type { ServerConfig } from "./env";
import { newId } from "./logger";
import { MAX_PAYLOAD_BYTES, type Policies } from "./policies";
import { ConnectionLimits, effectiveTotal, openFileLimit, type ConnectionSlot } from "./ws/connection-limits";
import { createTrpcWsAdapter, logCallFailure } from "./ws/trpc-ws-adapter";

/** The WebSocket side of the port: who may upgrade, and the tRPC adapter that serves them. */
export type WsEndpoint = {
  /** The server's `upgrade` listener: admits or refuses one upgrade request. */
  handleUpgrade: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
  wss: WebSocketServer;
  adapter: ReturnType<typeof createTrpcWsAdapter>;
  limits: ConnectionLimits;
};

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

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** The connection limits, lowered to what the open-file limit allows (with a warning). */
function connectionLimitsFor(configured: ServerConfig["connectionLimits"], log: Logger): ConnectionLimits {
  const fileLimit = openFileLimit();
  const limits = new ConnectionLimits({ ...configured, total: effectiveTotal(configured.total, fileLimit) });
  if (limits.settings.total < configured.total) {
    log.warn(
      { fileLimit, maxWebSockets: limits.settings.total },
      `at most ${limits.settings.total} WebSockets (open-file limit ${fileLimit}); raise it with ulimit -n`,
    );
  }
  return limits;
}

/**
 * Admits WebSocket upgrades on /trpc (Host, Origin, connection limits per address and in all) and
 * hands each accepted socket, with its own logger, to the tRPC adapter.
 */
export function createWsEndpoint(
  config: Pick<ServerConfig, "trustProxy" | "connectionLimits" | "maxSubscriptionsPerSocket" | "maxSocketBacklogBytes">,
  api: ApiServices,
  policies: Pick<Policies, "hosts" | "origins">,
): WsEndpoint {
  const { hosts, origins } = policies;
  const limits = connectionLimitsFor(config.connectionLimits, api.log);
  /** Each accepted upgrade's connection slot, by its request; each connection's logger (carrying its id), by its socket. */
  const slots = new WeakMap<http.IncomingMessage, ConnectionSlot>();
  const connectionLogs = new WeakMap<WebSocket, Logger>();

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  const adapter = createTrpcWsAdapter({
    router: appRouter,
    // Built once per connection: the token comes from connectionParams, Bearer header or cookie.
    createContext: async (req, socket, connectionParams) => {
      const connLog = connectionLogs.get(socket) ?? api.log;
      const ctx = await createWsContext(api, req, socket, connectionParams, origins.isAllowed(req), connLog);
      if (ctx.session) {
        slots.get(req)?.signedIn();
        connLog.debug({ userId: ctx.session.user.id }, "connection signed in");
      }
      return ctx;
    },
    maxSubscriptions: config.maxSubscriptionsPerSocket,
    maxBacklogBytes: config.maxSocketBacklogBytes,
    keepAlive: { pingMs: 30_000, pongWaitMs: 10_000 },
    metrics: api.metrics,
    onError: (failure) => logCallFailure(connectionLogs.get(failure.socket) ?? api.log, failure),
  });
  wss.on("connection", (socket, req) => {
    const connLog = api.log.child({ connId: newId() });
    connectionLogs.set(socket, connLog);
    connLog.info({ address: clientAddressOf(req, config.trustProxy) }, "connection opened");
    logClose(socket, connLog);
    adapter.handleConnection(socket, req);
  });

  return {
    wss,
    adapter,
    limits,
    handleUpgrade: (req, socket, head) => {
      destroyOnError(socket);
      const pathname = (req.url ?? "/").split("?")[0];
      if (pathname !== "/trpc" && pathname !== "/trpc/") return rejectUpgrade(socket, 404, "Not Found");
      if (!hosts.isAllowed(req)) return rejectUpgrade(socket, 421, "Misdirected Request");
      if (!origins.isAllowed(req)) return rejectUpgrade(socket, 403, "Forbidden");
      const admission = limits.admit(clientAddressOf(req, config.trustProxy));
      if (!admission.ok) return rejectUpgrade(socket, admission.status, admission.reason);
      slots.set(req, admission.slot);
      releaseOnClose(socket, admission.slot);
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    },
  };
}
