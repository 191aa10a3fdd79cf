/**
 * A buffer between a hub listener (push, synchronous) and a subscription's async generator
 * (take), for the ephemeral streams (room.activity, room.feed; room.events has its own ordered
 * channel). It never blocks the publisher: past `limit` buffered items it drops them and raises
 * `overflowed` (those streams let a slow reader miss them). A taker waiting for items
 * wakes up when `signal` aborts, so tRPC can end the generator without waiting for an event.
 */
export class SubscriptionQueue<T> {
  private items: T[] = [];
  private overflowed = false;
  private ended = false;
  private wake: (() => void) | null = null;
  private readonly onAbort = () => this.wake?.();

  constructor(
    private readonly signal: AbortSignal,
    private readonly limit: number,
  ) {
    signal.addEventListener("abort", this.onAbort, { once: true });
  }

  push(item: T): void {
    if (this.ended) return;
    if (this.items.length >= this.limit) {
      this.items = [];
      this.overflowed = true;
    } else {
      this.items.push(item);
    }
    this.wake?.();
  }

  /** Ends the stream after what is already buffered. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  /** Waits for items; null when the stream is over (ended and drained, or aborted). */
  async take(): Promise<{ items: T[]; overflowed: boolean } | null> {
    while (this.items.length === 0 && !this.overflowed) {
      if (this.signal.aborted || this.ended) return null;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
    if (this.signal.aborted) return null;
    const batch = { items: this.items, overflowed: this.overflowed };
    this.items = [];
    this.overflowed = false;
    return batch;
  }

  /** Ends the stream now, dropping what is buffered; a waiting taker gets null. */
  dispose(): void {
    this.signal.removeEventListener("abort", this.onAbort);
    this.ended = true;
    this.items = [];
    this.overflowed = false;
    this.wake?.();
  }
}
