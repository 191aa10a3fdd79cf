// @parley/client: a typed Parley client for browsers and Node, over one reconnecting WebSocket.
// Inside the monorepo this file is the package's entry; published, dist/ is (see build.mjs).
import { isTRPCClientError, type TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@parley/api";

export { createParleyClient } from "./create-client";
export type { ConnectionState, ParleyClient, ParleyClientOptions, TokenSource } from "./create-client";
export { toWebSocketUrl } from "./url";
export { reconnectDelayMs } from "./backoff";

// The router's types come from the server package as types only: nothing of it runs here.
export type {
  AppRouter,
  RouterInputs,
  RouterOutputs,
  User,
  Me,
  Role,
  Room,
  Member,
  Message,
  RoomEvent,
  Activity,
  RoomListChange,
  InboxEvent,
} from "@parley/api";

/** The error every failed call rejects with; `error.data?.code` is the tRPC code (`NOT_FOUND`, …). */
export type ParleyClientError = TRPCClientError<AppRouter>;

/** True when `error` came from the server or the connection (not from the caller's own code). */
export function isParleyClientError(error: unknown): error is ParleyClientError {
  return isTRPCClientError(error);
}

/** The tRPC error code of a failed call (`UNAUTHORIZED`, `NOT_FOUND`, …), or null if it has none. */
export function errorCode(error: unknown): string | null {
  return isParleyClientError(error) ? (error.data?.code ?? null) : null;
}
