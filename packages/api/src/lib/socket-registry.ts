/** The part of a WebSocket the registry needs (ws's WebSocket fits). */
export interface ClosableSocket {
  /** ws's readyState: 2 closing, 3 closed. */
  readonly readyState?: number;
  close(code?: number, reason?: string): void;
  once(event: "close", listener: () => void): unknown;
}

import { SESSION_ENDED_CLOSE_CODE, SESSION_END_REASONS, type SessionEndReason } from "@parley/contract/session-end";

/** Close code sent to sockets whose session ended (logout, revoke, password change). */
export const SESSION_REVOKED_CLOSE_CODE = SESSION_ENDED_CLOSE_CODE;

/**
 * The hub's `sessions` message for a session that ended: its id, then why. A bare id (an operator
 * command, an older server) means revoked.
 */
export function sessionEndedMessage(sessionId: string, reason: SessionEndReason): string {
  return `${sessionId} ${reason}`;
}

/** Reads a `sessions` message back (see sessionEndedMessage). */
export function parseSessionEnded(message: string): { sessionId: string; reason: SessionEndReason } {
  const [sessionId = "", reason] = message.split(" ");
  const known = reason !== undefined && Object.hasOwn(SESSION_END_REASONS, reason);
  return { sessionId, reason: known ? (reason as SessionEndReason) : "revoked" };
}

/**
 * Remembers which open WebSockets were authenticated with which session, so a logout can close
 * them all, the caller's own included.
 */
export class SocketRegistry {
  private readonly bySession = new Map<string, Set<ClosableSocket>>();
  /**
   * Sessions revoked in the last minute. A socket whose context was built from a session just
   * before its logout may register just after the logout closed the others: it is closed too.
   */
  private readonly recentlyRevoked = new Map<string, number>();

  add(sessionId: string, socket: ClosableSocket): void {
    // Closed while its session was being looked up: its close event has fired already, so an
    // entry made now would never be removed.
    if (socket.readyState !== undefined && socket.readyState >= 2) return;
    if (this.recentlyRevoked.has(sessionId)) {
      socket.close(SESSION_REVOKED_CLOSE_CODE, SESSION_END_REASONS.revoked);
      return;
    }
    let set = this.bySession.get(sessionId);
    if (!set) {
      set = new Set();
      this.bySession.set(sessionId, set);
    }
    set.add(socket);
    socket.once("close", () => {
      const current = this.bySession.get(sessionId);
      current?.delete(socket);
      if (current?.size === 0) this.bySession.delete(sessionId);
    });
  }

  /**
   * Closes every socket of the session, saying why in the close frame. The close waits a moment
   * so that a reply already on its way (the caller's `{ ok: true }` from auth.logout) is sent
   * before the close frame.
   */
  closeSession(sessionId: string, delayMs = 25, reason: SessionEndReason = "revoked"): void {
    const now = Date.now();
    this.recentlyRevoked.set(sessionId, now);
    for (const [id, at] of this.recentlyRevoked) {
      if (now - at > 60_000) this.recentlyRevoked.delete(id);
    }
    const set = this.bySession.get(sessionId);
    if (!set) return;
    this.bySession.delete(sessionId);
    setTimeout(() => {
      for (const socket of set) socket.close(SESSION_REVOKED_CLOSE_CODE, SESSION_END_REASONS[reason]);
    }, delayMs);
  }

  /** The sessions that have open sockets here. */
  sessionIds(): string[] {
    return [...this.bySession.keys()];
  }

  count(): number {
    let n = 0;
    for (const set of this.bySession.values()) n += set.size;
    return n;
  }
}
