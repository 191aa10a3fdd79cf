import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { Room } from "@parley/client";
import { isAfter } from "../lib/unread";
import { useTRPC } from "../lib/trpc";
import { useStoreReadState } from "./use-rooms";

/**
 * Marks the room read up to the newest event the client has (room.markRead) whenever the
 * reader is at the bottom of the log, the tab is shown, and something is unread: on arriving
 * there, and again as new messages come in while they stay. Each id is asked for once; the
 * answer (and the `room.unread` every tab then gets) updates the counts.
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

  const unread = room.unreadCount > 0 || room.mentionCount > 0;
  useEffect(() => {
    if (!reading || !unread || newestEventId === null) return;
    if (!isAfter(newestEventId, room.lastReadEventId)) return;
    if (asked.current !== null && !isAfter(newestEventId, asked.current)) return;
    asked.current = newestEventId;
    mutate({ roomId: room.id, eventId: newestEventId });
  }, [reading, unread, newestEventId, room.id, room.lastReadEventId, mutate]);
}
