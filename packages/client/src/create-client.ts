import { createTRPCClient, createWSClient, wsLink, type TRPCClient } from "@trpc/client";
import NodeWebSocket from "ws";
import type { AppRouter } from "@parley/api";
import { sessionEndReason, type SessionEndReason } from "@parley/contract/session-end";
import { reconnectDelayMs } from "./backoff";
import { databaseRetryLink, type DatabaseState } from "./database-retry";
import { splitOversizedBatches } from "./frame-splitting";
import { toWebSocketUrl } from "./url";

export type ConnectionState = "connecting" | "open" | "closed";

/** A session token, or something that gives one (read again at every connect). */
export type TokenSource = string | null | undefined | (() => string | null | undefined | Promise<string | null | undefined>);

export type ParleyClientOptions = {
  /** The server's address: http(s)://host:port (or ws(s)://…); `/trpc` is added. */
  url: string;
  /** Session token, or a function giving it; read again at every (re)connect. */
  token?: TokenSource;
  /** A WebSocket implementation; defaults to the global one, else the `ws` package (Node 20). */
  WebSocket?: typeof globalThis.WebSocket;
  /** Told when the connection opens, drops or starts reconnecting. */
  onConnectionStateChange?: (state: ConnectionState) => void;
  /**
   * Told when a message.send (with a clientMsgId) starts waiting for the server's database to
   * come back ("unavailable": it is sent again by itself) and when no send waits any more.
   */
  onDatabaseStateChange?: (state: DatabaseState) => void;
  /**
   * Told when the server closed the socket because its session ended, and why (logged out,
   * revoked, password changed elsewhere); told before the state changes to "closed".
   */
  onSessionEnded?: (reason: SessionEndReason) => void;
};

export type ParleyClient = {
  /** The typed tRPC proxy: `trpc.room.list.query()`, `trpc.room.events.subscribe(…)`, … */
  trpc: TRPCClient<AppRouter>;
  /** Closes the connection for good (no reconnect); open subscriptions complete. */
  close(): Promise<void>;
};

/** Browsers and Node 22 have a global WebSocket; Node 20 has none, so `ws` stands in. */
function defaultWebSocket(): typeof globalThis.WebSocket {
  const native = (globalThis as { WebSocket?: typeof globalThis.WebSocket }).WebSocket;
  return native ?? (NodeWebSocket as unknown as typeof globalThis.WebSocket);
}

/**
 * Connects to a Parley server. Queries, mutations and subscriptions share one WebSocket that
 * reconnects by itself (jittered exponential backoff, keep-alive pings); on reconnect tRPC
 * re-sends every open subscription with the id of the last event it delivered, so room.events
 * resumes where it stopped. A message.send with a clientMsgId that meets a database outage
 * (SERVICE_UNAVAILABLE) is sent again by itself, as `retryAfterMs` says (database-retry.ts).
 */
export function createParleyClient(options: ParleyClientOptions): ParleyClient {
  const notify = options.onConnectionStateChange;
  const wsClient = createWSClient({
    url: toWebSocketUrl(options.url),
    WebSocket: splitOversizedBatches(options.WebSocket ?? defaultWebSocket()),
    // Evaluated at every connect, so a refreshed token (or a signed-out one) takes effect then.
    connectionParams: async () => {
      const token = typeof options.token === "function" ? await options.token() : options.token;
      return token ? { token } : {};
    },
    retryDelayMs: (attempt) => reconnectDelayMs(attempt),
    // A half-open connection (sleeping laptop, dropped NAT entry) is noticed within 20 s.
    keepAlive: { enabled: true, intervalMs: 15_000, pongTimeoutMs: 5_000 },
    onOpen: () => notify?.("open"),
    // tRPC hands over the socket's CloseEvent (typed as `{ code }` only): its reason says why.
    onClose: (cause) => {
      const ended = sessionEndReason(cause);
      if (ended) options.onSessionEnded?.(ended);
      notify?.("closed");
    },
  });
  const connecting = wsClient.connectionState.subscribe({
    next: (state) => {
      if (state.state === "connecting") notify?.("connecting");
    },
  });

  // A send with a clientMsgId is retried while the server says its database is away.
  const retry = databaseRetryLink({ onStateChange: options.onDatabaseStateChange });
  const trpc = createTRPCClient<AppRouter>({ links: [retry, wsLink({ client: wsClient })] });
  return {
    trpc,
    async close() {
      connecting.unsubscribe();
      await wsClient.close();
    },
  };
}
