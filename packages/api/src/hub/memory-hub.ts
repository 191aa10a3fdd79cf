import type { Activity, RoomListChange, User } from "@parley/contract";
import type { StoredRoomEvent } from "@parley/db";
import type { Hub, Unsubscribe } from "./hub";
import { Topics } from "./topics";

/** The single-process hub: everything lives in this server's memory. */
export class MemoryHub implements Hub {
  private readonly events = new Topics<StoredRoomEvent>();
  private readonly activity = new Topics<Activity>();
  private readonly revoked = new Topics<string>();
  private readonly roomList = new Topics<RoomListChange>();
  /** roomId → userId → the user and their open activity subscriptions. */
  private readonly presence = new Map<string, Map<string, { user: User; subscriptions: Set<string> }>>();

  publishEvent(event: StoredRoomEvent): void {
    this.events.emit(event.roomId, Object.freeze(event));
  }

  subscribeEvents(roomId: string, listener: (event: StoredRoomEvent) => void): Promise<Unsubscribe> {
    return Promise.resolve(this.events.add(roomId, listener));
  }

  publishActivity(activity: Activity): void {
    this.activity.emit(activity.roomId, Object.freeze(activity));
  }

  subscribeActivity(roomId: string, listener: (activity: Activity) => void): Promise<Unsubscribe> {
    return Promise.resolve(this.activity.add(roomId, listener));
  }

  publishRoomListChange(change: RoomListChange): void {
    this.roomList.emit("*", Object.freeze(change));
  }

  subscribeRoomListChanges(listener: (change: RoomListChange) => void): Promise<Unsubscribe> {
    return Promise.resolve(this.roomList.add("*", listener));
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
