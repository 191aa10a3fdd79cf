import { messages, type Database, type MessageDraft, type SendOutcome, type StoredRoomEvent } from "@parley/db";
import type { Hub } from "../hub/hub";
import { topics } from "../hub/topics";

/** Writes one room's batch; outcomes in draft order (messages.createMessages). */
export type BatchWriter = (roomId: string, drafts: MessageDraft[]) => Promise<SendOutcome[]>;

/** The outcome of one send; `failed` never reaches the caller, it rejects instead. */
export type SendResult = Exclude<SendOutcome, { status: "failed" }>;

type Pending = { draft: MessageDraft; resolve: (result: SendResult) => void; reject: (error: unknown) => void };

/** Sends one batch may hold: bounds the statement's size and the wait of the batch behind it. */
export const MAX_BATCH = 256;

/**
 * Group commit for message.send: concurrent sends to one room are written together. A send joins
 * its room's queue; when no write is in flight for the room, the queue is written on the next turn
 * of the event loop (so the sends of one socket frame go together); sends arriving while a write
 * is in flight form the next batch. No timer: a lone send waits for nothing, and under load a
 * batch is whatever arrived during one round trip, so batches grow with the load.
 *
 * One write per room at a time keeps a server's batches for a room in commit order; each batch's
 * events are published in sequence order before its sends are answered. Rooms are independent.
 */
export class SendBatcher {
  private readonly rooms = new Map<string, Pending[]>();

  constructor(
    private readonly write: BatchWriter,
    private readonly publish: (event: StoredRoomEvent) => void,
    private readonly maxBatch = MAX_BATCH,
  ) {}

  /** Queues one send; settles with its own outcome once its batch is committed and published. */
  send(roomId: string, draft: MessageDraft): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      const queue = this.rooms.get(roomId);
      if (queue) {
        queue.push({ draft, resolve, reject });
        return;
      }
      // No write in flight: this room's queue exists from now until its last batch is answered.
      this.rooms.set(roomId, [{ draft, resolve, reject }]);
      setImmediate(() => void this.drain(roomId));
    });
  }

  /** Writes the room's queue a batch at a time until it is empty. */
  private async drain(roomId: string): Promise<void> {
    const queue = this.rooms.get(roomId);
    if (!queue) return;
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.write(roomId, batch.map((p) => p.draft));
        // Publish in sequence order first, then answer: by the time a sender has its
        // acknowledgement, its event is on its way to every subscriber.
        const events = outcomes.flatMap((o) => (o.status === "created" ? [o.event] : []));
        events.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
        for (const event of events) this.publish(event);
        for (const [i, pending] of batch.entries()) {
          const outcome = outcomes[i];
          if (!outcome) pending.reject(new Error(`No outcome for send ${i} of ${batch.length}`));
          else if (outcome.status === "failed") pending.reject(outcome.error);
          else pending.resolve(outcome);
        }
      } catch (error) {
        // The write failed as a whole (or publishing threw): every send not answered yet fails.
        for (const pending of batch) pending.reject(error);
      }
    }
    this.rooms.delete(roomId);
  }
}

/** The server's batcher: writes with messages.createMessages, publishes through the hub. */
export function createSendBatcher(db: Database, hub: Hub): SendBatcher {
  return new SendBatcher(
    (roomId, drafts) => messages.createMessages(db, roomId, drafts),
    (event) => hub.publish(topics.roomEvents(event.roomId), event),
  );
}
