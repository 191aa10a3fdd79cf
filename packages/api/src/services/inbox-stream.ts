import type { InboxEvent, Message } from "@parley/contract";
import { reading, type Database } from "@parley/db";
import type { Hub, Unsubscribe } from "../hub/hub";
import { topics } from "../hub/topics";
import { SubscriptionQueue } from "../lib/queue";
import type { MessagePlaceReader, RoomTallies, RoomTally, TallyMember } from "./room-tally";
import { followAbort, releaseOnce } from "./stream-lifecycle";

/** Reads where the user stands in rooms, from the database (reading.readStates in production). */
export type ReadStateReader = (roomIds: string[], userId: string) => Promise<Map<string, reading.ReadingOf>>;
/** Lists the ids of the rooms the user is a member of. */
export type MemberRoomsReader = (userId: string) => Promise<string[]>;

/**
 * One room as the stream follows it. The database answered up to event `trackFrom`: `base` holds
 * the unread messages (and mentions) between the read position and there. Later messages are
 * counted from the room's tally, which every stream on this server shares.
 */
type RoomReading = {
  readSeq: bigint;
  trackFrom: bigint;
  base: { unread: number; mentions: number };
  lastMessageAt: string | null;
  /** The counts the client has (last sent, or read with the room), to send only changes. */
  sent: { unread: number; mentions: number } | null;
  /** Send the next counts even if they did not change (a read position moved, say). */
  force: boolean;
  /** The database is being asked: counts wait for its answer. */
  pending: boolean;
  /** Ask again once the answer in flight is in (something changed while it was asked). */
  again: boolean;
};

const waiting = (): RoomReading => ({
  readSeq: 0n,
  trackFrom: 0n,
  base: { unread: 0, mentions: 0 },
  lastMessageAt: null,
  sent: null,
  force: false,
  pending: true,
  again: false,
});

/**
 * `me.events`: the user's own news from the hub (rooms added and removed, read positions moved
 * in another tab), plus `room.unread` and `mention`, which no one publishes per member. A
 * message to a room of a thousand members is one hub message, as for room.events, and the
 * room's tally (room-tally.ts, one per room per server) remembers it once for every member's
 * stream. At most every `unreadIntervalMs` (the first change after a quiet spell at once) the
 * tally asks each stream to count; a stream sends `room.unread` when its counts changed. So a
 * member of a room that takes 50 messages a second gets one `room.unread` a second, with the
 * latest counts. `mention` is never held back.
 *
 * Counts start from the database (one query for every room) and go back to it only when the
 * tally cannot tell: a deleted message the tally does not remember or that the database had
 * counted, a read position before what the stream counted itself, a room just added. Those
 * queries run one at a time per stream; the room's counts wait meanwhile. If the database
 * fails, the stream ends: the client re-reads room.list when it subscribes again.
 */
export class InboxStream implements AsyncIterable<InboxEvent>, TallyMember {
  private readonly rooms = new Map<string, RoomReading>();
  /** The tallies of the rooms followed. */
  private readonly tallies = new Map<string, RoomTally>();
  private readonly out: SubscriptionQueue<InboxEvent>;
  private readonly release: () => void;
  private readonly abort: AbortController;
  private userUnsubscribe: Unsubscribe | null = null;
  /** Database reads, one after the other. */
  private reads: Promise<void> = Promise.resolve();
  /** Released: whatever a pending subscribe or join resolves to is let go at once. */
  private closed = false;

  private constructor(
    private readonly roomTallies: RoomTallies,
    readonly userId: string,
    private readonly readStates: ReadStateReader,
    signal: AbortSignal | undefined,
    limit: number,
  ) {
    this.abort = followAbort(signal);
    this.out = new SubscriptionQueue<InboxEvent>(this.abort.signal, limit);
    this.release = releaseOnce(this.abort.signal, () => {
      this.closed = true;
      this.userUnsubscribe?.();
      for (const tally of this.tallies.values()) tally.remove(this);
      this.tallies.clear();
      this.out.dispose();
    });
  }

  /** Live (every hub subscription confirmed, counts read) when it resolves. */
  static async open(
    deps: { hub: Hub; tallies: RoomTallies; readStates: ReadStateReader; memberRooms: MemberRoomsReader },
    userId: string,
    signal: AbortSignal | undefined,
    options: { limit: number },
  ): Promise<InboxStream> {
    const stream = new InboxStream(deps.tallies, userId, deps.readStates, signal, options.limit);
    try {
      const unsubscribe = await deps.hub.subscribe(topics.user(userId), (event) => stream.onNews(event));
      if (stream.closed) unsubscribe();
      else stream.userUnsubscribe = unsubscribe;
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
  static readers(db: Database): { readStates: ReadStateReader; memberRooms: MemberRoomsReader; messagePlaces: MessagePlaceReader } {
    return {
      readStates: (roomIds, userId) => reading.readStates(db, roomIds, userId),
      memberRooms: (userId) => reading.memberRoomIds(db, userId),
      messagePlaces: (messageId) => reading.messagePlace(db, messageId),
    };
  }

  close(): void {
    this.release();
  }

  /** Rooms followed (for tests). */
  get roomCount(): number {
    return this.tallies.size;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<InboxEvent> {
    try {
      for (;;) {
        const batch = await this.out.take();
        if (!batch) return;
        yield* batch.items;
        // The reader fell behind and events were dropped: send every room's counts again.
        if (batch.overflowed) for (const roomId of this.rooms.keys()) this.sendCounts(roomId, true);
      }
    } finally {
      this.release();
    }
  }

  // The room tallies' calls (TallyMember).

  recount(roomId: string): void {
    this.sendCounts(roomId, false);
  }

  mentioned(roomId: string, seq: bigint, message: Message): void {
    const state = this.rooms.get(roomId);
    if (state && (state.pending || seq > state.readSeq)) this.out.push({ type: "mention", roomId, message });
  }

  deleted(roomId: string, seq: bigint | null, newestAt?: string | null): void {
    const state = this.rooms.get(roomId);
    if (!state) return;
    if (seq !== null && !state.pending) {
      // One the tally still counts for us drops out of the count by itself.
      if (seq > state.trackFrom) return void (state.force = true);
      // One we had read changes nothing but, maybe, when the newest message was sent.
      if (seq <= state.readSeq && newestAt !== undefined) return moveLastMessageAt(state, newestAt);
    }
    // One the database counted as unread (or that the tally never saw) is counted again there.
    this.readLater(roomId);
  }

  deletedOlder(roomId: string, deleteSeq: bigint, seq: bigint, lastMessageAt: string | null): void {
    const state = this.rooms.get(roomId);
    if (!state) return;
    if (state.pending) return this.readLater(roomId); // asked again once the answer in flight is in
    if (state.trackFrom >= deleteSeq) return; // the database answered after the delete
    // Unread for us: only the database knows whether it mentioned us (its mention rows are gone).
    if (seq > state.readSeq) return this.readLater(roomId);
    moveLastMessageAt(state, lastMessageAt);
  }

  mentionsEdited(roomId: string, seq: bigint): void {
    const state = this.rooms.get(roomId);
    if (!state) return;
    if (state.pending) return this.readLater(roomId); // asked again once the answer in flight is in
    // After what the database counted, the tally counts it; read already, mentions don't count.
    if (seq > state.trackFrom || seq <= state.readSeq) return;
    this.readLater(roomId);
  }

  left(roomId: string, seq: bigint): void {
    const state = this.rooms.get(roomId);
    // A departure the database had already seen when it answered is old news (a rejoin followed).
    if (state && !state.pending && seq <= state.trackFrom) return;
    this.unfollow(roomId);
  }

  fold(roomId: string, cut: bigint): void {
    const state = this.rooms.get(roomId);
    const tally = this.tallies.get(roomId);
    if (!state || !tally || state.pending) return; // a read in flight checks what the tally forgot
    this.applyOwnMessages(roomId, state, tally);
    if (state.pending) return;
    const from = state.readSeq > state.trackFrom ? state.readSeq : state.trackFrom;
    if (from >= cut) return;
    state.base = {
      unread: state.base.unread + tally.countBetween(from, cut),
      mentions: state.base.mentions + tally.mentionsBetween(this.userId, from, cut),
    };
    state.lastMessageAt = tally.lastMessageAtAfter(state.trackFrom) ?? state.lastMessageAt;
    state.trackFrom = cut;
  }

  /** The user's own channel: passed on, and read positions applied. */
  private onNews(event: InboxEvent): void {
    switch (event.type) {
      case "room.added":
        if (!this.rooms.has(event.room.id)) {
          // The client has the counts the Room carries: anything the database adds is sent.
          this.rooms.set(event.room.id, { ...waiting(), sent: { unread: event.room.unreadCount, mentions: event.room.mentionCount } });
          // Its counts are in the Room that room.added carries: no room.unread for them.
          this.readLater(event.room.id, () => this.follow(event.room.id), false);
        }
        this.out.push(event);
        return;
      case "room.removed":
        this.unfollow(event.roomId);
        this.out.push(event);
        return;
      case "room.unread": {
        // A read position moved (room.markRead, in any tab): told again with our own counts.
        const state = this.rooms.get(event.roomId);
        if (!state) return;
        state.force = true;
        if (event.lastReadEventId !== null) this.advanceRead(event.roomId, state, BigInt(event.lastReadEventId));
        this.sendCounts(event.roomId, true);
        return;
      }
      case "mention":
        this.out.push(event);
        return;
    }
  }

  /** Sending moves the author's read position to the message: the tally knows their newest. */
  private applyOwnMessages(roomId: string, state: RoomReading, tally: RoomTally): void {
    const own = tally.lastMessageBy(this.userId);
    if (own !== undefined && own > state.readSeq) this.advanceRead(roomId, state, own);
  }

  private advanceRead(roomId: string, state: RoomReading, seq: bigint): void {
    if (seq <= state.readSeq) return;
    if (state.pending) {
      state.again = true; // the answer in flight may predate this read
      return;
    }
    state.readSeq = seq;
    if (seq >= state.trackFrom) state.base = { unread: 0, mentions: 0 };
    else this.readLater(roomId); // part of what only the database counted is read now
  }

  /** Sends the room's counts if they changed since the client last had them (or `force`). */
  private sendCounts(roomId: string, force: boolean): void {
    const state = this.rooms.get(roomId);
    const tally = this.tallies.get(roomId);
    if (!state) return;
    // While the database is asked, the answer's arrival sends the counts (see read).
    if (state.pending || !tally) {
      if (force) state.force = true;
      return;
    }
    this.applyOwnMessages(roomId, state, tally);
    if (state.pending) {
      state.force = true;
      return;
    }
    const from = state.readSeq > state.trackFrom ? state.readSeq : state.trackFrom;
    const unread = state.base.unread + tally.countBetween(from);
    const mentions = state.base.mentions + tally.mentionsBetween(this.userId, from);
    const sent = state.sent;
    if (!force && !state.force && sent && sent.unread === unread && sent.mentions === mentions) return;
    state.sent = { unread, mentions };
    state.force = false;
    this.out.push({
      type: "room.unread",
      roomId,
      unreadCount: unread,
      mentionCount: mentions,
      lastReadEventId: state.readSeq > 0n ? String(state.readSeq) : null,
      lastMessageAt: tally.lastMessageAtAfter(state.trackFrom) ?? state.lastMessageAt,
    });
  }

  private async follow(roomId: string): Promise<void> {
    if (this.tallies.has(roomId)) return;
    const tally = await this.roomTallies.join(roomId, this);
    if (this.closed || !this.rooms.has(roomId) || this.tallies.has(roomId)) {
      if (this.tallies.get(roomId) !== tally) tally.remove(this);
      return;
    }
    this.tallies.set(roomId, tally);
  }

  private unfollow(roomId: string): void {
    this.tallies.get(roomId)?.remove(this);
    this.tallies.delete(roomId);
    this.rooms.delete(roomId);
  }

  /**
   * Counts the room again from the database, after the reads already queued (and after
   * `before`, e.g. joining the room's tally). Its counts wait meanwhile.
   */
  private readLater(roomId: string, before?: () => Promise<void>, announce = true): void {
    const state = this.rooms.get(roomId);
    if (!state) return;
    if (state.pending && !before) {
      state.again = true;
      return;
    }
    state.pending = true;
    if (announce) state.force = true;
    this.reads = this.reads
      .then(async () => {
        await before?.();
        // A room removed and added again meanwhile has a new state with its own read queued.
        if (this.rooms.get(roomId) === state) await this.read([roomId]);
      })
      .catch(() => this.out.end()); // the database failed: end, and let the client start over
  }

  /**
   * Reads the rooms' counts. Every event committed before the read is in them; the tally counts
   * the later ones (those the answer includes are skipped by event id). A room the user is no
   * longer in is dropped (its room.removed is on its way).
   */
  private async read(roomIds: string[]): Promise<void> {
    const states = await this.readStates(roomIds, this.userId);
    for (const roomId of roomIds) {
      const state = this.rooms.get(roomId);
      if (!state) continue;
      const answer = states.get(roomId);
      if (!answer?.member) {
        this.unfollow(roomId);
        continue;
      }
      const again = state.again || answer.head < (this.tallies.get(roomId)?.forgottenUpTo ?? 0n);
      Object.assign(state, {
        readSeq: answer.lastReadEventId === null ? 0n : BigInt(answer.lastReadEventId),
        trackFrom: answer.head,
        base: { unread: answer.unreadCount, mentions: answer.mentionCount },
        lastMessageAt: answer.lastMessageAt,
        // What the client has when nothing is announced: the counts it read with the room.
        sent: state.sent ?? { unread: answer.unreadCount, mentions: answer.mentionCount },
        pending: false,
        again: false,
      } satisfies Omit<RoomReading, "force">);
      if (again) this.readLater(roomId);
      else this.sendCounts(roomId, false); // only what differs from what the client has (or forced)
    }
  }
}

/** A delete moved when the room's newest message was sent: told at the next count, if it changed. */
function moveLastMessageAt(state: RoomReading, at: string | null): void {
  if (state.lastMessageAt === at) return;
  state.lastMessageAt = at;
  state.force = true;
}
