import { tracked, TRPCError } from "@trpc/server";
import { events, type StoredRoomEvent, type User } from "@parley/db";
import type { Context } from "../context";
import { SubscriptionQueue } from "../lib/queue";
import { followAbort, isOwnDeparture, releaseOnce, socketIsBackedUp, stillMember } from "./stream-lifecycle";

/** Live events a subscription may buffer before it falls back to reading the database. */
const QUEUE_LIMIT = 2_000;
/** Replay page size. */
const REPLAY_PAGE = 500;

/** Parses a public event id; null when it is not one this server could have issued. */
export function parseEventId(id: string): bigint | null {
  return /^[1-9][0-9]{0,18}$/.test(id) ? BigInt(id) : null;
}

/**
 * Opens `room.events` for a member. Runs in the resolver, before tRPC sends `started`: it
 * subscribes to the hub first and reads the room's position after, so every event committed
 * once the client sees `started` is either replayed from the database or delivered live, and
 * the sequence numbers drop whatever both paths deliver.
 */
export async function openRoomEventStream(
  ctx: Context,
  user: User,
  input: { roomId: string; lastEventId?: string | null | undefined },
  signal: AbortSignal | undefined,
) {
  const { db, hub } = ctx.deps;
  const abort = followAbort(signal);
  const queue = new SubscriptionQueue<StoredRoomEvent>(abort.signal, QUEUE_LIMIT);
  const unsubscribe = await hub.subscribeEvents(input.roomId, (event) => queue.push(event));
  const cleanup = releaseOnce(abort.signal, () => {
    unsubscribe();
    queue.dispose();
  });

  const replay = input.lastEventId !== undefined && input.lastEventId !== null;
  let startSeq: bigint;
  try {
    const head = await events.getLastEventSeq(db, input.roomId);
    if (head === null) throw new TRPCError({ code: "NOT_FOUND", message: "The room no longer exists" });
    if (replay) {
      const from = parseEventId(input.lastEventId ?? "");
      if (from === null || from > head) {
        throw new TRPCError({ code: "BAD_REQUEST", message: `Unknown lastEventId '${String(input.lastEventId).slice(0, 40)}'` });
      }
      startSeq = from;
    } else {
      startSeq = head;
    }
  } catch (error) {
    cleanup();
    throw error;
  }

  const { roomId } = input;
  const userId = user.id;
  let last = startSeq;

  /** The room's log after `last` (up to `until`), oldest first, a page at a time. */
  async function* readLog(until?: bigint) {
    let from = last;
    for (;;) {
      const page = await events.listEventsAfter(db, roomId, from, { untilSeq: until, limit: REPLAY_PAGE });
      yield* page;
      const tail = page.at(-1);
      if (page.length < REPLAY_PAGE || !tail) return;
      from = tail.seq;
    }
  }

  /** Everything to send, in order: the replay, then live events, with any gap read from the log. */
  async function* ordered() {
    if (replay) yield* readLog();
    for (;;) {
      const batch = await queue.take();
      if (!batch) return;
      // Past its buffer the queue dropped events: the log has them all.
      if (batch.overflowed) yield* readLog();
      for (const stored of batch.items) {
        // A gap: an earlier event is committed (sequence numbers follow commit order) but its
        // live copy has not arrived yet. Read it rather than wait.
        if (stored.seq > last + 1n) yield* readLog(stored.seq - 1n);
        yield stored;
      }
    }
  }

  return (async function* roomEvents() {
    try {
      for await (const stored of ordered()) {
        if (stored.seq <= last) continue; // delivered already, by the replay or live
        if (socketIsBackedUp(ctx)) return;
        last = stored.seq;
        yield tracked(String(stored.seq), stored.event);
        // Someone who left stops receiving the room (in every tab). A replayed departure from
        // before they joined again does not count: ask the database.
        if (isOwnDeparture(stored.event, userId) && !(await stillMember(ctx, roomId, userId))) return;
      }
    } finally {
      cleanup();
    }
  })();
}
