import type { User } from "@parley/contract";
import type { Channel } from "./topics";

export type Unsubscribe = () => void;

/**
 * The hub carries what happens to every subscription, on this server and (in a multi-server
 * implementation) on the others. What it carries is named by the topic table (topics.ts), so the
 * in-process hub can be swapped for a Redis one, and a new kind of message added, without
 * touching the hubs.
 *
 * Listeners of one channel share the one message object they are handed: it is built (and, for
 * a networked hub, decoded) once per message, not once per subscriber. They must not mutate it.
 */
export interface Hub {
  /** Hands `message` to every listener of `channel`, on every server. Never blocks. */
  publish<T>(channel: Channel<T>, message: T): void;
  /**
   * Resolves once the subscription is live: every message published after that reaches
   * `listener`. (A networked hub must wait for its broker to confirm, or a listener could miss
   * messages.)
   */
  subscribe<T>(channel: Channel<T>, listener: (message: T) => void): Promise<Unsubscribe>;

  /** Records one open activity subscription; `first` when it is the user's first in the room. */
  presenceEnter(roomId: string, user: User, subscriptionId: string): Promise<{ first: boolean }>;
  /** Forgets one activity subscription; `last` when the user has none left in the room. */
  presenceLeave(roomId: string, userId: string, subscriptionId: string): Promise<{ last: boolean }>;
  /** Users holding at least one activity subscription to the room, on any server. */
  onlineUsers(roomId: string): Promise<User[]>;

  /**
   * A networked hub calls `listener` each time it is connected to its broker again after losing
   * it: messages published meanwhile never arrived, so a listener that keeps a position (a room's
   * sequence number) reads what it missed from the database. The in-process hub never loses any.
   */
  onResume?(listener: () => void): Unsubscribe;

  close(): Promise<void>;
}
