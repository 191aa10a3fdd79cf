import { skipToken, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { errorCode, type RoomEvent } from "@parley/client";
import { applyRoomEvent, historyEventId, type MessageHistory, type MessagePage } from "../lib/message-cache";
import { signOutOnUnauthorized } from "../lib/query-client";
import { useTRPC, useTRPCClient } from "../lib/trpc";
import { useRetryAfterError } from "./use-retry-after-error";

export const PAGE_SIZE = 50;

/** The cache key of a room's history (an infinite query: newest page first). */
export function historyKey(roomId: string) {
  return ["history", roomId] as const;
}

/**
 * A member's view of a room's messages: the newest page, older pages on demand, and every
 * room event folded in live. The event subscription starts from the event the cached history
 * is current with, and wsLink resumes it from the last event it saw after any reconnect, so
 * nothing is lost or doubled, even across a server restart.
 */
export function useRoomHistory(roomId: string, onEvent: (event: RoomEvent, eventId: string) => void) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const key = historyKey(roomId);

  const history = useInfiniteQuery<MessagePage, Error, MessageHistory, ReturnType<typeof historyKey>, string | null>({
    queryKey: key,
    queryFn: ({ pageParam }): Promise<MessagePage> => client.message.list.query({ roomId, before: pageParam, limit: PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    // Live events keep it current; a refetch would only race them.
    staleTime: Infinity,
    gcTime: 5 * 60_000,
  });

  // Fixed once per mount: changing the input would restart the subscription, and wsLink already
  // carries the newest id across reconnects by itself.
  const [resumeFrom, setResumeFrom] = useState<{ lastEventId: string | null } | null>(null);
  useEffect(() => {
    if (history.data && !resumeFrom) setResumeFrom({ lastEventId: historyEventId(history.data) });
  }, [history.data, resumeFrom]);

  // Loading an older page writes back the pages as they were when it started, so an event
  // folded in meanwhile would be lost. Such events are kept and folded in again afterwards
  // (folding is idempotent: by message id).
  const duringLoad = useRef<{ id: string; event: RoomEvent }[] | null>(null);
  const loadOlder = useCallback(async () => {
    if (duringLoad.current) return;
    duringLoad.current = [];
    try {
      await history.fetchNextPage({ cancelRefetch: false });
    } finally {
      const missed = duringLoad.current;
      duringLoad.current = null;
      if (missed.length > 0) {
        queryClient.setQueryData<MessageHistory>(key, (old) =>
          old ? missed.reduce((data, { id, event }) => applyRoomEvent(data, id, event), old) : old,
        );
      }
    }
  }, [history, queryClient, key]);

  // Reopened after an unexpected error from where it started; replaying events already folded
  // in is harmless (each one sets the state it describes, in order).
  const events = useSubscription(
    trpc.room.events.subscriptionOptions(resumeFrom ? { roomId, lastEventId: resumeFrom.lastEventId } : skipToken, {
      onData({ id, data }) {
        duringLoad.current?.push({ id, event: data });
        queryClient.setQueryData<MessageHistory>(key, (old) => (old ? applyRoomEvent(old, id, data) : old));
        onEvent(data, id);
      },
      onError(error) {
        signOutOnUnauthorized(queryClient, error);
        if (errorCode(error) === "BAD_REQUEST") {
          // The server no longer knows our event id (its database was reset): start over.
          setResumeFrom(null);
          void queryClient.resetQueries({ queryKey: key });
        }
        if (errorCode(error) === "FORBIDDEN" || errorCode(error) === "NOT_FOUND") {
          // Left in another tab, or the room is gone: the room query says which.
          void queryClient.invalidateQueries({ queryKey: trpc.room.get.queryKey({ roomId }) });
        }
      },
    }),
  );

  useRetryAfterError(events);

  return { history, loadOlder };
}
