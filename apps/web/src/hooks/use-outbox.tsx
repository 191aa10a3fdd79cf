import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { upsertMessage, type MessageHistory } from "../lib/message-cache";
import { Outbox, type PendingMessage } from "../lib/outbox";
import { useTRPCClient } from "../lib/trpc";
import { useConnection } from "./use-connection";
import { historyKey } from "./use-room-history";

const OutboxContext = createContext<Outbox | null>(null);

/**
 * One outbox per signed-in session. A confirmed message goes straight into the room's history
 * (its event may come before or after; the cache keeps one copy), and whatever a dropped
 * connection interrupted is sent again, with the same clientMsgId, once the socket is back.
 */
export function OutboxProvider({ children }: { children: ReactNode }) {
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const connection = useConnection();
  const [outbox] = useState(
    () =>
      new Outbox(
        (input) => client.message.send.mutate(input),
        (message) =>
          queryClient.setQueryData<MessageHistory>(historyKey(message.roomId), (old) => (old ? upsertMessage(old, message) : old)),
      ),
  );
  useEffect(() => connection.onReconnect(() => outbox.retryInterrupted()), [connection, outbox]);
  return <OutboxContext.Provider value={outbox}>{children}</OutboxContext.Provider>;
}

/** The session's outbox. */
export function useOutbox(): Outbox {
  const outbox = useContext(OutboxContext);
  if (!outbox) throw new Error("useOutbox() needs an <OutboxProvider>");
  return outbox;
}

/** Messages still on their way to `roomId`, oldest first. */
export function usePendingMessages(roomId: string): PendingMessage[] {
  const outbox = useOutbox();
  const all = useSyncExternalStore(outbox.subscribe, outbox.getSnapshot);
  return all.filter((item) => item.roomId === roomId);
}
