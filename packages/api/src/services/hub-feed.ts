import type { Hub, Unsubscribe } from "../hub/hub";
import type { Channel } from "../hub/topics";
import { SubscriptionQueue } from "../lib/queue";
import { followAbort, releaseOnce } from "./stream-lifecycle";

/**
 * One hub channel read as an async iterable, for the ephemeral streams (room.activity,
 * room.feed): `for await (const message of feed)`. The hub listener never blocks; past `limit`
 * buffered messages a slow reader misses some. The subscription ends when `signal` aborts (even
 * if the feed was never iterated), when the loop stops, or after `end()` once drained.
 */
export class HubFeed<T> implements AsyncIterable<T> {
  private constructor(
    private readonly queue: SubscriptionQueue<T>,
    private readonly release: () => void,
  ) {}

  /** Resolves once the subscription is live (see Hub.subscribe). */
  static open<T>(
    hub: Hub,
    channel: Channel<T>,
    signal: AbortSignal | undefined,
    options: { limit: number; accept?: (message: T) => boolean },
  ): Promise<HubFeed<T>> {
    const { accept } = options;
    return HubFeed.merge(signal, options.limit, (push) => [
      hub.subscribe(channel, (message) => {
        if (!accept || accept(message)) push(message);
      }),
    ]);
  }

  /**
   * One feed from several channels: `subscribe` subscribes each (mapping its messages to T) and
   * hands back the subscriptions; the feed is live once all of them are.
   */
  static async merge<T>(
    signal: AbortSignal | undefined,
    limit: number,
    subscribe: (push: (message: T) => void) => Promise<Unsubscribe>[],
  ): Promise<HubFeed<T>> {
    const abort = followAbort(signal);
    const queue = new SubscriptionQueue<T>(abort.signal, limit);
    const subscribed = await Promise.allSettled(subscribe((message) => queue.push(message)));
    const unsubscribers = subscribed.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    const release = releaseOnce(abort.signal, () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
      queue.dispose();
    });
    const failed = subscribed.find((result) => result.status === "rejected");
    if (failed) {
      release();
      throw failed.reason;
    }
    return new HubFeed(queue, release);
  }

  /** Ends the feed after what is already buffered. */
  end(): void {
    this.queue.end();
  }

  /** Stops listening now and drops what is buffered: a reader's loop ends at once. */
  close(): void {
    this.release();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      for (;;) {
        const batch = await this.queue.take();
        if (!batch) return;
        yield* batch.items;
      }
    } finally {
      this.release();
    }
  }
}
