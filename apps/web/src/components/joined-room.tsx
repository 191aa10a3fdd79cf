import { useCallback, useMemo, useState } from "react";
import type { Room, RoomEvent } from "@parley/client";
import { useOutbox, usePendingMessages } from "../hooks/use-outbox";
import { useRoomActivity } from "../hooks/use-room-activity";
import { useRoomChanges } from "../hooks/use-room-changes";
import { useRoomHistory } from "../hooks/use-room-history";
import { useMe } from "../hooks/use-session";
import { useTypingNotifier } from "../hooks/use-typing-notifier";
import { typists } from "../lib/activity";
import { flattenHistory } from "../lib/message-cache";
import { roomLabel } from "../lib/room-list";
import { Composer } from "./composer";
import { MessageLog } from "./message-log";
import { MembersPanel } from "./members-panel";
import { OnlineList } from "./online-list";
import { TypingIndicator } from "./typing-indicator";

/**
 * A room you are a member of: live history, who is typing, the composer, and beside them who is
 * here now and (in a channel) who belongs to it.
 */
export function JoinedRoom({ room }: { room: Room }) {
  const me = useMe();
  const outbox = useOutbox();
  const activity = useRoomActivity(room.id);
  const { stopTyping } = activity;
  const [editingId, setEditingId] = useState<string | null>(null);

  const roomChanges = useRoomChanges(room);
  const onEvent = (event: RoomEvent) => {
    if (event.type === "message.created") stopTyping(event.message.author.id);
    roomChanges(event);
  };
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
          to={roomLabel(room)}
          onSend={(text) => {
            outbox.send(room.id, text);
            typing.sent();
          }}
          onTyping={typing.typed}
          onEditLast={editLast}
        />
      </div>
      <div className="room-side">
        <OnlineList users={activity.online} meId={me.id} />
        {room.kind === "channel" ? <MembersPanel room={room} /> : null}
      </div>
    </div>
  );
}
