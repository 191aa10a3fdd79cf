import { randomUUID } from "node:crypto";
import { publicUser, type Activity, type User } from "@parley/contract";
import type { Context } from "../context";
import type { Unsubscribe } from "../hub/hub";
import { topics } from "../hub/topics";
import { requireMember } from "./access";
import { HubFeed } from "./hub-feed";
import { followAbort, isOwnDeparture, socketIsBackedUp, stillMember } from "./stream-lifecycle";
import { isRedisUnavailable } from "../lib/redis-breaker";

/**
 * Opens `room.activity`: registers presence, announces the user when this is their first
 * subscription in the room, starts with a snapshot, and on the way out announces them offline
 * when it was their last.
 */
export async function openActivityStream(ctx: Context, user: User, roomId: string, signal: AbortSignal | undefined) {
  const { hub } = ctx.deps;
  const me = publicUser(user);
  const subscriptionId = randomUUID();
  const activityChannel = topics.roomActivity(roomId);
  const abort = followAbort(signal);

  const unsubscribers: Unsubscribe[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const unsubscribe of unsubscribers) unsubscribe();
    hub
      .presenceLeave(roomId, me.id, subscriptionId)
      .then(({ last }) => {
        if (last) hub.publish(activityChannel, { type: "presence.offline", roomId, user: me });
      })
      .catch((error: unknown) => {
        // With Redis away the leave is lost (the user may show online in the room until their
        // next leave there): an outage, not a bug, so a line without a stack.
        if (isRedisUnavailable(error))
          ctx.log.warn({ roomId, reason: (error as Error).message }, "presence: leave failed, Redis unavailable");
        else ctx.log.error({ err: error, roomId }, "presence: leave failed");
      });
  };
  // The socket may close while the generator waits; presence must end then, not at the next event.
  abort.signal.addEventListener("abort", close, { once: true });
  if (abort.signal.aborted) close();

  let feed: HubFeed<Activity>;
  let online: User[];
  try {
    // Each kept as soon as it exists, so close() can undo it even if the next step fails.
    // Activity is ephemeral: past this many buffered items a slow subscriber simply misses some.
    // Typing reaches everyone but the typist (in any of their tabs).
    const opened = await HubFeed.open(hub, activityChannel, abort.signal, {
      limit: 1_000,
      accept: (activity) => !(activity.type === "typing" && activity.user.id === me.id),
    });
    feed = opened;
    unsubscribers.push(() => opened.close());
    unsubscribers.push(
      await hub.subscribe(topics.roomEvents(roomId), (stored) => {
        if (!isOwnDeparture(stored.event, me.id)) return;
        // Gone: stop at once, without sending what is still buffered.
        stillMember(ctx, roomId, me.id).then(
          (member) => member || opened.close(),
          () => opened.close(),
        );
      }),
    );
    // Stopped already (a quick room switch): never announce this subscription at all.
    if (closed) return (async function* stopped(): AsyncGenerator<Activity> {})();
    // Removed while the subscriptions above were being made? Their member.left went by unseen,
    // so look again now that they listen, before announcing anyone.
    await requireMember(ctx.deps.db, roomId, me.id);
    const { first } = await hub.presenceEnter(roomId, me, subscriptionId);
    if (first) hub.publish(activityChannel, { type: "presence.online", roomId, user: me });
    online = await hub.onlineUsers(roomId);
  } catch (error) {
    close();
    throw error;
  }
  if (closed) {
    // Stopped while setting up: undo what the steps above did after close() had run.
    for (const unsubscribe of unsubscribers) unsubscribe();
    const { last } = await hub.presenceLeave(roomId, me.id, subscriptionId);
    if (last) hub.publish(activityChannel, { type: "presence.offline", roomId, user: me });
    return (async function* stopped(): AsyncGenerator<Activity> {})();
  }

  return (async function* activity() {
    try {
      yield { type: "presence.snapshot", roomId, online } satisfies Activity as Activity;
      // Presence as this subscriber knows it. What was buffered while the snapshot was taken
      // may already be part of it, so only real transitions pass.
      const known = new Set(online.map((u) => u.id));
      for await (const item of feed) {
        if (item.type === "presence.online") {
          if (known.has(item.user.id)) continue;
          known.add(item.user.id);
        } else if (item.type === "presence.offline") {
          if (!known.delete(item.user.id)) continue;
        }
        if (socketIsBackedUp(ctx)) return;
        yield item;
      }
    } finally {
      close();
    }
  })();
}
