import { spawnSync } from "node:child_process";

export type ConnectionLimitSettings = { total: number; perAddress: number; anonymousPerAddress: number };

/** One admitted connection: signed in or not, until it closes. */
export type ConnectionSlot = { signedIn(): void; release(): void };

export type Admission = { ok: true; slot: ConnectionSlot } | { ok: false; status: 429 | 503; reason: string };

/**
 * Caps WebSocket connections so that one client cannot exhaust the server's file descriptors:
 * in all, per client address, and, lower, per address while a connection has not signed in
 * (an anonymous socket costs the attacker nothing). A connection is refused at the upgrade,
 * before it costs anything: 503 past the total, 429 past an address's share.
 */
export class ConnectionLimits {
  private total = 0;
  private anonymous = 0;
  private readonly byAddress = new Map<string, { all: number; anonymous: number }>();

  constructor(readonly settings: ConnectionLimitSettings) {}

  admit(address: string): Admission {
    const counts = this.byAddress.get(address) ?? { all: 0, anonymous: 0 };
    if (this.total >= this.settings.total) return { ok: false, status: 503, reason: "Service Unavailable" };
    if (counts.all >= this.settings.perAddress || counts.anonymous >= this.settings.anonymousPerAddress) {
      return { ok: false, status: 429, reason: "Too Many Requests" };
    }
    this.total += 1;
    counts.all += 1;
    counts.anonymous += 1; // until it signs in
    this.anonymous += 1;
    this.byAddress.set(address, counts);
    let anonymous = true;
    let released = false;
    return {
      ok: true,
      slot: {
        signedIn: () => {
          if (!anonymous || released) return;
          anonymous = false;
          counts.anonymous -= 1;
          this.anonymous -= 1;
        },
        release: () => {
          if (released) return;
          released = true;
          this.total -= 1;
          counts.all -= 1;
          if (anonymous) {
            counts.anonymous -= 1;
            this.anonymous -= 1;
          }
          if (counts.all === 0) this.byAddress.delete(address);
        },
      },
    };
  }

  get open(): number {
    return this.total;
  }

  /** Open connections that have not signed in. */
  get openAnonymous(): number {
    return this.anonymous;
  }
}

/**
 * The process's open-file limit (soft), or null when it cannot be read. Node has no API for it;
 * a shell started by this process inherits the limit and prints it.
 */
export function openFileLimit(): number | null {
  const probe = spawnSync("sh", ["-c", "ulimit -n"], { encoding: "utf8", timeout: 2_000 });
  const value = Number(probe.stdout?.trim());
  return probe.status === 0 && Number.isInteger(value) && value > 0 ? value : null;
}

/** Descriptors kept back from WebSockets: HTTP requests (health checks), the database, files. */
export const RESERVED_DESCRIPTORS = 200;

/** The configured total, lowered so that WebSockets can never take the last descriptors. */
export function effectiveTotal(configured: number, fileLimit: number | null): number {
  if (fileLimit === null) return configured;
  return Math.max(1, Math.min(configured, fileLimit - RESERVED_DESCRIPTORS));
}
