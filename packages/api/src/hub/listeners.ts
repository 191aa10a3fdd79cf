import { silentLogger, type Logger } from "../log";
import type { Unsubscribe } from "./hub";

/** Listeners grouped by channel name, so publishing touches only that channel's subscribers. */
export class Listeners {
  private readonly byChannel = new Map<string, Set<(message: unknown) => void>>();

  constructor(private readonly log: Logger = silentLogger) {}

  add<T>(channel: string, listener: (message: T) => void): Unsubscribe {
    let set = this.byChannel.get(channel);
    if (!set) {
      set = new Set();
      this.byChannel.set(channel, set);
    }
    // Only `emit` calls it, with what was published on this same channel: a T.
    const entry = listener as (message: unknown) => void;
    set.add(entry);
    return () => {
      const current = this.byChannel.get(channel);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.byChannel.delete(channel);
    };
  }

  emit(channel: string, message: unknown): void {
    const set = this.byChannel.get(channel);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(message);
      } catch (error) {
        // One broken subscriber must not stop delivery to the rest of the channel.
        this.log.error({ err: error, channel }, "hub: listener failed");
      }
    }
  }

  /** Number of listeners of `channel`. */
  count(channel: string): number {
    return this.byChannel.get(channel)?.size ?? 0;
  }
}
