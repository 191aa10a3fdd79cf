import { meEventsInput } from "@parley/contract";
import { InboxStream } from "../services/inbox-stream";
import { socketIsBackedUp } from "../services/stream-lifecycle";
import { router, subscriptionProcedure } from "../trpc";

export const meRouter = router({
  /**
   * The caller's own news, in every tab and on every server: rooms added to or removed from
   * their list, unread counts as messages arrive and read positions move, and mentions.
   * Ephemeral: a client re-reads room.list whenever it (re)starts.
   */
  events: subscriptionProcedure.input(meEventsInput).subscription(async ({ ctx, signal }) => {
    const inbox = await InboxStream.open(
      { hub: ctx.deps.hub, tallies: ctx.deps.roomTallies, ...InboxStream.readers(ctx.deps.db) },
      ctx.user.id,
      signal,
      { limit: 10_000 },
    );
    return (async function* events() {
      for await (const event of inbox) {
        if (socketIsBackedUp(ctx)) return;
        yield event;
      }
    })();
  }),
});
