// @parley/client: a typed Parley client for browsers and Node, over one reconnecting WebSocket.
// Inside the monorepo this file is the package's entry; published, dist/ is (see build.mjs).
import { isTRPCClientError, type TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@parley/api";
import type { ConflictField } from "@parley/contract/types";

export { createParleyClient } from "./create-client";
export type { ConnectionState, ParleyClient, ParleyClientOptions, TokenSource } from "./create-client";
export { toWebSocketUrl } from "./url";
export { SESSION_ENDED_CLOSE_CODE, sessionEndReason, type SessionEndReason } from "@parley/contract/session-end";
export { reconnectDelayMs } from "./backoff";
export type { DatabaseState } from "./database-retry";

// The router's types come from the server package, and the domain types (User, Room, Message,
// RoomEvent, …) from @parley/contract, all as types only: nothing of either runs here.
export type { AppRouter, RouterInputs, RouterOutputs } from "@parley/api";
export type * from "@parley/contract/types";

/** The error every failed call rejects with; `error.data?.code` is the tRPC code (`NOT_FOUND`, …). */
export type ParleyClientError = TRPCClientError<AppRouter>;

/** The `data` of a server's error: `code`, and `zodError`, `retryAfterMs` or `field` when they apply. */
export type ParleyErrorData = NonNullable<ParleyClientError["data"]>;

/** The tRPC error codes a call can fail with (`UNAUTHORIZED`, `NOT_FOUND`, `CONFLICT`, …). */
export type ParleyErrorCode = ParleyErrorData["code"];

/** What a `BAD_REQUEST` says about the input: messages per field, and about the input as a whole. */
export type ValidationErrors = NonNullable<ParleyErrorData["zodError"]>;

/** True when `error` came from the server or the connection (not from the caller's own code). */
export function isParleyClientError(error: unknown): error is ParleyClientError {
  return isTRPCClientError(error);
}

/** The server's `error.data` of a failed call; null when there is none (a lost connection, or not a call's error). */
function dataOf(error: unknown): ParleyErrorData | null {
  return isParleyClientError(error) ? (error.data ?? null) : null;
}

/**
 * The tRPC error code of a failed call (`UNAUTHORIZED`, `NOT_FOUND`, …), or null if it has none:
 * the call never got the server's answer (the connection failed), or `error` is not a call's.
 */
export function errorCode(error: unknown): ParleyErrorCode | null {
  return dataOf(error)?.code ?? null;
}

/** Which field a `CONFLICT` is about (`"username"`, `"email"` or a room's `"name"`), or null. */
export function errorField(error: unknown): ConflictField | null {
  return dataOf(error)?.field ?? null;
}

/** How long to wait before trying again after `TOO_MANY_REQUESTS` or `SERVICE_UNAVAILABLE`, in milliseconds, or null. */
export function retryAfterMs(error: unknown): number | null {
  return dataOf(error)?.retryAfterMs ?? null;
}

/** The input's validation errors when a call failed with `BAD_REQUEST` (`error.data.zodError`), or null. */
export function validationErrors(error: unknown): ValidationErrors | null {
  return dataOf(error)?.zodError ?? null;
}
