import { createParleyClient, type ConnectionState, type DatabaseState, type ParleyClient, type SessionEndReason } from "@parley/client";

export type ConnectionSnapshot = {
  /** Bumped whenever the client is replaced (log in, log out): everything keyed by it restarts. */
  epoch: number;
  client: ParleyClient;
  state: ConnectionState;
  /** True once this client's socket has opened at least once: a later drop is a *re*connect. */
  hasOpened: boolean;
  /** A deliberate session switch is under way; its socket churn is not an outage. */
  switching: boolean;
  /**
   * "unavailable" while a send waits for the server's database to come back (the client sends it
   * again by itself; SERVICE_UNAVAILABLE): the socket is fine, the server's database is not.
   */
  database: DatabaseState;
};

/**
 * Owns the one WebSocket client of the page. tRPC builds a connection's context (the session)
 * once, at connect, so a changed session cookie only counts on a fresh connection: `renew()`
 * swaps the client for a new one and bumps the epoch.
 */
export class Connection {
  private snapshot: ConnectionSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly endListeners = new Set<(reason: SessionEndReason) => void>();

  constructor(private readonly url: string) {
    this.snapshot = this.create(0);
  }

  /** For useSyncExternalStore. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ConnectionSnapshot => this.snapshot;

  /** Called each time the socket opens again after a drop (not on the first open). */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /**
   * Called when the server ends this page's session (a logout in another tab, a revoke or a
   * password change on another device). The page then gets a fresh socket, without the session,
   * and no "Connection lost" or "Back online" for it: nothing was lost but the session.
   */
  onSessionEnded(listener: (reason: SessionEndReason) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /**
   * Runs an HTTP auth call (which sets or clears the session cookie), then opens a fresh socket
   * so the server sees the new session. `commit` runs in the same tick as the swap, so React
   * never renders the new session with the old socket or the other way round. The old socket's
   * churn meanwhile shows no banner.
   */
  async switchSession<T>(task: () => Promise<T>, commit: (result: T) => void): Promise<T> {
    this.update({ switching: true });
    try {
      const result = await task();
      commit(result);
      this.renew();
      return result;
    } finally {
      this.update({ switching: false });
    }
  }

  /** Replaces the client with a new one (new socket, new epoch) and closes the old one. */
  renew(): void {
    const old = this.snapshot.client;
    this.snapshot = { ...this.create(this.snapshot.epoch + 1), switching: this.snapshot.switching };
    this.emit();
    void old.close();
  }

  /** Closes the socket for good (page teardown, tests). */
  async dispose(): Promise<void> {
    this.listeners.clear();
    this.reconnectListeners.clear();
    this.endListeners.clear();
    await this.snapshot.client.close();
  }

  private create(epoch: number): ConnectionSnapshot {
    const client = createParleyClient({
      url: this.url,
      // No token: the browser sends the HttpOnly session cookie with the upgrade request.
      onConnectionStateChange: (state) => {
        // Late news from a replaced client; also fires synchronously before `snapshot` exists.
        if ((this.snapshot as ConnectionSnapshot | undefined)?.epoch !== epoch) return;
        const reopened = state === "open" && this.snapshot.hasOpened && this.snapshot.state !== "open";
        if (state === this.snapshot.state) return;
        this.update({ state, hasOpened: this.snapshot.hasOpened || state === "open" });
        if (reopened) for (const listener of this.reconnectListeners) listener();
      },
      onDatabaseStateChange: (database) => {
        if ((this.snapshot as ConnectionSnapshot | undefined)?.epoch !== epoch) return;
        this.update({ database });
      },
      onSessionEnded: (reason) => {
        // This page's own logout renews the socket itself.
        const current = this.snapshot as ConnectionSnapshot | undefined;
        if (current?.epoch !== epoch || current.switching) return;
        for (const listener of this.endListeners) listener(reason);
        this.renew();
      },
    });
    return { epoch, client, state: "connecting", hasOpened: false, switching: false, database: "available" };
  }

  private update(patch: Partial<ConnectionSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
