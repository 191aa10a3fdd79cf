import type { SocketRegistry } from "../lib/socket-registry";

/**
 * Closes the sockets of sessions that were deleted behind this server's back: `pnpm admin`
 * (reset-password, deactivate) works on the database directly, and without Redis it has no way
 * to tell the servers. Once a `intervalMs` the sessions with open sockets here are looked up in
 * one query; the sockets of any that are gone close as on logout. Returns a stop function.
 */
export function startSessionSweep(options: {
  sockets: SocketRegistry;
  existing: (sessionIds: string[]) => Promise<Set<string>>;
  intervalMs?: number;
  onError?: (error: unknown) => void;
}): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    const ids = options.sockets.sessionIds();
    if (ids.length === 0) return;
    running = true;
    options
      .existing(ids)
      .then((alive) => {
        for (const id of ids) if (!alive.has(id)) options.sockets.closeSession(id, 0);
      })
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = false;
      });
  }, options.intervalMs ?? 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
