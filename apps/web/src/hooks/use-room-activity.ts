import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useEffect, useState } from "react";
import { emptyActivity, expireTyping, reduceActivity, withoutTypist, type ActivityState } from "../lib/activity";
import { signOutOnUnauthorized } from "../lib/query-client";
import { useTRPC } from "../lib/trpc";
import { useRetryAfterError } from "./use-retry-after-error";

/**
 * Presence and typing in a room the user is a member of. The subscription is itself what
 * makes the user count as online there. After a reconnect it starts again with a fresh
 * snapshot, so presence heals by itself.
 */
export function useRoomActivity(roomId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, setState] = useState<ActivityState>(emptyActivity);

  const subscription = useSubscription(
    trpc.room.activity.subscriptionOptions(
      { roomId },
      {
        onData: (activity) => setState((s) => reduceActivity(s, activity, Date.now())),
        onError: (error) => signOutOnUnauthorized(queryClient, error),
      },
    ),
  );

  useRetryAfterError(subscription);

  // Expire typing lines on time, but only run a timer while someone is typing.
  const typingCount = Object.keys(state.typing).length;
  useEffect(() => {
    if (typingCount === 0) return;
    const timer = setInterval(() => setState((s) => expireTyping(s, Date.now())), 500);
    return () => clearInterval(timer);
  }, [typingCount]);

  /** Someone's message arrived: their typing line goes at once. */
  const stopTyping = useCallback((userId: string) => {
    setState((s) => {
      const typing = withoutTypist(s.typing, userId);
      return typing === s.typing ? s : { ...s, typing };
    });
  }, []);

  return { ...state, stopTyping };
}
