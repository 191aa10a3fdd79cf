import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { Room } from "@parley/client";
import { useTRPC } from "../lib/trpc";

/**
 * Every room. There is no room-list subscription in the API, so the list polls (while the tab
 * is visible) to show rooms others create; the rooms you join or create update at once.
 */
export function useRooms() {
  const trpc = useTRPC();
  return useQuery(trpc.room.list.queryOptions(undefined, { refetchInterval: 2_500, staleTime: 1_000 }));
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
        retry: (failures, error) => error.data?.code === undefined && failures < 3,
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
      return [...others, room].sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: "base" }));
    });
  };
}
