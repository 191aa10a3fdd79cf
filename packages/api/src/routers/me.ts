import { meEventsInput } from "@parley/contract";
import { InboxStream } from "../services/inbox-stream";
import { socketIsBackedUp } from "../services/stream-lifecycle";
import { router, subscriptionProcedure } from "../trpc";

/**
 * How often a room's new counts go to its members' me.events streams at most (the first change
 * after a quiet second goes at once): a badge that moves once a second is live to a person, and
 * a busy room costs each member one frame a second, not one per message. Measured: at 250 ms the
 * frames alone cost a 1,000-member room at 25 msg/s about a third more CPU (bench/README).
 */
const UNREAD_INTERVAL_MS = 1000;

export const meRouter = router({
  /**
   * The caller's own news, in every tab and on every server: rooms added to or removed from
   * their list, unread counts as messages arrive and read positions move, and mentions.
   * Ephemeral: a client re-reads room.list whenever it (re)starts.
   */
  events: subscriptionProcedure.input(meEventsInput).subscription(async ({ ctx, signal }) => {
    const inbox = await InboxStream.open(
      { hub: ctx.deps.hub, ...InboxStream.readers(ctx.deps.db) },
      ctx.user.id,
      signal,
      { limit: 10_000, unreadIntervalMs: UNREAD_INTERVAL_MS },
    );
    return (async function* events() {
      for await (const event of inbox) {
        if (socketIsBackedUp(ctx)) return;
        yield event;
      }
    })();
  }),
});
