import { useCallback, useRef } from "react";
import { useTRPCClient } from "../lib/trpc";

/** At most one typing event per this many milliseconds while the user types. */
export const TYPING_THROTTLE_MS = 2_000;

/**
 * Returns `typed()`, to call on every keystroke, and `sent()`, to call when a message goes
 * out. Tells the room at most once per 2 s; a typing event is best effort, so failures are
 * ignored.
 */
export function useTypingNotifier(roomId: string) {
  const client = useTRPCClient();
  const last = useRef(0);
  const typed = useCallback(() => {
    const now = Date.now();
    if (now - last.current < TYPING_THROTTLE_MS) return;
    last.current = now;
    client.room.typing.mutate({ roomId }).catch(() => undefined);
  }, [client, roomId]);
  const sent = useCallback(() => {
    last.current = 0;
  }, []);
  return { typed, sent };
}
