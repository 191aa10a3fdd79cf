/**
 * Counts each user's open subscriptions on this server, so that one user cannot hold an
 * unbounded number of streams (each one costs memory, and a replay costs database reads).
 */
export class SubscriptionSlots {
  private readonly byUser = new Map<string, number>();

  constructor(private readonly perUser: number) {}

  /** Takes a slot for `userId`: a release function (call it once), or null when all are taken. */
  take(userId: string): (() => void) | null {
    const held = this.byUser.get(userId) ?? 0;
    if (held >= this.perUser) return null;
    this.byUser.set(userId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.byUser.get(userId) ?? 1) - 1;
      if (now > 0) this.byUser.set(userId, now);
      else this.byUser.delete(userId);
    };
  }

  held(userId: string): number {
    return this.byUser.get(userId) ?? 0;
  }
}
