import { tracked, type TrackedEnvelope } from "@trpc/server";

// The fast path for live room events. tRPC's own WebSocket adapter turns every event of every
// subscriber into an async-generator step, a response object and a JSON.stringify; a room of a
// thousand subscribers paid that a thousand times per message. A subscription that returns a
// DirectStream is instead driven by Parley's WebSocket adapter (apps/server/src/ws): the room's
// stream serialises each event once per server (an EventFrame) and the adapter writes
// `prefix + frame.tail` to each subscriber's socket, where the prefix holds that subscriber's
// request id. Everything else about the subscription (routing, input validation, middleware,
// started/stopped/error) stays tRPC's.

/** One event, serialised once for every subscriber on this server. */
export type EventFrame<T> = {
  /** The public event id (tRPC's tracked id). */
  readonly id: string;
  readonly event: T;
  /** The end of a tRPC data response for this event: what follows `{"id":<request id>,"result":`. */
  readonly tail: string;
};

/** Builds the frame of a tracked event, in tRPC's wire shape: `{ type: "data", id, data: { id, data } }`. */
export function eventFrame<T>(id: string, event: T, json: string = JSON.stringify(event)): EventFrame<T> {
  const quoted = JSON.stringify(id);
  return { id, event, tail: `{"type":"data","id":${quoted},"data":{"id":${quoted},"data":${json}}}}` };
}

/** The start of every response to request `requestId`, to which an EventFrame's tail is appended. */
export function responsePrefix(requestId: string | number, jsonrpc?: "2.0"): string {
  return `{"id":${JSON.stringify(requestId)},${jsonrpc ? `"jsonrpc":"2.0",` : ""}"result":`;
}

/** Where a DirectStream writes: one subscription on one socket. */
export interface FrameSink<T> {
  /** Sends one event. */
  write(frame: EventFrame<T>): void;
  /** Bytes queued on the socket and not yet sent. */
  readonly bufferedAmount: number;
  /** Resolves once the socket's queue is below `bytes`, or the subscription has ended. */
  drained(bytes: number): Promise<void>;
  /** Ends the subscription normally: the client is told `stopped`. */
  end(): void;
  /** Ends the subscription with an error response. */
  fail(error: unknown): void;
  /** The socket cannot keep up: drop it. Its client reconnects and resumes from its last event id. */
  dropSocket(): void;
}

const DIRECT = Symbol.for("parley.directStream");

/**
 * A subscription result that the WebSocket adapter drives with `run(sink)` after it has sent
 * `started`. It is also an ordinary async iterable of tracked events, for callers that are not
 * Parley's adapter (createCaller in tests), so tRPC infers the subscription's output type from it.
 */
export abstract class DirectStream<T> implements AsyncIterable<TrackedEnvelope<T>> {
  readonly [DIRECT] = true;

  /** Starts delivering. Must stop writing once the procedure's signal aborts. */
  abstract run(sink: FrameSink<T>): void;

  /** Stops delivering and lets go of what the stream holds (as an abort of its signal does). */
  abstract cancel(): void;

  [Symbol.asyncIterator](): AsyncIterator<TrackedEnvelope<T>> {
    return iterate(this);
  }
}

export function isDirectStream(value: unknown): value is DirectStream<unknown> {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[DIRECT] === true;
}

/** Runs a DirectStream into an async iterator (unbounded buffer: for tests and tools, not the hot path). */
async function* iterate<T>(stream: DirectStream<T>): AsyncGenerator<TrackedEnvelope<T>> {
  const buffered: EventFrame<T>[] = [];
  let ended = false;
  let failure: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  stream.run({
    write(frame) {
      buffered.push(frame);
      notify();
    },
    bufferedAmount: 0,
    drained: () => Promise.resolve(),
    end() {
      ended = true;
      notify();
    },
    fail(error) {
      failure = { error };
      notify();
    },
    dropSocket() {
      ended = true;
      notify();
    },
  });
  try {
    for (;;) {
      const frame = buffered.shift();
      if (frame) {
        yield tracked(frame.id, frame.event);
        continue;
      }
      if (failure) throw (failure as { error: unknown }).error;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stream.cancel();
  }
}
