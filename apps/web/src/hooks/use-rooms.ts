import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef } from "react";
import { errorCode, type InboxEvent, type Room } from "@parley/client";
import { signOutOnUnauthorized } from "../lib/query-client";
import { notify } from "../lib/notifications";
import { bumpDm, notJoined, roomLabel, upsertRoom, withoutMembership } from "../lib/room-list";
import { pickReadState, withReadState } from "../lib/unread";
import { navigate, roomPath, useRoute } from "../lib/router";
import { useTRPC } from "../lib/trpc";
import { historyKey } from "./use-room-history";
import { useRetryAfterError } from "./use-retry-after-error";

/**
 * Every room the user can see, kept current by two streams:
 * - me.events tells this user (in every tab) that a room joined or left *their* list: added to a
 *   private channel, a dm opened with them, removed, or joined/left in another tab. It carries
 *   the room itself, so the sidebar changes at once, without a round trip.
 * - room.feed tells everyone that a public channel appeared or changed (created by someone
 *   else, a member count moved): that is news me.events does not carry, so the list is read
 *   again then.
 * me.events also carries the user's unread counts (`room.unread`, in every tab: a new message,
 * or the room read in another tab), written into the cached list at once, and mentions, which
 * raise a browser notification when the tab is hidden and the person turned them on.
 * Both (re)starting re-read the list too, which covers what changed while the connection was
 * down; a slow poll stays as a safety net (it also brings dms with new messages to the top).
 */
export function useRooms() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const storeRoom = useStoreRoom();
  const dropMembership = useDropMembership();
  const storeReadState = useStoreReadState();
  const route = useRoute();
  const openRoomId = route.name === "room" ? route.roomId : null;

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

  const onInbox = (event: InboxEvent) => {
    switch (event.type) {
      case "room.added":
        storeRoom(event.room);
        break;
      case "room.removed":
        // The open room learns why from its own event stream (member.left says who removed
        // us), so only the list changes here; any other room is dropped everywhere.
        if (event.roomId === openRoomId) {
          queryClient.setQueryData(trpc.room.list.queryKey(), (rooms) => rooms && withoutMembership(rooms, event.roomId));
        } else {
          dropMembership(event.roomId);
        }
        break;
      case "room.unread":
        storeReadState(event.roomId, event);
        break;
      case "mention": {
        const room = queryClient.getQueryData<Room[]>(trpc.room.list.queryKey())?.find((r) => r.id === event.roomId);
        const where = room ? ` in ${roomLabel(room)}` : "";
        notify(`${event.message.author.username} mentioned you${where}`, {
          body: event.message.text,
          tag: `mention-${event.message.id}`,
          onClick: () => navigate(roomPath(event.roomId)),
        });
        break;
      }
    }
  };
  const inbox = useSubscription(
    trpc.me.events.subscriptionOptions(
      {},
      {
        onStarted: refresh,
        onData: onInbox,
        onError: (error) => signOutOnUnauthorized(queryClient, error),
      },
    ),
  );
  useRetryAfterError(inbox);

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
        placeholderData: () => queryClient.getQueryData<Room[]>(trpc.room.list.queryKey())?.find((room) => room.id === roomId),
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
    queryClient.setQueryData(trpc.room.list.queryKey(), (rooms) => rooms && upsertRoom(rooms, room));
  };
}

/**
 * Writes a room's read state (counts, read position, newest message) wherever the room is
 * cached. A dm whose newest message moved goes to the top of the dms.
 */
export function useStoreReadState() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (roomId: string, state: Parameters<typeof pickReadState>[0]) => {
    const read = pickReadState(state);
    queryClient.setQueryData(trpc.room.get.queryKey({ roomId }), (room) => room && { ...room, ...read });
    queryClient.setQueryData(trpc.room.list.queryKey(), (rooms) => {
      if (!rooms) return rooms;
      const before = rooms.find((r) => r.id === roomId);
      const next = withReadState(rooms, roomId, read);
      const newer = before?.kind === "dm" && !!read.lastMessageAt && read.lastMessageAt !== before.lastMessageAt;
      return newer ? bumpDm(next, roomId) : next;
    });
  };
}

/**
 * Forgets what only a member could see after the user left or was removed: a private room or
 * dm leaves every cache (the server now answers NOT_FOUND for it); a public channel stays, not
 * joined. Its history goes either way; joining again reads it afresh.
 */
export function useDropMembership() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (roomId: string) => {
    const key = trpc.room.get.queryKey({ roomId });
    const room = queryClient.getQueryData<Room>(key);
    queryClient.setQueryData(trpc.room.list.queryKey(), (rooms) => rooms && withoutMembership(rooms, roomId));
    if (room && room.kind === "channel" && room.visibility === "public") queryClient.setQueryData(key, notJoined(room));
    else queryClient.removeQueries({ queryKey: key, exact: true });
    queryClient.removeQueries({ queryKey: trpc.room.members.queryKey({ roomId }) });
    queryClient.removeQueries({ queryKey: historyKey(roomId) });
  };
}

/** Opens the dm with `username` (made on first use), puts it in the list and goes there. */
export function useOpenDm() {
  const trpc = useTRPC();
  const storeRoom = useStoreRoom();
  const open = useMutation(trpc.dm.open.mutationOptions());
  return async (username: string): Promise<Room> => {
    const room = await open.mutateAsync({ username });
    storeRoom(room);
    navigate(roomPath(room.id));
    return room;
  };
}
