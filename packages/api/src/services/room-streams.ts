import { randomUUID } from "node:crypto";
import { tracked, TRPCError } from "@trpc/server";
import { events, publicUser, rooms, type Activity, type RoomEvent, type StoredRoomEvent, type User } from "@parley/db";
import type { Context } from "../context";
import type { Unsubscribe } from "../hub/hub";
import { SubscriptionQueue } from "../lib/queue";

/** Live items a subscription may buffer before it falls back to reading the database. */
const QUEUE_LIMIT = 2_000;
/** Replay page size. */
const REPLAY_PAGE = 500;
/**
 * A socket whose unsent output exceeds this is too slow to keep up; it is dropped so it cannot
 * hold the server's memory hostage. Its client reconnects and resumes from lastEventId.
 */
const MAX_SOCKET_BACKLOG_BYTES = 8 * 1024 * 1024;

function socketIsBackedUp(ctx: Context): boolean {
  if (ctx.socket && ctx.socket.bufferedAmount > MAX_SOCKET_BACKLOG_BYTES) {
    ctx.socket.terminate();
    return true;
  }
  return false;
}

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
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    unsubscribe();
    queue.dispose();
  };
  // A subscription stopped before its first event may never be iterated: clean up on abort too.
  abort.signal.addEventListener("abort", cleanup, { once: true });
  if (abort.signal.aborted) cleanup();

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

function isOwnDeparture(event: RoomEvent, userId: string): boolean {
  return event.type === "member.left" && event.user.id === userId;
}

async function stillMember(ctx: Context, roomId: string, userId: string): Promise<boolean> {
  return (await rooms.getMembership(ctx.deps.db, roomId, userId)) === "member";
}

/** An AbortController that aborts with `signal`, including when `signal` has aborted already. */
function followAbort(signal: AbortSignal | undefined): AbortController {
  const abort = new AbortController();
  if (signal?.aborted) abort.abort();
  else signal?.addEventListener("abort", () => abort.abort(), { once: true });
  return abort;
}

/**
 * Opens `room.activity`: registers presence, announces the user when this is their first
 * subscription in the room, starts with a snapshot, and on the way out announces them offline
 * when it was their last.
 */
export async function openActivityStream(ctx: Context, user: User, roomId: string, signal: AbortSignal | undefined) {
  const { hub } = ctx.deps;
  const me = publicUser(user);
  const subscriptionId = randomUUID();
  const abort = followAbort(signal);
  const queue = new SubscriptionQueue<Activity>(abort.signal, 1_000);

  const unsubscribers: Unsubscribe[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const unsubscribe of unsubscribers) unsubscribe();
    queue.dispose();
    hub
      .presenceLeave(roomId, me.id, subscriptionId)
      .then(({ last }) => {
        if (last) hub.publishActivity({ type: "presence.offline", roomId, user: me });
      })
      .catch((error: unknown) => console.error("[presence] leave failed:", error));
  };
  // The socket may close while the generator waits; presence must end then, not at the next event.
  abort.signal.addEventListener("abort", close, { once: true });
  if (abort.signal.aborted) close();

  let online: User[];
  try {
    unsubscribers.push(
      await hub.subscribeActivity(roomId, (activity) => {
        // Typing reaches everyone but the typist (in any of their tabs).
        if (activity.type === "typing" && activity.user.id === me.id) return;
        queue.push(activity);
      }),
      await hub.subscribeEvents(roomId, (stored) => {
        if (!isOwnDeparture(stored.event, me.id)) return;
        stillMember(ctx, roomId, me.id).then(
          (member) => member || queue.end(),
          () => queue.end(),
        );
      }),
    );
    const { first } = await hub.presenceEnter(roomId, me, subscriptionId);
    if (first) hub.publishActivity({ type: "presence.online", roomId, user: me });
    online = await hub.onlineUsers(roomId);
  } catch (error) {
    close();
    throw error;
  }
  if (closed) {
    // Stopped while setting up: undo what the steps above did after close() had run.
    for (const unsubscribe of unsubscribers) unsubscribe();
    const { last } = await hub.presenceLeave(roomId, me.id, subscriptionId);
    if (last) hub.publishActivity({ type: "presence.offline", roomId, user: me });
    return (async function* stopped(): AsyncGenerator<Activity> {})();
  }

  return (async function* activity() {
    try {
      yield { type: "presence.snapshot", roomId, online } satisfies Activity as Activity;
      // Presence as this subscriber knows it. What was buffered while the snapshot was taken
      // may already be part of it, so only real transitions pass.
      const known = new Set(online.map((u) => u.id));
      for (;;) {
        const batch = await queue.take();
        if (!batch) return;
        for (const item of batch.items) {
          if (item.type === "presence.online") {
            if (known.has(item.user.id)) continue;
            known.add(item.user.id);
          } else if (item.type === "presence.offline") {
            if (!known.delete(item.user.id)) continue;
          }
          if (socketIsBackedUp(ctx)) return;
          yield item;
        }
      }
    } finally {
      close();
    }
  })();
}
