import type { InboxEvent, ReadState } from "@parley/contract";
import { reading, type Database, type StoredRoomEvent } from "@parley/db";
import type { Hub, Unsubscribe } from "../hub/hub";
import { topics } from "../hub/topics";
import { SubscriptionQueue } from "../lib/queue";
import { followAbort, releaseOnce } from "./stream-lifecycle";

/** What a me.events stream reads: its user's own news, and the events of each of their rooms. */
type Input = { kind: "inbox"; event: InboxEvent } | { kind: "room"; stored: StoredRoomEvent };

/** Reads where the user stands in rooms, from the database (reading.readStates in production). */
export type ReadStateReader = (roomIds: string[], userId: string) => Promise<Map<string, reading.ReadingOf>>;
/** Lists the ids of the rooms the user is a member of. */
export type MemberRoomsReader = (userId: string) => Promise<string[]>;

/**
 * One room as the stream follows it. The database answered up to event `trackFrom`: `base`
 * holds the unread messages (and mentions) it counted between the read position and there.
 * Later messages by others are counted here as their events arrive, by id, so that a delete
 * or a read position can take them out again without asking the database.
 */
type RoomReading = {
  readSeq: bigint;
  trackFrom: bigint;
  base: { unread: number; mentions: number };
  tracked: Map<string, { seq: bigint; mention: boolean }>;
  lastMessageAt: string | null;
};

/**
 * `me.events`: the user's own news from the hub (rooms added and removed, read positions moved
 * in another tab), plus `room.unread` and `mention`, which no one publishes per member: each
 * stream follows the events of its user's rooms and keeps that user's counts itself. A message
 * to a room of a thousand members is one hub message, as for room.events; each member's stream
 * turns it into their own `room.unread`. Counts start from the database (one query for every
 * room) and go back to it only when an event cannot be counted locally (a deleted message, a
 * read position before the stream began, a reader that fell behind).
 *
 * The events of one hub batch become at most one `room.unread` per room, after the `mention`
 * events among them.
 */
export class InboxStream implements AsyncIterable<InboxEvent> {
  private readonly rooms = new Map<string, RoomReading>();
  private readonly roomSubscriptions = new Map<string, Unsubscribe>();
  private readonly queue: SubscriptionQueue<Input>;
  private readonly release: () => void;
  private readonly abort: AbortController;
  private userUnsubscribe: Unsubscribe | null = null;

  private constructor(
    private readonly hub: Hub,
    private readonly userId: string,
    private readonly readStates: ReadStateReader,
    signal: AbortSignal | undefined,
    limit: number,
  ) {
    this.abort = followAbort(signal);
    this.queue = new SubscriptionQueue<Input>(this.abort.signal, limit);
    this.release = releaseOnce(this.abort.signal, () => {
      this.userUnsubscribe?.();
      for (const unsubscribe of this.roomSubscriptions.values()) unsubscribe();
      this.roomSubscriptions.clear();
      this.queue.dispose();
    });
  }

  /** Live (every hub subscription confirmed, counts read) when it resolves. */
  static async open(
    deps: { hub: Hub; readStates: ReadStateReader; memberRooms: MemberRoomsReader },
    userId: string,
    signal: AbortSignal | undefined,
    options: { limit: number },
  ): Promise<InboxStream> {
    const stream = new InboxStream(deps.hub, userId, deps.readStates, signal, options.limit);
    try {
      stream.userUnsubscribe = await deps.hub.subscribe(topics.user(userId), (event) => stream.queue.push({ kind: "inbox", event }));
      const roomIds = await deps.memberRooms(userId);
      await Promise.all(roomIds.map((roomId) => stream.follow(roomId)));
      await stream.snapshot(roomIds);
    } catch (error) {
      stream.release();
      throw error;
    }
    return stream;
  }

  /** The production readers. */
  static readers(db: Database): { readStates: ReadStateReader; memberRooms: MemberRoomsReader } {
    return {
      readStates: (roomIds, userId) => reading.readStates(db, roomIds, userId),
      memberRooms: (userId) => reading.memberRoomIds(db, userId),
    };
  }

  close(): void {
    this.release();
  }

  /** Rooms followed (for tests). */
  get roomCount(): number {
    return this.roomSubscriptions.size;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<InboxEvent> {
    try {
      for (;;) {
        const batch = await this.queue.take();
        if (!batch) return;
        const out: InboxEvent[] = [];
        const dirty = new Set<string>();
        // The reader fell behind and events were dropped: count everything again.
        if (batch.overflowed) {
          const roomIds = [...this.roomSubscriptions.keys()];
          await this.snapshot(roomIds);
          for (const roomId of roomIds) dirty.add(roomId);
        }
        for (const input of batch.items) await this.apply(input, out, dirty);
        for (const roomId of dirty) {
          const state = this.rooms.get(roomId);
          if (state) out.push({ type: "room.unread", roomId, ...readStateOf(state) });
        }
        yield* out;
      }
    } finally {
      this.release();
    }
  }

  private async apply(input: Input, out: InboxEvent[], dirty: Set<string>): Promise<void> {
    if (input.kind === "inbox") {
      const event = input.event;
      switch (event.type) {
        case "room.added":
          if (!this.roomSubscriptions.has(event.room.id)) {
            await this.follow(event.room.id);
            await this.snapshot([event.room.id]);
          }
          out.push(event);
          return;
        case "room.removed":
          this.unfollow(event.roomId);
          dirty.delete(event.roomId);
          out.push(event);
          return;
        case "room.unread": {
          // A read position moved (room.markRead, in any tab): told again with our own counts.
          if (event.lastReadEventId !== null) await this.advanceRead(event.roomId, BigInt(event.lastReadEventId));
          if (this.rooms.has(event.roomId)) dirty.add(event.roomId);
          return;
        }
        case "mention":
          out.push(event);
          return;
      }
    }
    const { roomId, seq, event } = input.stored;
    const state = this.rooms.get(roomId);
    if (!state || seq <= state.trackFrom) return;
    switch (event.type) {
      case "message.created": {
        const message = event.message;
        state.lastMessageAt = message.createdAt;
        dirty.add(roomId);
        if (message.author.id === this.userId) {
          await this.advanceRead(roomId, seq); // sending moves the read position to the message
        } else if (seq > state.readSeq) {
          const mention = message.mentions.some((user) => user.id === this.userId);
          state.tracked.set(message.id, { seq, mention });
          if (mention) out.push({ type: "mention", roomId, message });
        }
        return;
      }
      case "message.updated": {
        const tracked = state.tracked.get(event.message.id);
        const mention = event.message.mentions.some((user) => user.id === this.userId);
        if (tracked && tracked.mention !== mention) {
          tracked.mention = mention;
          dirty.add(roomId);
        }
        return;
      }
      case "message.deleted":
        // Whether it was unread, and which message is now the newest, the database knows.
        await this.snapshot([roomId]);
        dirty.add(roomId);
        return;
      case "member.left":
        if (event.user.id === this.userId) {
          this.unfollow(roomId);
          dirty.delete(roomId);
        }
        return;
      default:
        return;
    }
  }

  private async advanceRead(roomId: string, seq: bigint): Promise<void> {
    const state = this.rooms.get(roomId);
    if (!state || seq <= state.readSeq) return;
    state.readSeq = seq;
    for (const [id, tracked] of state.tracked) if (tracked.seq <= seq) state.tracked.delete(id);
    if (seq >= state.trackFrom) state.base = { unread: 0, mentions: 0 };
    else await this.snapshot([roomId]); // part of what the database counted is read now
  }

  private async follow(roomId: string): Promise<void> {
    if (this.roomSubscriptions.has(roomId)) return;
    const unsubscribe = await this.hub.subscribe(topics.roomEvents(roomId), (stored) => this.queue.push({ kind: "room", stored }));
    if (this.abort.signal.aborted) return unsubscribe();
    this.roomSubscriptions.set(roomId, unsubscribe);
  }

  private unfollow(roomId: string): void {
    this.roomSubscriptions.get(roomId)?.();
    this.roomSubscriptions.delete(roomId);
    this.rooms.delete(roomId);
  }

  /**
   * Reads the rooms' counts from the database. Every event committed before the read is in
   * them; later ones (seq > head) are counted as they arrive, and earlier ones still queued are
   * skipped. A room the user is no longer in reads as not-reading and is dropped.
   */
  private async snapshot(roomIds: string[]): Promise<void> {
    if (roomIds.length === 0) return;
    const states = await this.readStates(roomIds, this.userId);
    for (const roomId of roomIds) {
      const state = states.get(roomId);
      if (!state?.member) {
        this.unfollow(roomId); // not a member any more (the room.removed is on its way)
        continue;
      }
      this.rooms.set(roomId, {
        readSeq: state.lastReadEventId === null ? 0n : BigInt(state.lastReadEventId),
        trackFrom: state.head,
        base: { unread: state.unreadCount, mentions: state.mentionCount },
        tracked: new Map(),
        lastMessageAt: state.lastMessageAt,
      });
    }
  }
}

function readStateOf(state: RoomReading): ReadState {
  let mentions = state.base.mentions;
  for (const tracked of state.tracked.values()) if (tracked.mention) mentions++;
  return {
    unreadCount: state.base.unread + state.tracked.size,
    mentionCount: mentions,
    lastReadEventId: state.readSeq > 0n ? String(state.readSeq) : null,
    lastMessageAt: state.lastMessageAt,
  };
}
