import type { Activity, StoredRoomEvent, User } from "@parley/db";
import type { Hub, Unsubscribe } from "./hub";

/** Listeners grouped by room, so publishing touches only the room's own subscribers. */
class Topics<T> {
  private readonly byKey = new Map<string, Set<(value: T) => void>>();

  add(key: string, listener: (value: T) => void): Unsubscribe {
    let set = this.byKey.get(key);
    if (!set) {
      set = new Set();
      this.byKey.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.byKey.get(key);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.byKey.delete(key);
    };
  }

  emit(key: string, value: T): void {
    const set = this.byKey.get(key);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(value);
      } catch (error) {
        // One broken subscriber must not stop delivery to the rest of the room.
        console.error("[hub] listener failed:", error);
      }
    }
  }

  count(key: string): number {
    return this.byKey.get(key)?.size ?? 0;
  }
}

/** The single-process hub: everything lives in this server's memory. */
export class MemoryHub implements Hub {
  private readonly events = new Topics<StoredRoomEvent>();
  private readonly activity = new Topics<Activity>();
  private readonly revoked = new Topics<string>();
  /** roomId → userId → the user and their open activity subscriptions. */
  private readonly presence = new Map<string, Map<string, { user: User; subscriptions: Set<string> }>>();

  publishEvent(event: StoredRoomEvent): void {
    this.events.emit(event.roomId, Object.freeze(event));
  }

  subscribeEvents(roomId: string, listener: (event: StoredRoomEvent) => void): Unsubscribe {
    return this.events.add(roomId, listener);
  }

  publishActivity(activity: Activity): void {
    this.activity.emit(activity.roomId, Object.freeze(activity));
  }

  subscribeActivity(roomId: string, listener: (activity: Activity) => void): Unsubscribe {
    return this.activity.add(roomId, listener);
  }

  presenceEnter(roomId: string, user: User, subscriptionId: string): Promise<{ first: boolean }> {
    let room = this.presence.get(roomId);
    if (!room) {
      room = new Map();
      this.presence.set(roomId, room);
    }
    let entry = room.get(user.id);
    const first = !entry;
    if (!entry) {
      entry = { user, subscriptions: new Set() };
      room.set(user.id, entry);
    }
    entry.subscriptions.add(subscriptionId);
    return Promise.resolve({ first });
  }

  presenceLeave(roomId: string, userId: string, subscriptionId: string): Promise<{ last: boolean }> {
    const room = this.presence.get(roomId);
    const entry = room?.get(userId);
    if (!room || !entry || !entry.subscriptions.delete(subscriptionId)) return Promise.resolve({ last: false });
    if (entry.subscriptions.size > 0) return Promise.resolve({ last: false });
    room.delete(userId);
    if (room.size === 0) this.presence.delete(roomId);
    return Promise.resolve({ last: true });
  }

  onlineUsers(roomId: string): Promise<User[]> {
    const room = this.presence.get(roomId);
    return Promise.resolve(room ? [...room.values()].map((entry) => entry.user) : []);
  }

  publishSessionRevoked(sessionId: string): void {
    this.revoked.emit("*", sessionId);
  }

  subscribeSessionRevoked(listener: (sessionId: string) => void): Unsubscribe {
    return this.revoked.add("*", listener);
  }

  /** Number of event subscribers of a room (for tests and metrics). */
  eventSubscriberCount(roomId: string): number {
    return this.events.count(roomId);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
