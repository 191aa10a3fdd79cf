import type { Unsubscribe } from "./hub";

/** Listeners grouped by room, so publishing touches only the room's own subscribers. */
export class Topics<T> {
  private readonly byKey = new Map<string, Set<(value: T) => void>>();

  add(key: string, listener: (value: T) => void): Unsubscribe {
    let set = this.byKey.get(key);
    if (!set) {
      set = new Set();
      this.byKey.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.byKey.get(key);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.byKey.delete(key);
    };
  }

  emit(key: string, value: T): void {
    const set = this.byKey.get(key);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(value);
      } catch (error) {
        // One broken subscriber must not stop delivery to the rest of the room.
        console.error("[hub] listener failed:", error);
      }
    }
  }

  /** Number of listeners for `key`. */
  count(key: string): number {
    return this.byKey.get(key)?.size ?? 0;
  }
}
