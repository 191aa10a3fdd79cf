import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useConnection } from "../hooks/use-connection";
import { NoticeProvider } from "../hooks/use-notice";
import { OutboxProvider } from "../hooks/use-outbox";
import { useRoute } from "../lib/router";
import { useTRPC } from "../lib/trpc";
import { HashIcon } from "./icons";
import { NoticeToast } from "./notice-toast";
import { RoomView } from "./room-view";
import { Sidebar } from "./sidebar";
import "./chat.css";

/**
 * The signed-in app: rooms on the left, the open room on the right. On a phone they are two
 * screens (`/` and `/rooms/:id`), switched by the URL.
 */
export function ChatApp() {
  const route = useRoute();
  const connection = useConnection();
  const queryClient = useQueryClient();
  const trpc = useTRPC();

  // Subscriptions resume by themselves after a reconnect; plain queries are refreshed here.
  useEffect(
    () =>
      connection.onReconnect(() => {
        void queryClient.invalidateQueries({ queryKey: trpc.room.pathKey() });
      }),
    [connection, queryClient, trpc],
  );

  const roomId = route.name === "room" ? route.roomId : null;
  return (
    <OutboxProvider>
      <NoticeProvider>
        <NoticeToast />
        <div className="chat" data-screen={route.name}>
          <Sidebar activeRoomId={roomId} />
          <main className="chat-main">
            {roomId ? (
              <RoomView key={roomId} roomId={roomId} />
            ) : (
              <div className="empty-state no-room">
                <span className="empty-icon" aria-hidden="true">
                  <HashIcon />
                </span>
                <h1>Pick a room</h1>
                <p>Choose a room on the left, or create one and invite people in.</p>
              </div>
            )}
          </main>
        </div>
      </NoticeProvider>
    </OutboxProvider>
  );
}
