import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Message, Room, RoomEvent } from "@parley/client";
import { useMarkRead } from "../hooks/use-mark-read";
import { useNotice } from "../hooks/use-notice";
import { useOutbox, usePendingMessages } from "../hooks/use-outbox";
import { usePageVisible } from "../hooks/use-page-visible";
import { useRoomActivity } from "../hooks/use-room-activity";
import { useRoomChanges } from "../hooks/use-room-changes";
import { historyKey, useRoomHistory } from "../hooks/use-room-history";
import { useMe } from "../hooks/use-session";
import { useTypingNotifier } from "../hooks/use-typing-notifier";
import { useUnreadAnchor } from "../hooks/use-unread-anchor";
import { typists } from "../lib/activity";
import { clearFocus, useFocusRequest, type FocusRequest } from "../lib/focus-request";
import { flattenHistory, historyEventId, type MessageHistory } from "../lib/message-cache";
import { roomLabel } from "../lib/room-list";
import { isAfter } from "../lib/unread";
import { parseRoute } from "../lib/router";
import { useTRPC } from "../lib/trpc";
import { Composer } from "./composer";
import { MessageLog } from "./message-log";
import { MembersPanel } from "./members-panel";
import { OnlineList } from "./online-list";
import { TypingIndicator } from "./typing-indicator";

/**
 * A room you are a member of: live history, who is typing, the composer, and beside them who is
 * here now and (in a channel) who belongs to it. Reading it marks it read (at the bottom, tab
 * shown); replies and jumps to a message (a quote, a search result) are handled here.
 */
export function JoinedRoom({ room }: { room: Room }) {
  const me = useMe();
  const trpc = useTRPC();
  const { notify } = useNotice();
  const visible = usePageVisible();
  const [atBottom, setAtBottom] = useState(false);
  const reading = atBottom && visible;
  const readingRef = useRef(reading);
  readingRef.current = reading;
  const outbox = useOutbox();
  const activity = useRoomActivity(room.id);
  const { stopTyping } = activity;
  const [editingId, setEditingId] = useState<string | null>(null);

  const roomChanges = useRoomChanges(room);
  const arrivedRef = useRef<(message: Message, eventId: string, reading: boolean) => void>(() => {});
  const onEvent = (event: RoomEvent, eventId: string) => {
    if (event.type === "message.created") {
      stopTyping(event.message.author.id);
      arrivedRef.current(event.message, eventId, readingRef.current);
    }
    roomChanges(event);
  };
  const { history, loadOlder } = useRoomHistory(room.id, onEvent);
  const messages = useMemo(() => flattenHistory(history.data), [history.data]);
  const pending = usePendingMessages(room.id);
  const typing = useTypingNotifier(room.id);
  const hasOlder = history.hasNextPage;

  const newestEventId = historyEventId(history.data);
  const unread = useUnreadAnchor(room, messages, newestEventId, history.data !== undefined, hasOlder, me.id);
  arrivedRef.current = unread.arrived;
  useMarkRead(room, newestEventId, reading);

  // Leaving with something unread, or with a history ahead of the read position (an event came
  // while the reader was scrolled up, or before its markRead was answered), drops the cached
  // history: the next visit reads it afresh, and finds its first unread message by counting (see
  // useUnreadAnchor). Counting over a kept history that is ahead would put the divider above
  // messages already read.
  const queryClient = useQueryClient();
  const latest = useRef(room);
  latest.current = room;
  useEffect(
    () => () => {
      const roomId = latest.current.id;
      // Still on this room (React's development double mount): nothing was left.
      const route = parseRoute(window.location.pathname);
      if (route.name === "room" && route.roomId === roomId) return;
      const now = queryClient.getQueryData<Room>(trpc.room.get.queryKey({ roomId })) ?? latest.current;
      const cachedUpTo = historyEventId(queryClient.getQueryData<MessageHistory>(historyKey(roomId)));
      const ahead = cachedUpTo !== null && isAfter(cachedUpTo, now.lastReadEventId);
      if (now.unreadCount > 0 || ahead) queryClient.removeQueries({ queryKey: historyKey(roomId) });
    },
    [queryClient, trpc],
  );

  const members = useQuery(trpc.room.members.queryOptions({ roomId: room.id }));
  const names = useMemo(() => new Map(members.data?.map((m) => [m.user.id, m.user.username]) ?? []), [members.data]);
  const nameOf = useCallback((userId: string) => names.get(userId) ?? null, [names]);
  const mentionable = useMemo(() => members.data?.map((m) => m.user).filter((user) => user.id !== me.id) ?? [], [members.data, me.id]);

  const [replyTo, setReplyTo] = useState<Message | null>(null);

  // A message to show: a reply's original (clicked here) or a search result (asked before the
  // room opened). Older pages load until it is there, or there are none left.
  const searched = useFocusRequest(room.id);
  const [jump, setJump] = useState<FocusRequest | null>(null);
  const reveal = jump ?? searched;
  const onRevealed = useCallback((request: FocusRequest) => {
    setJump((current) => (current?.nonce === request.nonce ? null : current));
    clearFocus(request);
  }, []);
  const onJump = useCallback((messageId: string) => setJump({ roomId: room.id, messageId, nonce: Date.now() }), [room.id]);
  const revealLoaded = reveal ? messages.some((m) => m.id === reveal.messageId) : true;
  useEffect(() => {
    if (!reveal || revealLoaded || history.data === undefined || history.isFetchingNextPage) return;
    if (hasOlder) {
      void loadOlder();
      return;
    }
    notify("That message is no longer in this room.");
    onRevealed(reveal);
  }, [reveal, revealLoaded, history.data, history.isFetchingNextPage, hasOlder, loadOlder, notify, onRevealed]);

  const editLast = useCallback(() => {
    const mine = messages.filter((m) => m.author.id === me.id);
    const last = mine[mine.length - 1];
    if (last) setEditingId(last.id);
  }, [messages, me.id]);

  return (
    <div className="room-body">
      <div className="room-main">
        <MessageLog
          room={room}
          me={me}
          messages={messages}
          pending={pending}
          loading={history.isPending}
          hasOlder={hasOlder}
          loadingOlder={history.isFetchingNextPage}
          onLoadOlder={() => void loadOlder()}
          editingId={editingId}
          onEditingChange={setEditingId}
          unreadAnchorId={unread.anchor}
          reveal={revealLoaded ? reveal : null}
          onRevealed={onRevealed}
          onBottomChange={setAtBottom}
          nameOf={nameOf}
          onReply={setReplyTo}
          onJump={onJump}
        />
        <TypingIndicator users={typists(activity)} />
        <Composer
          to={roomLabel(room)}
          onSend={(text) => {
            outbox.send(room.id, text, replyTo?.id ?? null);
            setReplyTo(null);
            typing.sent();
          }}
          onTyping={typing.typed}
          onEditLast={editLast}
          members={mentionable}
          replyTo={replyTo}
          onCancelReply={() => setReplyTo(null)}
        />
      </div>
      <div className="room-side">
        <OnlineList users={activity.online} meId={me.id} />
        {room.kind === "channel" ? <MembersPanel room={room} /> : null}
      </div>
    </div>
  );
}
