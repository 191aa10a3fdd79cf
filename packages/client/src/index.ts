// @parley/client: a typed Parley client for browsers and Node, over one WebSocket.
import { createTRPCClient, createWSClient, wsLink, type TRPCClient } from "@trpc/client";
import NodeWebSocket from "ws";
import type { AppRouter } from "@parley/api";

export type {
  AppRouter,
  RouterInputs,
  RouterOutputs,
  User,
  Me,
  Room,
  Member,
  Message,
  RoomEvent,
  Activity,
} from "@parley/api";

export type ConnectionState = "connecting" | "open" | "closed";

export type ParleyClientOptions = {
  /** The server's address: http(s)://host:port (or ws(s)://…); `/trpc` is added. */
  url: string;
  /** Session token, or a function giving it; read again at every (re)connect. */
  token?: string | null | (() => string | null | undefined | Promise<string | null | undefined>);
  /** A WebSocket implementation; defaults to the global one, else the `ws` package (Node 20). */
  WebSocket?: typeof globalThis.WebSocket;
  /** Told when the connection opens, drops or starts reconnecting. */
  onConnectionStateChange?: (state: ConnectionState) => void;
};

export type ParleyClient = {
  trpc: TRPCClient<AppRouter>;
  /** Closes the connection for good (no reconnect). */
  close(): Promise<void>;
};

/** ws(s)://host/trpc for any http(s) or ws(s) base address. */
export function toWebSocketUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === "http:") parsed.protocol = "ws:";
  if (parsed.protocol === "https:") parsed.protocol = "wss:";
  const base = parsed.pathname.replace(/\/+$/, "");
  parsed.pathname = base.endsWith("/trpc") ? base : `${base}/trpc`;
  return parsed.toString();
}

/** Exponential backoff from 0.5 s up to 30 s, each delay jittered by ±50 %. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 500 * 2 ** attempt);
  return Math.round(base * (0.5 + random()));
}

/**
 * Connects to a Parley server. Queries, mutations and subscriptions all use one WebSocket that
 * reconnects by itself; subscriptions to room.events resume from their last event id.
 */
export function createParleyClient(options: ParleyClientOptions): ParleyClient {
  const WebSocketImpl =
    options.WebSocket ??
    (globalThis.WebSocket as typeof globalThis.WebSocket | undefined) ??
    (NodeWebSocket as unknown as typeof globalThis.WebSocket);

  const wsClient = createWSClient({
    url: toWebSocketUrl(options.url),
    WebSocket: WebSocketImpl,
    connectionParams: async () => {
      const token = typeof options.token === "function" ? await options.token() : options.token;
      return token ? { token } : {};
    },
    retryDelayMs: (attempt) => reconnectDelayMs(attempt),
    keepAlive: { enabled: true, intervalMs: 15_000, pongTimeoutMs: 5_000 },
    onOpen: () => options.onConnectionStateChange?.("open"),
    onClose: () => options.onConnectionStateChange?.("closed"),
  });
  const connecting = wsClient.connectionState.subscribe({
    next: (state) => {
      if (state.state === "connecting") options.onConnectionStateChange?.("connecting");
    },
  });

  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
  return {
    trpc,
    async close() {
      connecting.unsubscribe();
      await wsClient.close();
    },
  };
}
