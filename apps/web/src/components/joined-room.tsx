import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import type { Room, RoomEvent } from "@parley/client";
import { useOutbox, usePendingMessages } from "../hooks/use-outbox";
import { useRoomActivity } from "../hooks/use-room-activity";
import { useRoomHistory } from "../hooks/use-room-history";
import { useMe } from "../hooks/use-session";
import { useTypingNotifier } from "../hooks/use-typing-notifier";
import { typists } from "../lib/activity";
import { flattenHistory } from "../lib/message-cache";
import { useTRPC } from "../lib/trpc";
import { Composer } from "./composer";
import { MessageLog } from "./message-log";
import { OnlineList } from "./online-list";
import { TypingIndicator } from "./typing-indicator";

/** A room you are a member of: live history, who is here and typing, and the composer. */
export function JoinedRoom({ room }: { room: Room }) {
  const me = useMe();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const outbox = useOutbox();
  const activity = useRoomActivity(room.id);
  const { stopTyping } = activity;
  const [editingId, setEditingId] = useState<string | null>(null);

  const onEvent = useCallback(
    (event: RoomEvent) => {
      if (event.type === "message.created") stopTyping(event.message.author.id);
      if (event.type === "member.joined" || event.type === "member.left") {
        void queryClient.invalidateQueries({ queryKey: trpc.room.get.queryKey({ roomId: room.id }) });
        void queryClient.invalidateQueries({ queryKey: trpc.room.list.queryKey() });
      }
    },
    [queryClient, room.id, stopTyping, trpc],
  );
  const { history, loadOlder } = useRoomHistory(room.id, onEvent);
  const messages = useMemo(() => flattenHistory(history.data), [history.data]);
  const pending = usePendingMessages(room.id);
  const typing = useTypingNotifier(room.id);

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
          hasOlder={history.hasNextPage}
          loadingOlder={history.isFetchingNextPage}
          onLoadOlder={() => void loadOlder()}
          editingId={editingId}
          onEditingChange={setEditingId}
        />
        <TypingIndicator users={typists(activity)} />
        <Composer
          roomName={room.name}
          onSend={(text) => {
            outbox.send(room.id, text);
            typing.sent();
          }}
          onTyping={typing.typed}
          onEditLast={editLast}
        />
      </div>
      <OnlineList users={activity.online} meId={me.id} />
    </div>
  );
}
