import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { Room } from "@parley/client";
import { isAfter } from "../lib/unread";
import { useTRPC } from "../lib/trpc";
import { useStoreReadState } from "./use-rooms";

/**
 * Marks the room read up to the newest event the client has (room.markRead) whenever the
 * reader is at the bottom of the log and the tab is shown: on arriving there, and again as
 * events come in while they stay. Every event counts, not only unread messages: a reaction, a
 * join or the reader's own message moves the cached history forward too, and the read position
 * must follow it, or the next visit would count unread messages over a history that is ahead of
 * the read position (see useUnreadAnchor). Each id is asked for once; the answer (and the
 * `room.unread` every tab then gets) updates the counts.
 */
export function useMarkRead(room: Room, newestEventId: string | null, reading: boolean) {
  const trpc = useTRPC();
  const storeReadState = useStoreReadState();
  const asked = useRef<string | null>(null);
  const markRead = useMutation(
    trpc.room.markRead.mutationOptions({
      onSuccess: (state) => storeReadState(room.id, state),
      onError: () => {
        // Let the next change try again.
        asked.current = null;
      },
    }),
  );
  const { mutate } = markRead;

  useEffect(() => {
    if (!reading || newestEventId === null) return;
    if (!isAfter(newestEventId, room.lastReadEventId)) return;
    if (asked.current !== null && !isAfter(newestEventId, asked.current)) return;
    asked.current = newestEventId;
    mutate({ roomId: room.id, eventId: newestEventId });
  }, [reading, newestEventId, room.id, room.lastReadEventId, mutate]);
}
