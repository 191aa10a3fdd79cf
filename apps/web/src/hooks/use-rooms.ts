import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef } from "react";
import { errorCode, type Room } from "@parley/client";
import { signOutOnUnauthorized } from "../lib/query-client";
import { useTRPC } from "../lib/trpc";
import { useRetryAfterError } from "./use-retry-after-error";

/**
 * Every room. room.feed says when the list changed (someone created a room, or joined or left
 * one), and the list is read again then; also whenever the feed (re)starts, which covers what
 * changed while the connection was down. A slow poll stays as a safety net.
 */
export function useRooms() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Changes come in bursts (a script joining many rooms): re-read once they settle, not per change.
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const refresh = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      void queryClient.invalidateQueries({ queryKey: trpc.room.list.queryKey() }, { cancelRefetch: false });
    }, 250);
  };
  const feed = useSubscription(
    trpc.room.feed.subscriptionOptions(undefined, {
      onStarted: refresh,
      onData: refresh,
      onError: (error) => signOutOnUnauthorized(queryClient, error),
    }),
  );
  useRetryAfterError(feed);
  return useQuery(trpc.room.list.queryOptions(undefined, { refetchInterval: 30_000, staleTime: 1_000 }));
}

/** One room, shown at once from the room list while its own query loads. */
export function useRoom(roomId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useQuery(
    trpc.room.get.queryOptions(
      { roomId },
      {
        placeholderData: () =>
          queryClient.getQueryData<Room[]>(trpc.room.list.queryKey())?.find((room) => room.id === roomId),
        retry: (failures, error) => errorCode(error) === null && failures < 3,
      },
    ),
  );
}

/** Writes a room everywhere it is cached: its own query and the list. */
export function useStoreRoom() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (room: Room) => {
    queryClient.setQueryData(trpc.room.get.queryKey({ roomId: room.id }), room);
    queryClient.setQueryData(trpc.room.list.queryKey(), (rooms) => {
      if (!rooms) return rooms;
      const others = rooms.filter((r) => r.id !== room.id);
      // The server's order: code points of the lower-cased name.
      return [...others, room].sort((a, b) => {
        const x = a.name.toLowerCase();
        const y = b.name.toLowerCase();
        return x < y ? -1 : x > y ? 1 : 0;
      });
    });
  };
}
