import type { User } from "@parley/contract";
import type { Logger } from "../log";
import { noopMetrics, type ApiMetrics } from "../metrics";
import type { Hub, Unsubscribe } from "./hub";
import { Listeners } from "./listeners";
import type { Channel } from "./topics";

/** The single-process hub: everything lives in this server's memory. */
export class MemoryHub implements Hub {
  private readonly listeners: Listeners;
  private readonly metrics: ApiMetrics;
  /** roomId → userId → the user and their open activity subscriptions. */
  private readonly presence = new Map<string, Map<string, { user: User; subscriptions: Set<string> }>>();

  constructor(options: { metrics?: ApiMetrics; log?: Logger } = {}) {
    this.listeners = new Listeners(options.log);
    this.metrics = options.metrics ?? noopMetrics;
  }

  publish<T>(channel: Channel<T>, message: T): void {
    this.metrics.published(channel.name).inc();
    this.listeners.emit(channel.name, typeof message === "object" && message !== null ? Object.freeze(message) : message);
  }

  subscribe<T>(channel: Channel<T>, listener: (message: T) => void): Promise<Unsubscribe> {
    return Promise.resolve(this.listeners.add(channel.name, listener));
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

  /** Number of listeners of a channel (for tests and metrics). */
  listenerCount(channel: Channel<unknown>): number {
    return this.listeners.count(channel.name);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
