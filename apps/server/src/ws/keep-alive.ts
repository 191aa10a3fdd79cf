import WebSocket from "ws";

type Watched = { lastHeard: number; pingedAt: number | null };

/**
 * Finds dead connections with one timer for all of them: a socket silent for `pingMs` is sent
 * tRPC's "PING"; one that stays silent `pongWaitMs` after that is terminated. Anything the client
 * sends (its "PONG" included) counts as a sign of life. tRPC's adapter keeps two timers per
 * connection and re-arms them on every message; here a message only stores a timestamp.
 */
export class KeepAlive {
  private readonly sockets = new Map<WebSocket, Watched>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pingMs: number,
    private readonly pongWaitMs: number,
  ) {
    const tick = Math.max(50, Math.min(pingMs, pongWaitMs) / 4);
    this.timer = setInterval(() => this.sweep(), tick);
    this.timer.unref();
  }

  watch(socket: WebSocket): () => void {
    const watched: Watched = { lastHeard: Date.now(), pingedAt: null };
    this.sockets.set(socket, watched);
    const heard = () => {
      watched.lastHeard = Date.now();
      watched.pingedAt = null;
    };
    socket.on("message", heard);
    socket.on("pong", heard);
    return () => {
      socket.off("message", heard);
      socket.off("pong", heard);
      this.sockets.delete(socket);
    };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [socket, watched] of this.sockets) {
      if (watched.pingedAt !== null) {
        if (now - watched.pingedAt >= this.pongWaitMs) socket.terminate();
      } else if (now - watched.lastHeard >= this.pingMs && socket.readyState === WebSocket.OPEN) {
        watched.pingedAt = now;
        socket.send("PING");
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
