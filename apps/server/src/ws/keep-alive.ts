import WebSocket from "ws";

/** One watched socket: when it was last heard from, and whether a PING is unanswered. */
export class Liveness {
  lastHeard = Date.now();
  pingedAt: number | null = null;

  /** Anything the client sent (its "PONG" included) is a sign of life. */
  heard(): void {
    this.lastHeard = Date.now();
    this.pingedAt = null;
  }
}

/**
 * Finds dead connections with one timer for all of them: a socket silent for `pingMs` is sent
 * tRPC's "PING"; one that stays silent `pongWaitMs` after that is terminated. tRPC's adapter
 * keeps two timers per connection and re-arms them on every message; here a message only stores
 * a timestamp (the connection calls `heard()` from its own message listener).
 */
export class KeepAlive {
  private readonly sockets = new Map<WebSocket, Liveness>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pingMs: number,
    private readonly pongWaitMs: number,
  ) {
    const tick = Math.max(50, Math.min(pingMs, pongWaitMs) / 4);
    this.timer = setInterval(() => this.sweep(), tick);
    this.timer.unref();
  }

  watch(socket: WebSocket): Liveness {
    const liveness = new Liveness();
    this.sockets.set(socket, liveness);
    return liveness;
  }

  forget(socket: WebSocket): void {
    this.sockets.delete(socket);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [socket, liveness] of this.sockets) {
      if (liveness.pingedAt !== null) {
        if (now - liveness.pingedAt >= this.pongWaitMs) socket.terminate();
      } else if (now - liveness.lastHeard >= this.pingMs && socket.readyState === WebSocket.OPEN) {
        liveness.pingedAt = now;
        socket.send("PING");
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
