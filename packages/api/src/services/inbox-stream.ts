import type { InboxEvent, ReadState } from "@parley/contract";
import { reading, type Database, type StoredRoomEvent } from "@parley/db";
import type { Hub, Unsubscribe } from "../hub/hub";
import { topics } from "../hub/topics";
import { SubscriptionQueue } from "../lib/queue";
import { followAbort, releaseOnce } from "./stream-lifecycle";

/** Reads where the user stands in rooms, from the database (reading.readStates in production). */
export type ReadStateReader = (roomIds: string[], userId: string) => Promise<Map<string, reading.ReadingOf>>;
/** Lists the ids of the rooms the user is a member of. */
export type MemberRoomsReader = (userId: string) => Promise<string[]>;

/** Unread messages a stream remembers one by one per room; older ones are folded into a count. */
const TRACKED_PER_ROOM = 100;

/**
 * One room as the stream follows it. The database answered up to event `trackFrom`: `base`
 * holds the unread messages (and mentions) between the read position and there. Later messages
 * by others are remembered here by id as their events arrive (the newest TRACKED_PER_ROOM; older
 * ones move into `base`, and `trackFrom` with them), so a read position among them needs no query.
 */
type RoomReading = {
  readSeq: bigint;
  trackFrom: bigint;
  base: { unread: number; mentions: number };
  tracked: Map<string, { seq: bigint; mention: boolean }>;
  lastMessageAt: string | null;
  /** Non-null while the database is being asked: the room's events that arrive meanwhile. */
  pending: StoredRoomEvent[] | null;
  /** Ask again once the answer in flight is in (something changed while it was asked). */
  again: boolean;
};

const waiting = (): RoomReading => ({
  readSeq: 0n,
  trackFrom: 0n,
  base: { unread: 0, mentions: 0 },
  tracked: new Map(),
  lastMessageAt: null,
  pending: [],
  again: false,
});

/**
 * `me.events`: the user's own news from the hub (rooms added and removed, read positions moved
 * in another tab), plus `room.unread` and `mention`, which no one publishes per member: each
 * stream follows the events of its user's rooms and keeps that user's counts itself. A message
 * to a room of a thousand members is one hub message, as for room.events; each member's stream
 * counts it in its hub listener (a few map operations, no promise, no frame) and sends the room's
 * counts at most every `unreadIntervalMs` (the first change after a quiet spell at once, later
 * ones together at the end of the interval), so a member of a room that takes 50 messages a
 * second gets a few `room.unread` a second, each with the latest counts. `mention` is never
 * held back.
 *
 * Counts start from the database (one query for every room) and go back to it only when an
 * event cannot be counted locally: a deleted message, a read position before what the stream
 * remembers, a room just added. Those queries run one at a time per stream; the room's events
 * that arrive meanwhile wait and are counted after the answer. If the database fails, the
 * stream ends: the client re-reads room.list when it subscribes again.
 */
export class InboxStream implements AsyncIterable<InboxEvent> {
  private readonly rooms = new Map<string, RoomReading>();
  private readonly roomSubscriptions = new Map<string, Unsubscribe>();
  private readonly out: SubscriptionQueue<InboxEvent>;
  private readonly release: () => void;
  private readonly abort: AbortController;
  private userUnsubscribe: Unsubscribe | null = null;
  /** Rooms whose counts changed since they were last sent. */
  private readonly dirty = new Set<string>();
  private lastFlush = -Infinity;
  private flushTimer: NodeJS.Timeout | null = null;
  /** Database reads, one after the other. */
  private reads: Promise<void> = Promise.resolve();

  private constructor(
    private readonly hub: Hub,
    private readonly userId: string,
    private readonly readStates: ReadStateReader,
    signal: AbortSignal | undefined,
    limit: number,
    private readonly unreadIntervalMs: number,
  ) {
    this.abort = followAbort(signal);
    this.out = new SubscriptionQueue<InboxEvent>(this.abort.signal, limit);
    this.release = releaseOnce(this.abort.signal, () => {
      if (this.flushTimer) clearTimeout(this.flushTimer);
      this.userUnsubscribe?.();
      for (const unsubscribe of this.roomSubscriptions.values()) unsubscribe();
      this.roomSubscriptions.clear();
      this.out.dispose();
    });
  }

  /** Live (every hub subscription confirmed, counts read) when it resolves. */
  static async open(
    deps: { hub: Hub; readStates: ReadStateReader; memberRooms: MemberRoomsReader },
    userId: string,
    signal: AbortSignal | undefined,
    options: { limit: number; unreadIntervalMs: number },
  ): Promise<InboxStream> {
    const stream = new InboxStream(deps.hub, userId, deps.readStates, signal, options.limit, options.unreadIntervalMs);
    try {
      stream.userUnsubscribe = await deps.hub.subscribe(topics.user(userId), (event) => stream.onNews(event));
      const roomIds = await deps.memberRooms(userId);
      for (const roomId of roomIds) stream.rooms.set(roomId, waiting());
      await Promise.all(roomIds.map((roomId) => stream.follow(roomId)));
      await stream.read(roomIds);
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
        const batch = await this.out.take();
        if (!batch) return;
        yield* batch.items;
        // The reader fell behind and events were dropped: send every room's counts again.
        if (batch.overflowed) for (const roomId of this.rooms.keys()) this.markDirty(roomId);
      }
    } finally {
      this.release();
    }
  }

  /** The user's own channel: passed on, and read positions applied. */
  private onNews(event: InboxEvent): void {
    switch (event.type) {
      case "room.added":
        if (!this.rooms.has(event.room.id)) {
          this.rooms.set(event.room.id, waiting());
          // Its counts are in the Room that room.added carries: no room.unread for them.
          this.readLater(event.room.id, () => this.follow(event.room.id), false);
        }
        this.out.push(event);
        return;
      case "room.removed":
        this.unfollow(event.roomId);
        this.out.push(event);
        return;
      case "room.unread":
        // A read position moved (room.markRead, in any tab): told again with our own counts.
        if (event.lastReadEventId !== null) this.advanceRead(event.roomId, BigInt(event.lastReadEventId));
        this.markDirty(event.roomId);
        return;
      case "mention":
        this.out.push(event);
        return;
    }
  }

  /** A room's hub channel: counted now, or kept until the database has answered. */
  private onRoomEvent(stored: StoredRoomEvent): void {
    const state = this.rooms.get(stored.roomId);
    if (!state) return;
    if (state.pending) state.pending.push(stored);
    else this.count(stored.roomId, state, stored);
  }

  private count(roomId: string, state: RoomReading, { seq, event }: StoredRoomEvent): void {
    if (seq <= state.trackFrom) return; // in the database's answer already
    switch (event.type) {
      case "message.created": {
        const message = event.message;
        state.lastMessageAt = message.createdAt;
        if (message.author.id === this.userId) {
          // Sending moves the read position to the message. The author is told only when that
          // cleared something (their other tabs still showed it unread): their own message is
          // no news to them.
          const before = state.base.unread + state.tracked.size;
          this.advanceRead(roomId, seq);
          if (before > 0) this.markDirty(roomId);
        } else if (seq > state.readSeq) {
          const mention = message.mentions.some((user) => user.id === this.userId);
          state.tracked.set(message.id, { seq, mention });
          if (state.tracked.size > TRACKED_PER_ROOM) fold(state);
          if (mention) this.out.push({ type: "mention", roomId, message });
          this.markDirty(roomId);
        }
        return;
      }
      case "message.updated": {
        const tracked = state.tracked.get(event.message.id);
        const mention = event.message.mentions.some((user) => user.id === this.userId);
        if (tracked && tracked.mention !== mention) {
          tracked.mention = mention;
          this.markDirty(roomId);
        }
        return;
      }
      case "message.deleted":
        // Whether it was unread, and which message is now the newest, the database knows.
        this.readLater(roomId);
        return;
      case "member.left":
        if (event.user.id === this.userId) this.unfollow(roomId);
        return;
      case "member.joined":
      case "member.role":
      case "room.updated":
      case "reactions.changed":
        return; // nothing to count
    }
  }

  private advanceRead(roomId: string, seq: bigint): void {
    const state = this.rooms.get(roomId);
    if (!state || seq <= state.readSeq) return;
    if (state.pending) {
      state.again = true; // the answer in flight may predate this read
      return;
    }
    state.readSeq = seq;
    for (const [id, tracked] of state.tracked) if (tracked.seq <= seq) state.tracked.delete(id);
    if (seq >= state.trackFrom) state.base = { unread: 0, mentions: 0 };
    else this.readLater(roomId); // part of what only the database counted is read now
  }

  private markDirty(roomId: string): void {
    if (!this.rooms.has(roomId)) return;
    this.dirty.add(roomId);
    if (this.flushTimer) return;
    const wait = this.lastFlush + this.unreadIntervalMs - performance.now();
    if (wait <= 0) this.flush();
    else this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  /** Sends the counts of every room that changed (a room still waiting for the database goes later). */
  private flush(): void {
    this.flushTimer = null;
    this.lastFlush = performance.now();
    for (const roomId of this.dirty) {
      const state = this.rooms.get(roomId);
      if (state?.pending) continue;
      this.dirty.delete(roomId);
      if (state) this.out.push({ type: "room.unread", roomId, ...readStateOf(state) });
    }
  }

  private async follow(roomId: string): Promise<void> {
    if (this.roomSubscriptions.has(roomId)) return;
    const unsubscribe = await this.hub.subscribe(topics.roomEvents(roomId), (stored) => this.onRoomEvent(stored));
    if (this.abort.signal.aborted || !this.rooms.has(roomId)) return unsubscribe();
    this.roomSubscriptions.set(roomId, unsubscribe);
  }

  private unfollow(roomId: string): void {
    this.roomSubscriptions.get(roomId)?.();
    this.roomSubscriptions.delete(roomId);
    this.rooms.delete(roomId);
    this.dirty.delete(roomId);
  }

  /**
   * Counts the room again from the database, after the reads already queued (and after
   * `before`, e.g. subscribing to the room's channel). Its events wait meanwhile.
   */
  private readLater(roomId: string, before?: () => Promise<void>, announce = true): void {
    const state = this.rooms.get(roomId);
    if (!state) return;
    if (state.pending && !before) {
      state.again = true;
      return;
    }
    state.pending ??= [];
    this.reads = this.reads
      .then(async () => {
        await before?.();
        await this.read([roomId], announce);
      })
      .catch(() => this.out.end()); // the database failed: end, and let the client start over
  }

  /**
   * Reads the rooms' counts. Every event committed before the read is in them; the events that
   * waited meanwhile are counted on top (those the answer includes are skipped by sequence
   * number). A room the user is no longer in is dropped (its room.removed is on its way).
   * `announce`: send the counts read (not when the client has them: at the start, on room.added).
   */
  private async read(roomIds: string[], announce = false): Promise<void> {
    const states = await this.readStates(roomIds, this.userId);
    for (const roomId of roomIds) {
      const state = this.rooms.get(roomId);
      if (!state) continue;
      const answer = states.get(roomId);
      if (!answer?.member) {
        this.unfollow(roomId);
        continue;
      }
      const waited = state.pending ?? [];
      const again = state.again;
      Object.assign(state, {
        readSeq: answer.lastReadEventId === null ? 0n : BigInt(answer.lastReadEventId),
        trackFrom: answer.head,
        base: { unread: answer.unreadCount, mentions: answer.mentionCount },
        tracked: new Map(),
        lastMessageAt: answer.lastMessageAt,
        pending: null,
        again: false,
      } satisfies RoomReading);
      for (const stored of waited) this.count(roomId, state, stored);
      if (announce || this.dirty.has(roomId)) this.markDirty(roomId);
      if (again) this.readLater(roomId);
    }
  }
}

/** Moves the oldest remembered messages into the counted base. */
function fold(state: RoomReading): void {
  let until = state.trackFrom;
  let n = 0;
  for (const tracked of state.tracked.values()) {
    if (n++ >= TRACKED_PER_ROOM / 2) break;
    if (tracked.seq > until) until = tracked.seq;
  }
  for (const [id, tracked] of state.tracked) {
    if (tracked.seq > until) continue;
    state.tracked.delete(id);
    state.base.unread += 1;
    if (tracked.mention) state.base.mentions += 1;
  }
  state.trackFrom = until;
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
