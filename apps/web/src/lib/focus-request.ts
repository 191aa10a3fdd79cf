import { useSyncExternalStore } from "react";

// "Open this room at that message": a search result asks, the room's view answers by scrolling
// there (loading older pages as needed) and clearing the request. A tiny external store, so
// the ask survives the navigation that mounts the room.

export type FocusRequest = { roomId: string; messageId: string; nonce: number };

let current: FocusRequest | null = null;
let nonce = 0;
const listeners = new Set<() => void>();

function emit() {
  for (const listener of listeners) listener();
}

/** Asks the view of `roomId` to show `messageId`. */
export function requestFocus(roomId: string, messageId: string): void {
  current = { roomId, messageId, nonce: ++nonce };
  emit();
}

/** Drops the request once it is served (or cannot be). */
export function clearFocus(request: FocusRequest): void {
  if (current?.nonce !== request.nonce) return;
  current = null;
  emit();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The pending request for `roomId`, if any. */
export function useFocusRequest(roomId: string): FocusRequest | null {
  const request = useSyncExternalStore(subscribe, () => current);
  return request?.roomId === roomId ? request : null;
}
