import { useEffect, useState } from "react";
import type { ShortcodeMatch } from "../lib/emoji";

/**
 * The emoji whose shortcode starts with `prefix` (null: none asked). The emoji library and its
 * data load on the first `:shortcode` typed, not before; an answer for an older prefix is
 * dropped.
 */
export function useShortcodes(prefix: string | null): ShortcodeMatch[] {
  const [found, setFound] = useState<{ prefix: string; matches: ShortcodeMatch[] } | null>(null);
  useEffect(() => {
    if (prefix === null) return;
    let current = true;
    import("../lib/emoji")
      .then((emoji) => emoji.matchShortcodes(prefix))
      .then(
        (matches) => {
          if (current) setFound({ prefix, matches });
        },
        () => {
          // No suggestions when the data cannot load (offline): typing goes on as usual.
          if (current) setFound({ prefix, matches: [] });
        },
      );
    return () => {
      current = false;
    };
  }, [prefix]);
  return prefix !== null && found?.prefix === prefix ? found.matches : [];
}
