import { useSyncExternalStore, type MouseEvent } from "react";

// Two screens need no router library: `/` (the room list) and `/rooms/:roomId`.

export type Route = { name: "home" } | { name: "room"; roomId: string };

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

function currentPath(): string {
  return window.location.pathname;
}

/** Parses a path into a route; anything unknown is home. */
export function parseRoute(path: string): Route {
  const match = /^\/rooms\/([^/]+)\/?$/.exec(path);
  if (match?.[1]) {
    try {
      return { name: "room", roomId: decodeURIComponent(match[1]) };
    } catch {
      return { name: "home" };
    }
  }
  return { name: "home" };
}

/** The path of a room's screen. */
export function roomPath(roomId: string): string {
  return `/rooms/${encodeURIComponent(roomId)}`;
}

/** Goes to `path` without a page load. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === currentPath()) return;
  if (options.replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  for (const listener of listeners) listener();
}

/** The current route; re-renders on navigation and on back/forward. */
export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, currentPath, () => "/");
  return parseRoute(path);
}

/** onClick for an <a href>: client-side navigation, but new-tab clicks stay the browser's. */
export function followLink(event: MouseEvent<HTMLAnchorElement>): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(event.currentTarget.pathname);
}
