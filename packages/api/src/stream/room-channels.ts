import type { RoomEvent } from "@parley/contract";
import { events, type Database, type StoredRoomEvent } from "@parley/db";
import type { Hub, Unsubscribe } from "../hub/hub";
import { topics } from "../hub/topics";
import { Semaphore } from "../lib/semaphore";
import { silentLogger, type Logger } from "../log";
import { noopMetrics, type ApiMetrics, type Count, type Timing } from "../metrics";
import { eventFrame, type EventFrame } from "./direct-stream";

/** Reads a room's log after `afterSeq` (up to `untilSeq`), oldest first. */
export type LogReader = (roomId: string, afterSeq: bigint, options: { untilSeq?: bigint; limit: number }) => Promise<StoredRoomEvent[]>;

/** The sequence number of the room's newest event (0 when there is none). */
export type HeadReader = (roomId: string) => Promise<bigint>;

export type RoomFrame = EventFrame<RoomEvent> & { readonly seq: bigint };

/** Something that takes a room's events in order once it is live (a room.events subscription). */
export interface RoomListener {
  receive(frame: RoomFrame): void;
}

export type RoomChannelOptions = {
  /** How long an out-of-order event waits for the ones before it before they are read from the log. */
  gapWaitMs: number;
  /** Recent events kept per room, so a subscriber that catches up can join without a query. */
  recentEvents: number;
  /** Page size of log reads. */
  pageSize: number;
  /** Replay pages read and sent at once on this server. */
  replayReads: number;
};

const DEFAULTS: RoomChannelOptions = { gapWaitMs: 25, recentEvents: 256, pageSize: 500, replayReads: 2 };

/**
 * One ordered stream per room that has subscribers on this server. It listens to the hub once,
 * puts events in sequence order, reads a gap from the log once for the whole room (after waiting
 * `gapWaitMs` for the event in flight), serialises each event once, and hands the same frame to
 * every live subscriber. Subscribers read the log only for their own replay.
 */
export class RoomChannels {
  private readonly channels = new Map<string, RoomChannel>();
  private readonly options: RoomChannelOptions;
  private readonly replayGate: Semaphore;
  private readonly readLog: LogReader;
  private readonly readHead: HeadReader;
  private readonly observe: ChannelObservers;

  constructor(
    private readonly hub: Hub,
    db: Database,
    options: Partial<RoomChannelOptions> & { readLog?: LogReader; readHead?: HeadReader; metrics?: ApiMetrics; log?: Logger } = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    const metrics = options.metrics ?? noopMetrics;
    this.observe = {
      enabled: metrics.enabled,
      deliveries: metrics.deliveries("room.events"),
      sendToDeliver: metrics.sendToDeliver,
      replayPages: metrics.replayPages,
      log: options.log ?? silentLogger,
    };
    this.replayGate = new Semaphore(this.options.replayReads);
    this.readLog = options.readLog ?? ((roomId, afterSeq, o) => events.listEventsAfter(db, roomId, afterSeq, o));
    this.readHead = options.readHead ?? (async (roomId) => (await events.getLastEventSeq(db, roomId)) ?? 0n);
    // Events published while the hub had lost its broker never arrive: each room catches up.
    hub.onResume?.(() => {
      for (const channel of this.channels.values()) channel.catchUp();
    });
  }

  /** How many recent events each room keeps in memory. */
  get recentEvents(): number {
    return this.options.recentEvents;
  }

  get pageSize(): number {
    return this.options.pageSize;
  }

  /**
   * One step of a subscriber's replay: reads a page of the log after `afterSeq` and hands it to
   * `send`. At most `replayReads` steps run at once on this server (reading and sending), so
   * replays queue behind each other instead of taking every database connection, or the event
   * loop, from live traffic.
   */
  replayPage(roomId: string, afterSeq: bigint, send: (page: StoredRoomEvent[]) => Promise<void>): Promise<number> {
    return this.replayGate.run(async () => {
      const page = await this.readLog(roomId, afterSeq, { limit: this.options.pageSize });
      this.observe.replayPages.inc();
      await send(page);
      return page.length;
    });
  }

  /**
   * The room's channel, live (its hub subscription confirmed and its position read) when this
   * resolves. Every acquire needs one `release`.
   */
  async acquire(roomId: string): Promise<RoomChannel> {
    let channel = this.channels.get(roomId);
    if (!channel) {
      channel = new RoomChannel(roomId, this.hub, this.readLog, this.readHead, this.options, this.observe, () =>
        this.channels.delete(roomId),
      );
      this.channels.set(roomId, channel);
    }
    channel.refs += 1;
    try {
      await channel.ready;
    } catch (error) {
      channel.release();
      throw error;
    }
    return channel;
  }

  /** Rooms with a channel on this server (for tests and metrics). */
  get size(): number {
    return this.channels.size;
  }
}

/** What a channel reports to (metrics bound once per server, and the logger). */
type ChannelObservers = { enabled: boolean; deliveries: Count; sendToDeliver: Timing; replayPages: Count; log: Logger };

export class RoomChannel {
  refs = 0;
  readonly ready: Promise<void>;
  /** Live subscribers: each gets every event after `position` in order. */
  private readonly listeners = new Set<RoomListener>();
  /** The newest event delivered in order; null until the channel is live. */
  private head: bigint | null = null;
  /** Events that arrived ahead of a gap, by sequence number. */
  private readonly pending = new Map<bigint, StoredRoomEvent>();
  /** The last `recentEvents` delivered frames, oldest first: together with `recentFrom` a window of the log. */
  private recent: RoomFrame[] = [];
  /** Every delivered event after this one is in `recent` (or was purged from the log). */
  private recentFrom = 0n;
  private gapTimer: NodeJS.Timeout | null = null;
  private filling = false;
  /** The room's head as last read from the database, when it is ahead of `head` (after the hub lost its broker). */
  private caughtUpTo = 0n;
  private unsubscribe: Unsubscribe | null = null;
  private closed = false;

  constructor(
    readonly roomId: string,
    hub: Hub,
    private readonly readLog: LogReader,
    private readonly readHead: HeadReader,
    private readonly options: RoomChannelOptions,
    private readonly observe: ChannelObservers,
    private readonly onClose: () => void,
  ) {
    // Subscribe first, read the head after: every event committed after the head then reaches
    // the hub listener, and anything that arrived before the head was read is dropped.
    this.ready = (async () => {
      this.unsubscribe = await hub.subscribe(topics.roomEvents(roomId), (event) => this.arrive(event));
      if (this.closed) return this.unsubscribe();
      const head = await this.readHead(roomId);
      this.head = head;
      this.recentFrom = head;
      this.drain();
    })();
    this.ready.catch(() => {}); // acquire() reports it
  }

  /** The newest event this channel has delivered in order. */
  get position(): bigint {
    return this.head ?? 0n;
  }

  /**
   * The frames after `seq` up to the position, if the recent window still covers them (else
   * null: read the log). Purged events (of deleted or edited messages) are not among them.
   */
  framesAfter(seq: bigint): RoomFrame[] | null {
    if (seq < this.recentFrom) return null;
    const frames = this.recent;
    let i = frames.length;
    while (i > 0 && (frames[i - 1] as RoomFrame).seq > seq) i--;
    return frames.slice(i);
  }

  /** Adds a live listener. The caller must have delivered everything up to `position` itself. */
  listen(listener: RoomListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  release(): void {
    this.refs -= 1;
    if (this.refs > 0 || this.closed) return;
    this.closed = true;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.unsubscribe?.();
    this.onClose();
  }

  /**
   * After the hub reconnected to its broker: events published while it was away never reached
   * this channel, and no later event may come to reveal the gap, so read the room's head and
   * fill up to it from the log.
   */
  catchUp(): void {
    if (this.head === null || this.closed) return;
    this.readHead(this.roomId).then(
      (head) => {
        if (this.closed || this.head === null || head <= this.head) return;
        if (head > this.caughtUpTo) this.caughtUpTo = head;
        this.scheduleGapFill();
      },
      (error: unknown) => this.observe.log.error({ err: error, roomId: this.roomId }, "reading a room's head to catch up failed"),
    );
  }

  private arrive(stored: StoredRoomEvent): void {
    if (this.head === null) {
      this.pending.set(stored.seq, stored);
      return;
    }
    if (stored.seq <= this.head) return;
    if (stored.seq === this.head + 1n) {
      this.deliver(stored);
      this.drain();
      return;
    }
    this.pending.set(stored.seq, stored);
    this.scheduleGapFill();
  }

  /** Delivers whatever pending events now follow the head. */
  private drain(): void {
    if (this.head === null) return;
    for (const seq of this.pending.keys()) if (seq <= this.head) this.pending.delete(seq);
    let next = this.pending.get(this.head + 1n);
    while (next) {
      this.pending.delete(next.seq);
      this.deliver(next);
      next = this.pending.get(this.head + 1n);
    }
    if (!this.behind() && this.gapTimer) {
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
    }
    // Events still waiting behind a gap (some may have arrived before the head was read): the
    // gap is read from the log unless the missing event turns up first.
    if (this.behind()) this.scheduleGapFill();
  }

  private deliver(stored: StoredRoomEvent): void {
    const frame: RoomFrame = { ...eventFrame(String(stored.seq), stored.event), seq: stored.seq };
    this.head = stored.seq;
    this.remember(frame);
    for (const listener of this.listeners) {
      try {
        listener.receive(frame);
      } catch (error) {
        this.observe.log.error({ err: error, roomId: this.roomId }, "room channel listener failed");
      }
    }
    // Metrics: one increment per event for all its subscribers, one timing per new message.
    if (this.observe.enabled) {
      this.observe.deliveries.inc(this.listeners.size);
      const event = stored.event;
      if (event.type === "message.created") {
        const createdAt = Date.parse(event.message.createdAt);
        if (createdAt > 0) this.observe.sendToDeliver.observe(Math.max(0, Date.now() - createdAt) / 1000);
      }
    }
  }

  private remember(frame: RoomFrame): void {
    const event = frame.event;
    // An edit or delete purges the message's earlier events from the log; purge them here too,
    // so a subscriber catching up from memory never sees text the log no longer has.
    if (event.type === "message.updated" || event.type === "message.deleted") {
      const messageId = event.type === "message.updated" ? event.message.id : event.messageId;
      this.recent = this.recent.filter((f) => !mentionsMessage(f.event, messageId));
    }
    this.recent.push(frame);
    if (this.recent.length > this.options.recentEvents) {
      const dropped = this.recent.shift() as RoomFrame;
      this.recentFrom = dropped.seq;
    }
  }

  private scheduleGapFill(): void {
    if (this.gapTimer || this.filling || this.closed) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      void this.fillGap();
    }, this.options.gapWaitMs);
  }

  /**
   * Reads the missing events from the log, once for the whole room. Sequence numbers follow
   * commit order, so when event n has arrived, everything before n is committed: the log is
   * complete up to there (a hole in it is an event purged since).
   */
  private async fillGap(): Promise<void> {
    if (this.head === null || !this.behind() || this.closed) return;
    this.filling = true;
    try {
      let until = this.caughtUpTo > this.head ? this.caughtUpTo : this.head;
      for (const seq of this.pending.keys()) if (seq > until) until = seq;
      let from = this.head;
      for (;;) {
        const page = await this.readLog(this.roomId, from, { untilSeq: until, limit: this.options.pageSize });
        for (const stored of page) if (stored.seq > this.head) this.deliver(stored);
        const tail = page.at(-1);
        if (page.length < this.options.pageSize || !tail) break;
        from = tail.seq;
      }
      if (until > this.head) this.head = until;
      this.drain();
    } catch (error) {
      this.observe.log.error({ err: error, roomId: this.roomId }, "reading a gap in a room's log failed");
    } finally {
      this.filling = false;
      if (this.behind()) this.scheduleGapFill();
    }
  }

  /** Events wait behind a gap, or the log is known to be ahead of what was delivered. */
  private behind(): boolean {
    return this.pending.size > 0 || (this.head !== null && this.caughtUpTo > this.head);
  }
}

function mentionsMessage(event: RoomEvent, messageId: string): boolean {
  if (event.type === "reactions.changed") return event.messageId === messageId;
  return (event.type === "message.created" || event.type === "message.updated") && event.message.id === messageId;
}
