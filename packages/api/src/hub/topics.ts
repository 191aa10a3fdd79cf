import type { Activity, InboxEvent, RoomEvent, RoomListChange } from "@parley/contract";
import type { StoredRoomEvent } from "@parley/db";

/**
 * How a topic's messages cross a process boundary (the Redis hub encodes once per publish and
 * decodes once per server). The memory hub hands the object itself to its listeners.
 */
export type Codec<T> = { encode(message: T): string; decode(text: string): T };

/** One concrete stream of the hub, e.g. the events of room r1. `name` is its channel. */
export type Channel<T> = { readonly name: string; readonly codec: Codec<T> };

const json = <T>(): Codec<T> => ({ encode: (message) => JSON.stringify(message), decode: (text) => JSON.parse(text) as T });

/** Room events carry a bigint sequence number, which JSON cannot hold. */
const storedEvents: Codec<StoredRoomEvent> = {
  encode: ({ roomId, seq, event }) => JSON.stringify({ roomId, seq: String(seq), event }),
  decode: (text) => {
    const wire = JSON.parse(text) as { roomId: string; seq: string; event: RoomEvent };
    return { roomId: wire.roomId, seq: BigInt(wire.seq), event: wire.event };
  },
};

const text: Codec<string> = { encode: (message) => message, decode: (message) => message };

function topic<Key extends unknown[], T>(name: (...key: Key) => string, codec: Codec<T>): (...key: Key) => Channel<T> {
  return (...key) => ({ name: name(...key), codec });
}

/**
 * Everything the hub carries, one line per kind. Publishers and subscribers name a channel
 * through this table (`hub.publish(topics.roomEvents(id), event)`), so a new kind of message is
 * a new line here and nothing in the hubs.
 */
export const topics = {
  /** Committed room events, in order, for `room.events` (through the room channels). */
  roomEvents: topic((roomId: string) => `room:${roomId}:events`, storedEvents),
  /** Ephemeral presence and typing for `room.activity`. */
  roomActivity: topic((roomId: string) => `room:${roomId}:activity`, json<Activity>()),
  /**
   * One user's own news (`me.events`): rooms added to or removed from their list, and
   * `room.unread` when their read position moved (room.markRead, in any tab).
   */
  user: topic((userId: string) => `user:${userId}`, json<InboxEvent>()),
  /** One user's private rooms appeared in or left their list (their `room.feed`). */
  userRooms: topic((userId: string) => `user:${userId}:rooms`, json<RoomListChange>()),
  /** A public channel appeared or changed (`room.feed`). Private rooms never go here. */
  rooms: topic(() => "rooms", json<RoomListChange>()),
  /** A session ended: every server closes its sockets. The message is the session id, then why (sessionEndedMessage). */
  sessions: topic(() => "sessions", text),
};
