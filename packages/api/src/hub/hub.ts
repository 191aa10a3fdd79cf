import type { Activity, RoomListChange, User } from "@parley/contract";
import type { StoredRoomEvent } from "@parley/db";

export type Unsubscribe = () => void;

/**
 * The hub carries what happens in rooms to every subscription, on this server and (in a
 * multi-server implementation) on the others. Routers only ever talk to this interface, so the
 * in-process hub can be swapped for a Redis one without touching them.
 *
 * Listeners of one room share the one event object they are handed: it is built (and, for a
 * networked hub, serialised) once per event, not once per subscriber. They must not mutate it.
 */
export interface Hub {
  /** Fans a committed room event out to the room's `room.events` subscribers. */
  publishEvent(event: StoredRoomEvent): void;
  /**
   * Resolves once the subscription is live: every event published after that reaches `listener`.
   * (A networked hub must wait for its broker to confirm, or a subscriber could miss events.)
   */
  subscribeEvents(roomId: string, listener: (event: StoredRoomEvent) => void): Promise<Unsubscribe>;

  /** Fans ephemeral activity (presence, typing) out to the room's `room.activity` subscribers. */
  publishActivity(activity: Activity): void;
  subscribeActivity(roomId: string, listener: (activity: Activity) => void): Promise<Unsubscribe>;

  /** Tells every `room.feed` subscriber (on every server) that the room list changed. */
  publishRoomListChange(change: RoomListChange): void;
  subscribeRoomListChanges(listener: (change: RoomListChange) => void): Promise<Unsubscribe>;

  /** Records one open activity subscription; `first` when it is the user's first in the room. */
  presenceEnter(roomId: string, user: User, subscriptionId: string): Promise<{ first: boolean }>;
  /** Forgets one activity subscription; `last` when the user has none left in the room. */
  presenceLeave(roomId: string, userId: string, subscriptionId: string): Promise<{ last: boolean }>;
  /** Users holding at least one activity subscription to the room, on any server. */
  onlineUsers(roomId: string): Promise<User[]>;

  /** Tells every server that a session was revoked, so they close its sockets. */
  publishSessionRevoked(sessionId: string): void;
  subscribeSessionRevoked(listener: (sessionId: string) => void): Unsubscribe;

  close(): Promise<void>;
}
