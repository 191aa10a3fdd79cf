import type { Message } from "@parley/client";
import { newClientMsgId } from "./client-msg-id";
import { isConnectionError, messageOf } from "./errors";

export type PendingMessage = {
  clientMsgId: string;
  roomId: string;
  text: string;
  /** The message it answers, if any. */
  replyToId: string | null;
  createdAt: string;
  status: "sending" | "failed";
  /** Why the last attempt failed. */
  error: string | null;
  /** The attempt never reached the server: try again by itself when the socket is back. */
  retryOnReconnect: boolean;
};

export type SendMessage = (input: { roomId: string; text: string; clientMsgId: string; replyToId?: string }) => Promise<Message>;

/**
 * Messages typed but not yet confirmed, per room. Each keeps its clientMsgId across retries,
 * so a retry after a dropped connection can never store it twice. A room's messages go to the
 * server one at a time, in the order they were typed (or retried): each send starts once the
 * one before it is answered, so the server stores them in that order (see the README's
 * "Message order"). A tiny external store for useSyncExternalStore.
 */
export class Outbox {
  private items: PendingMessage[] = [];
  /** Per room, the last send queued: the next one starts when it has settled. */
  private readonly lines = new Map<string, Promise<void>>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly sendMessage: SendMessage,
    private readonly onConfirmed: (message: Message) => void,
  ) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): readonly PendingMessage[] => this.items;

  /** Queues `text` for `roomId` and sends it; it shows as pending until the server confirms. */
  send(roomId: string, text: string, replyToId: string | null = null): void {
    const item: PendingMessage = {
      clientMsgId: newClientMsgId(),
      roomId,
      text,
      replyToId,
      createdAt: new Date().toISOString(),
      status: "sending",
      error: null,
      retryOnReconnect: false,
    };
    this.set([...this.items, item]);
    this.attempt(item);
  }

  /** Sends a failed message again, with its original clientMsgId. */
  retry(clientMsgId: string): void {
    const item = this.items.find((i) => i.clientMsgId === clientMsgId);
    if (item && item.status === "failed") this.attempt(item);
  }

  /** Gives up on a failed message. */
  discard(clientMsgId: string): void {
    this.set(this.items.filter((i) => i.clientMsgId !== clientMsgId));
  }

  /** The socket is back: resend what a dropped connection interrupted. */
  retryInterrupted(): void {
    for (const item of this.items) if (item.status === "failed" && item.retryOnReconnect) this.attempt(item);
  }

  private attempt(item: PendingMessage): void {
    this.patch(item.clientMsgId, { status: "sending", error: null, retryOnReconnect: false });
    const reply = item.replyToId ? { replyToId: item.replyToId } : {};
    const go = () => this.sendMessage({ roomId: item.roomId, text: item.text, clientMsgId: item.clientMsgId, ...reply });
    // Nothing ahead of it in this room: it leaves now; otherwise when the one ahead settles.
    const before = this.lines.get(item.roomId);
    const sent = (before ? before.then(go) : go()).then(
      (message) => {
        this.onConfirmed(message);
        this.discard(item.clientMsgId);
      },
      (error: unknown) => {
        const interrupted = isConnectionError(error);
        this.patch(item.clientMsgId, {
          status: "failed",
          error: interrupted ? "Not sent: the connection dropped." : messageOf(error),
          retryOnReconnect: interrupted,
        });
      },
    );
    this.lines.set(item.roomId, sent);
    void sent.then(() => {
      if (this.lines.get(item.roomId) === sent) this.lines.delete(item.roomId);
    });
  }

  private patch(clientMsgId: string, patch: Partial<PendingMessage>): void {
    this.set(this.items.map((i) => (i.clientMsgId === clientMsgId ? { ...i, ...patch } : i)));
  }

  private set(items: PendingMessage[]): void {
    this.items = items;
    for (const listener of this.listeners) listener();
  }
}
