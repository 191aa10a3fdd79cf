import { useQueryClient } from "@tanstack/react-query";
import type { Room, RoomEvent } from "@parley/client";
import { bumpDm } from "../lib/room-list";
import { navigate } from "../lib/router";
import { useTRPC } from "../lib/trpc";
import { useNotice } from "./use-notice";
import { useDropMembership, useStoreRoom } from "./use-rooms";
import { useMe } from "./use-session";

/**
 * What a room's events change outside its message log: who is in it and with which role, its
 * name and topic, the dm order, and, when the event is the user's own departure, the room
 * itself. Removed by someone, the user is told who did it; a private room then goes away.
 */
export function useRoomChanges(room: Room): (event: RoomEvent) => void {
  const me = useMe();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const storeRoom = useStoreRoom();
  const dropMembership = useDropMembership();
  const { notify } = useNotice();

  const refreshMembers = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.room.get.queryKey({ roomId: room.id }) });
    void queryClient.invalidateQueries({ queryKey: trpc.room.members.queryKey({ roomId: room.id }) });
    void queryClient.invalidateQueries({ queryKey: trpc.room.list.queryKey() });
  };

  // Several events can arrive before the next render: build on what the cache holds by now.
  const current = () => queryClient.getQueryData<Room>(trpc.room.get.queryKey({ roomId: room.id })) ?? room;

  return (event: RoomEvent) => {
    switch (event.type) {
      case "member.joined":
        refreshMembers();
        break;
      case "member.left":
        if (event.user.id !== me.id) return refreshMembers();
        // Our own departure: left in another tab (no `by`), or removed by someone.
        if (event.by) notify(`You were removed from #${current().name} by ${event.by.username}`);
        dropMembership(room.id);
        if (room.kind !== "channel" || room.visibility === "private") navigate("/", { replace: true });
        break;
      case "member.role":
        if (event.user.id === me.id) storeRoom({ ...current(), role: event.role });
        void queryClient.invalidateQueries({ queryKey: trpc.room.members.queryKey({ roomId: room.id }) });
        break;
      case "room.updated":
        storeRoom({ ...current(), ...event.room });
        break;
      case "message.created":
        if (room.kind === "dm") queryClient.setQueryData(trpc.room.list.queryKey(), (rooms) => rooms && bumpDm(rooms, room.id));
        break;
      case "message.updated":
      case "message.deleted":
      case "reactions.changed":
        break;
    }
  };
}
