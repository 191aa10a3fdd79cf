import type { Message } from "@parley/contract";
import type { StoredRoomEvent } from "@parley/db";
import type { Hub, Unsubscribe } from "../hub/hub";
import { topics } from "../hub/topics";

/** Messages a tally remembers at most; past that it forgets the older half (its members count them in first). */
export const TALLY_LIMIT = 200;

/** Members a tally asks to count in one turn of the event loop. */
const RECOUNT_SLICE = 100;

/** Where a message stands in its room (reading.messagePlace in production); null if unknown. */
export type MessagePlaceReader = (messageId: string) => Promise<{ seq: bigint; lastMessageAt: string | null } | null>;

/** One message a tally remembers. */
type Entry = { seq: bigint; id: string; createdAt: string; mentions: readonly string[] };

/**
 * A `me.events` stream as a room's tally sees it. The tally calls it for the room's news; the
 * stream counts its own user's unread messages from the tally when asked to (`recount`).
 */
export interface TallyMember {
  readonly userId: string;
  /** The room's messages changed: count again. At most once an interval per room, for every member at once. */
  recount(roomId: string): void;
  /** `message` (event `seq`) mentions this member's user: told at once. */
  mentioned(roomId: string, seq: bigint, message: Message): void;
  /**
   * A message was deleted: `seq` when the tally knew it (its entry is gone now), else null;
   * `newestAt`, when the tally knows it, is when the room's newest live message was sent now.
   */
  deleted(roomId: string, seq: bigint | null, newestAt?: string | null): void;
  /**
   * A message older than what the tally remembers was deleted (event `deleteSeq`): it had event
   * id `seq`, and the room's newest live message is now from `lastMessageAt`.
   */
  deletedOlder(roomId: string, deleteSeq: bigint, seq: bigint, lastMessageAt: string | null): void;
  /** An edit changed (or may have changed) whom the message with event id `seq` mentions. */
  mentionsEdited(roomId: string, seq: bigint): void;
  /** The member's user left the room (or was removed), at event `seq`. */
  left(roomId: string, seq: bigint): void;
  /** The tally is about to forget its messages up to `cut`: count the unread among them in first. */
  fold(roomId: string, cut: bigint): void;
}

/**
 * What one server knows of a room's recent messages, shared by every `me.events` stream on the
 * server whose user is a member. One hub subscription per room (not one per stream), and the
 * work per message is the tally's alone: it remembers the message (its event id, and whom it
 * mentions) and, at most once an interval, asks every member to count again. A member counts
 * with two binary searches over the remembered ids, so a room of a thousand members that takes
 * fifty messages a second costs each member one count a second, not fifty.
 */
export class RoomTally {
  /** Remembered messages, oldest first (event ids ascending). */
  private entries: Entry[] = [];
  private readonly byId = new Map<string, Entry>();
  /** The remembered messages that mention someone, oldest first. */
  private mentioning: Entry[] = [];
  /** The newest message event id of each author (so a member's own message moves their read position). */
  private readonly lastByAuthor = new Map<string, bigint>();
  /** Messages with event ids up to here are forgotten. */
  private forgotten = 0n;
  private readonly members = new Set<TallyMember>();
  private readonly byUser = new Map<string, Set<TallyMember>>();
  private timer: NodeJS.Timeout | null = null;
  private lastTick = -Infinity;
  private unsubscribe: Unsubscribe | null = null;
  private released = false;
  /** Resolves once the tally's hub subscription is live. */
  readonly ready: Promise<void>;

  constructor(
    private readonly hub: Hub,
    readonly roomId: string,
    private readonly intervalMs: number,
    private readonly onEmpty: () => void,
    private readonly lookUpPlace: MessagePlaceReader | null = null,
  ) {
    this.ready = hub
      .subscribe(topics.roomEvents(roomId), (stored) => this.receive(stored))
      .then((unsubscribe) => {
        if (this.released) unsubscribe();
        else this.unsubscribe = unsubscribe;
      });
  }

  get memberCount(): number {
    return this.members.size;
  }

  add(member: TallyMember): void {
    this.members.add(member);
    let own = this.byUser.get(member.userId);
    if (!own) this.byUser.set(member.userId, (own = new Set()));
    own.add(member);
  }

  remove(member: TallyMember): void {
    if (!this.members.delete(member)) return;
    const own = this.byUser.get(member.userId);
    own?.delete(member);
    if (own?.size === 0) this.byUser.delete(member.userId);
    if (this.members.size > 0) return;
    this.released = true;
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe?.();
    this.onEmpty();
  }

  /** Event ids up to here are no longer remembered: a count that starts before them must ask the database. */
  get forgottenUpTo(): bigint {
    return this.forgotten;
  }

  /** The newest event id of a message by `userId`, if the tally saw one. */
  lastMessageBy(userId: string): bigint | undefined {
    return this.lastByAuthor.get(userId);
  }

  /** Remembered messages with event ids in (after, upTo]. */
  countBetween(after: bigint, upTo?: bigint): number {
    const end = upTo === undefined ? this.entries.length : firstAfter(this.entries, upTo);
    return Math.max(0, end - firstAfter(this.entries, after));
  }

  /** Remembered messages with event ids in (after, upTo] that mention `userId`. */
  mentionsBetween(userId: string, after: bigint, upTo?: bigint): number {
    let n = 0;
    for (let i = firstAfter(this.mentioning, after); i < this.mentioning.length; i++) {
      const entry = this.mentioning[i] as Entry;
      if (upTo !== undefined && entry.seq > upTo) break;
      if (entry.mentions.includes(userId)) n++;
    }
    return n;
  }

  /** When the newest remembered message after `after` was sent, if there is one. */
  lastMessageAtAfter(after: bigint): string | null {
    const last = this.entries.at(-1);
    return last && last.seq > after ? last.createdAt : null;
  }

  private receive({ seq, event }: StoredRoomEvent): void {
    switch (event.type) {
      case "message.created": {
        const message = event.message;
        if (this.byId.has(message.id) || seq <= this.forgotten) return;
        const entry: Entry = { seq, id: message.id, createdAt: message.createdAt, mentions: message.mentions.map((user) => user.id) };
        insert(this.entries, entry);
        this.byId.set(entry.id, entry);
        if (entry.mentions.length > 0) insert(this.mentioning, entry);
        const previous = this.lastByAuthor.get(message.author.id);
        if (previous === undefined || seq > previous) this.lastByAuthor.set(message.author.id, seq);
        if (this.entries.length > TALLY_LIMIT) this.forgetOlderHalf();
        for (const userId of entry.mentions) {
          if (userId === message.author.id) continue;
          for (const member of this.byUser.get(userId) ?? []) member.mentioned(this.roomId, seq, message);
        }
        this.touch();
        return;
      }
      case "message.updated": {
        const entry = this.byId.get(event.message.id);
        if (!entry) {
          // Older than what is remembered: whether its mentions changed, only the database
          // knows; members who have it unread count again there (one lookup for the room).
          void this.lookUpPlace?.(event.message.id).then(
            (place) => {
              if (place) for (const member of [...this.members]) member.mentionsEdited(this.roomId, place.seq);
            },
            () => {},
          );
          return;
        }
        const mentions = event.message.mentions.map((user) => user.id);
        if (mentions.join() === entry.mentions.join()) return;
        entry.mentions = mentions;
        this.mentioning = this.entries.filter((e) => e.mentions.length > 0);
        for (const member of [...this.members]) member.mentionsEdited(this.roomId, entry.seq);
        this.touch();
        return;
      }
      case "message.deleted": {
        const entry = this.byId.get(event.messageId);
        if (entry) {
          this.byId.delete(entry.id);
          this.entries.splice(this.entries.indexOf(entry), 1);
          if (entry.mentions.length > 0) this.mentioning.splice(this.mentioning.indexOf(entry), 1);
          // The tally has seen every message since it started: its newest is the room's newest.
          const newestAt = this.entries.at(-1)?.createdAt;
          if (newestAt !== undefined || !this.lookUpPlace) {
            for (const member of [...this.members]) member.deleted(this.roomId, entry.seq, newestAt);
            this.touch();
            return;
          }
        }
        if (this.lookUpPlace) {
          // Older than what is remembered: one query for the room, not one per member (most
          // of whom have read it already and need only the room's new lastMessageAt).
          this.lookUpPlace(event.messageId).then(
            (place) => {
              for (const member of [...this.members]) {
                if (!place) member.deleted(this.roomId, null);
                else if (entry) member.deleted(this.roomId, entry.seq, place.lastMessageAt);
                else member.deletedOlder(this.roomId, seq, place.seq, place.lastMessageAt);
              }
              this.touch();
            },
            () => {
              for (const member of [...this.members]) member.deleted(this.roomId, null);
            },
          );
          return;
        }
        for (const member of [...this.members]) member.deleted(this.roomId, entry ? entry.seq : null);
        this.touch();
        return;
      }
      case "member.left":
        for (const member of [...(this.byUser.get(event.user.id) ?? [])]) member.left(this.roomId, seq);
        return;
      case "member.joined":
      case "member.role":
      case "room.updated":
      case "reactions.changed":
        return; // nothing to count
    }
  }

  /** Members count in the older half of the remembered messages, which are then forgotten. */
  private forgetOlderHalf(): void {
    const keep = Math.floor(TALLY_LIMIT / 2);
    const cut = (this.entries[this.entries.length - keep - 1] as Entry).seq;
    for (const member of this.members) member.fold(this.roomId, cut);
    const dropped = this.entries.splice(0, this.entries.length - keep);
    for (const entry of dropped) this.byId.delete(entry.id);
    this.mentioning = this.mentioning.filter((entry) => entry.seq > cut);
    for (const [author, seq] of this.lastByAuthor) if (seq <= cut) this.lastByAuthor.delete(author);
    this.forgotten = cut;
  }

  /** Schedules a recount: the first change after a quiet interval almost at once, later ones at the interval's end. */
  private touch(): void {
    if (this.timer || this.released) return;
    const wait = Math.max(0, this.lastTick + this.intervalMs - performance.now());
    this.timer = setTimeout(() => this.tick(), wait);
  }

  /**
   * Asks every member to count, RECOUNT_SLICE members per turn of the event loop: each may send
   * a frame, and a thousand frames in one go would hold back the room's live events behind them.
   */
  private tick(): void {
    this.timer = null;
    this.lastTick = performance.now();
    const members = [...this.members];
    const slice = (from: number): void => {
      if (this.released) return;
      const end = Math.min(members.length, from + RECOUNT_SLICE);
      for (let i = from; i < end; i++) {
        const member = members[i] as TallyMember;
        if (this.members.has(member)) member.recount(this.roomId);
      }
      if (end < members.length) setImmediate(slice, end);
    };
    slice(0);
  }
}

/**
 * Every room tally of one server: `join` subscribes a room's tally to the hub for its first
 * member, and the last member's `remove` lets it go. createApiDeps makes the one set a server has.
 */
export class RoomTallies {
  private readonly tallies = new Map<string, RoomTally>();
  private readonly intervalMs: number;
  private readonly lookUpPlace: MessagePlaceReader | null;

  constructor(
    private readonly hub: Hub,
    settings: { intervalMs: number; lookUpPlace?: MessagePlaceReader | null },
  ) {
    this.intervalMs = settings.intervalMs;
    this.lookUpPlace = settings.lookUpPlace ?? null;
  }

  /** Adds `member` to the room's tally; resolves once the tally hears the room live. */
  async join(roomId: string, member: TallyMember): Promise<RoomTally> {
    let tally = this.tallies.get(roomId);
    if (!tally) {
      const created: RoomTally = new RoomTally(
        this.hub,
        roomId,
        this.intervalMs,
        () => {
          if (this.tallies.get(roomId) === created) this.tallies.delete(roomId);
        },
        this.lookUpPlace,
      );
      this.tallies.set(roomId, (tally = created));
    }
    tally.add(member);
    try {
      await tally.ready;
    } catch (error) {
      if (this.tallies.get(roomId) === tally) this.tallies.delete(roomId); // the next join subscribes again
      tally.remove(member);
      throw error;
    }
    return tally;
  }

  /** Rooms with a tally (for tests). */
  get size(): number {
    return this.tallies.size;
  }
}

/** The index of the first entry with an event id above `seq` (entries ascending). */
function firstAfter(entries: readonly Entry[], seq: bigint): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid] as Entry).seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts in event-id order (almost always at the end: the hub delivers a room's events in order). */
function insert(entries: Entry[], entry: Entry): void {
  const last = entries.at(-1);
  if (!last || last.seq < entry.seq) entries.push(entry);
  else entries.splice(firstAfter(entries, entry.seq), 0, entry);
}
