import type { RoomEvent } from "@parley/contract";
import { events, type StoredRoomEvent } from "@parley/db";
import type { Context } from "../context";
import { parseEventId } from "../lib/event-id";
import { Refused } from "../lib/refused";
import { DirectStream, eventFrame, type FrameSink } from "../stream/direct-stream";
import type { RoomChannel, RoomFrame, RoomListener } from "../stream/room-channels";
import { enforceRateLimit } from "./rate-limit";
import { isOwnDeparture, releaseOnce, stillMember } from "./stream-lifecycle";

/** A replay reads its next page only once its socket has less than this queued. */
const REPLAY_LOW_WATER_BYTES = 256 * 1024;

/** Replayed events sent in one go before the stream lets other work run. */
const REPLAY_SLICE = 50;

/**
 * Opens `room.events` for a member. Runs in the resolver, before `started` is sent: it joins the
 * room's channel (live on the hub, its position read after that) first, so every event committed
 * once the client sees `started` is either replayed or delivered live, and sequence numbers drop
 * whatever both paths deliver.
 */
export async function openRoomEventStream(
  ctx: Context,
  userId: string,
  input: { roomId: string; lastEventId?: string | null | undefined },
  signal: AbortSignal | undefined,
): Promise<RoomEventStream> {
  // Without a signal (a caller in tests) the stream ends only through cancel().
  const stopSignal = signal ?? new AbortController().signal;
  const channel = await ctx.deps.roomChannels.acquire(input.roomId);
  const release = releaseOnce(stopSignal, () => channel.release());
  let from: bigint;
  try {
    if (input.lastEventId === undefined || input.lastEventId === null) {
      // Start at the newest event the room's channel has delivered: every event committed later
      // has a higher id, so nothing committed after `started` can be missed (an event still in
      // flight may arrive too, as if the subscription had started a moment earlier). No query.
      from = channel.position;
    } else {
      const after = parseEventId(input.lastEventId);
      // Ids up to the channel's position were issued; beyond it, ask the database.
      const head = after !== null && after <= channel.position ? channel.position : await events.getLastEventSeq(ctx.deps.db, input.roomId);
      if (head === null) throw new Refused("NOT_FOUND", "The room no longer exists");
      if (after === null || after > head) {
        throw new Refused("BAD_REQUEST", `Unknown lastEventId '${input.lastEventId.slice(0, 40)}'`);
      }
      from = after;
      // A replay that reaches past the channel's recent events reads the log: limited per
      // user, so that one user cannot keep the database and the event loop busy with replays.
      if (head - after > BigInt(ctx.deps.roomChannels.recentEvents)) {
        await enforceRateLimit(ctx.deps.rateLimiter, ctx.deps.metrics, "replay", userId);
      }
    }
  } catch (error) {
    release();
    throw error;
  }
  return new RoomEventStream(ctx, channel, userId, from, stopSignal, release);
}

/**
 * One subscriber of a room: first catches up from `from` (from the channel's recent events when
 * they reach back far enough, else from the log a page at a time, each page only once the socket
 * has drained), then listens to the channel live. It never reads the log for live events: the
 * channel orders them once for everyone.
 */
export class RoomEventStream extends DirectStream<RoomEvent> implements RoomListener {
  private sink: FrameSink<RoomEvent> | null = null;
  private stopListening: (() => void) | null = null;
  /** Frames held back while we ask the database whether the user's departure stands. */
  private held: RoomFrame[] | null = null;
  private done = false;

  constructor(
    private readonly ctx: Context,
    private readonly channel: RoomChannel,
    private readonly userId: string,
    /** The newest event id this subscriber has been given (or needs nothing before). */
    private last: bigint,
    signal: AbortSignal,
    /** Lets go of the channel (once). */
    private readonly release: () => void,
  ) {
    super();
    releaseOnce(signal, () => this.stop());
  }

  run(sink: FrameSink<RoomEvent>): void {
    if (this.done) return;
    this.sink = sink;
    this.catchUp().catch((error: unknown) => this.finish({ error }));
  }

  /** A live event from the channel. */
  receive(frame: RoomFrame): void {
    if (frame.seq > this.last && !this.done) this.send(frame);
  }

  private async catchUp(): Promise<void> {
    const { roomChannels, metrics } = this.ctx.deps;
    let counted = false;
    for (;;) {
      if (this.done || !this.sink) return;
      const position = this.channel.position;
      if (position <= this.last) return this.goLive();
      const recent = this.channel.framesAfter(this.last);
      if (!counted) {
        counted = true;
        metrics.replaysStarted(recent ? "recent" : "log").inc();
      }
      if (recent) {
        for (const frame of recent) if (!this.send(frame)) return;
        return this.goLive();
      }
      const sink = this.sink;
      await sink.drained(REPLAY_LOW_WATER_BYTES);
      if (this.done) return;
      let stopped = false;
      const read = await roomChannels.replayPage(this.channel.roomId, this.last, async (page) => {
        // Sent a slice at a time, yielding between slices, so that a replay never holds the
        // event loop for long: live deliveries to everyone else go out in between.
        for (let i = 0; i < page.length && !stopped; i += REPLAY_SLICE) {
          if (i > 0) {
            await new Promise((resolve) => setImmediate(resolve));
            // Within a page too, never queue much more than the low-water mark on the socket.
            await sink.drained(REPLAY_LOW_WATER_BYTES);
          }
          for (const stored of page.slice(i, i + REPLAY_SLICE)) {
            if (this.done || (stored.seq > this.last && !this.send(replayFrame(stored)))) {
              stopped = true;
              break;
            }
          }
        }
      });
      if (stopped || this.done) return;
      // A short page reached the end of the log as it was when read: everything up to the
      // channel's position then was in it (a hole is a purged event).
      if (read < roomChannels.pageSize && position > this.last) this.last = position;
    }
  }

  private goLive(): void {
    if (this.done) return;
    // Nothing can arrive between the last check and this line: both run in one turn.
    this.stopListening = this.channel.listen(this);
  }

  /** Sends one frame; false when the stream ended (its socket was too far behind). */
  private send(frame: RoomFrame): boolean {
    const sink = this.sink;
    if (!sink || this.done) return false;
    if (this.held) {
      this.held.push(frame);
      this.last = frame.seq;
      return true;
    }
    if (sink.bufferedAmount > this.ctx.deps.config.maxSocketBacklogBytes) {
      // Too slow to keep up: drop the socket; its client resumes from its last event id.
      this.ctx.deps.metrics.slowSocketCutoffs("room.events").inc();
      sink.dropSocket();
      this.stop();
      return false;
    }
    sink.write(frame);
    this.last = frame.seq;
    if (isOwnDeparture(frame.event, this.userId)) {
      this.held = [];
      void this.checkDeparture();
    }
    return true;
  }

  /** Someone who left stops receiving the room (in every tab); a departure from before a rejoin does not count. */
  private async checkDeparture(): Promise<void> {
    let member: boolean;
    try {
      member = await stillMember(this.ctx, this.channel.roomId, this.userId);
    } catch (error) {
      // Unknown, not "left": end with an error, which the client may retry (a `stopped` would
      // tell it the stream is over for good).
      return this.finish({ error });
    }
    if (this.done) return;
    if (!member) return this.finish(null);
    const held = this.held ?? [];
    this.held = null;
    for (const [i, frame] of held.entries()) {
      if (!this.send(frame)) return;
      if (this.held) {
        (this.held as RoomFrame[]).push(...held.slice(i + 1));
        return;
      }
    }
  }

  private finish(outcome: { error: unknown } | null): void {
    if (this.done) return;
    const sink = this.sink;
    this.stop();
    if (outcome) sink?.fail(outcome.error);
    else sink?.end();
  }

  cancel(): void {
    this.stop();
  }

  private stop(): void {
    if (this.done) return;
    this.done = true;
    this.held = null;
    this.stopListening?.();
    this.stopListening = null;
    this.release();
  }
}

function replayFrame(stored: StoredRoomEvent): RoomFrame {
  return { ...eventFrame(String(stored.seq), stored.event), seq: stored.seq };
}
