import { meEventsInput } from "@parley/contract";
import { topics } from "../hub/topics";
import { HubFeed } from "../services/hub-feed";
import { socketIsBackedUp } from "../services/stream-lifecycle";
import { router, subscriptionProcedure } from "../trpc";

export const meRouter = router({
  /**
   * The caller's own news, in every tab and on every server: rooms added to or removed from
   * their list. Ephemeral: a client re-reads room.list whenever it (re)starts.
   */
  events: subscriptionProcedure.input(meEventsInput).subscription(async ({ ctx, signal }) => {
    const news = await HubFeed.open(ctx.deps.hub, topics.user(ctx.user.id), signal, { limit: 1_000 });
    return (async function* inbox() {
      for await (const event of news) {
        if (socketIsBackedUp(ctx)) return;
        yield event;
      }
    })();
  }),
});
