import { messages, type Database, type MessageDraft, type SendOutcome, type StoredRoomEvent } from "@parley/db";
import type { Hub } from "../hub/hub";
import { topics } from "../hub/topics";

/** Writes one room's batch; outcomes in draft order (messages.createMessages). */
export type BatchWriter = (roomId: string, drafts: MessageDraft[]) => Promise<SendOutcome[]>;

/** The outcome of one send; `failed` never reaches the caller, it rejects instead. */
export type SendResult = Exclude<SendOutcome, { status: "failed" }>;

/** A place in a room's queue: the draft comes later (null until then), or the place is given up. */
type Place = {
  draft: MessageDraft | null;
  cancelled: boolean;
  resolve: (result: SendResult) => void;
  reject: (error: unknown) => void;
};

/** One room's queue, in arrival order, and whether a write (or a scheduled one) is under way. */
type RoomQueue = { places: Place[]; busy: boolean };

/**
 * A send's place in its room's queue, taken when the send arrives. `submit` fills it with the
 * draft and settles with the send's outcome; `cancel` gives the place up (the send failed before
 * it had a draft). Exactly one of the two must be called.
 */
export type SendTicket = {
  submit(draft: MessageDraft): Promise<SendResult>;
  cancel(): void;
};

/** Sends one batch may hold: bounds the statement's size and the wait of the batch behind it. */
export const MAX_BATCH = 256;

/**
 * Group commit for message.send: concurrent sends to one room are written together. A send takes
 * its place in its room's queue as it arrives (`reserve`), before anything it still has to look
 * up (mentions, the message it replies to), and is written in that place: a send never overtakes
 * one that arrived before it, so one connection's sends are stored in the order it sent them.
 * When no write is in flight for the room, the ready head of the queue is written on the next
 * turn of the event loop (so the sends of one socket frame go together); sends ready while a
 * write is in flight form the next batch; a place still waiting for its draft holds back the
 * places behind it. No timer: a lone send waits for nothing, and under load a batch is whatever
 * arrived during one round trip, so batches grow with the load.
 *
 * One write per room at a time keeps a server's batches for a room in commit order; each batch's
 * events are published in sequence order before its sends are answered. Rooms are independent.
 */
export class SendBatcher {
  private readonly rooms = new Map<string, RoomQueue>();

  constructor(
    private readonly write: BatchWriter,
    private readonly publish: (event: StoredRoomEvent) => void,
    private readonly maxBatch = MAX_BATCH,
  ) {}

  /** Queues one send that is ready now; settles with its own outcome once committed and published. */
  send(roomId: string, draft: MessageDraft): Promise<SendResult> {
    return this.reserve(roomId).submit(draft);
  }

  /** Takes the next place in the room's queue for a send whose draft is not ready yet. */
  reserve(roomId: string): SendTicket {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = { places: [], busy: false };
      this.rooms.set(roomId, room);
    }
    const queue = room;
    let resolve: (result: SendResult) => void = () => {};
    let reject: (error: unknown) => void = () => {};
    const outcome = new Promise<SendResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const place: Place = { draft: null, cancelled: false, resolve, reject };
    queue.places.push(place);
    let used = false;
    const use = () => {
      if (used) throw new Error("A send ticket is used once");
      used = true;
    };
    return {
      submit: (draft) => {
        use();
        place.draft = draft;
        this.schedule(roomId, queue);
        return outcome;
      },
      cancel: () => {
        use();
        place.cancelled = true;
        this.schedule(roomId, queue);
      },
    };
  }

  /** Starts a drain on the next turn unless one is under way (it picks up what is ready). */
  private schedule(roomId: string, room: RoomQueue): void {
    if (room.busy) return;
    room.busy = true;
    setImmediate(() => void this.drain(roomId, room));
  }

  /** Writes the room's ready places a batch at a time, in queue order, until one is not ready. */
  private async drain(roomId: string, room: RoomQueue): Promise<void> {
    for (;;) {
      const batch: Place[] = [];
      while (batch.length < this.maxBatch) {
        const head = room.places[0];
        if (!head || (!head.cancelled && head.draft === null)) break;
        room.places.shift();
        if (!head.cancelled) batch.push(head);
      }
      if (batch.length === 0) break;
      try {
        const outcomes = await this.write(
          roomId,
          batch.map((p) => p.draft as MessageDraft),
        );
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
    room.busy = false;
    // Empty: forget the room (a place reserved later makes a new queue). Otherwise the head waits
    // for its draft, and submitting it schedules the next drain.
    if (room.places.length === 0 && this.rooms.get(roomId) === room) this.rooms.delete(roomId);
  }
}

/** The server's batcher: writes with messages.createMessages, publishes through the hub. */
export function createSendBatcher(db: Database, hub: Hub): SendBatcher {
  return new SendBatcher(
    (roomId, drafts) => messages.createMessages(db, roomId, drafts),
    (event) => hub.publish(topics.roomEvents(event.roomId), event),
  );
}
