/** The largest frame a Parley server accepts: its WebSocket maxPayload. */
export const SERVER_MAX_FRAME_BYTES = 64 * 1024;

type WebSocketClass = typeof globalThis.WebSocket;
type SendData = Parameters<InstanceType<WebSocketClass>["send"]>[0];

/** UTF-8 length of `text`, counted only when it could matter. */
function fits(text: string, maxBytes: number): boolean {
  if (text.length * 3 <= maxBytes) return true; // no UTF-8 string is longer than 3 bytes a unit
  return new TextEncoder().encode(text).length <= maxBytes;
}

/**
 * tRPC's WebSocket client sends every request queued in one tick as one JSON array frame. A burst
 * of long messages, or the re-send of everything pending after a reconnect, can then exceed the
 * server's frame limit: the server closes the connection, the client reconnects and sends the
 * same batch again, forever. This wraps a WebSocket class so that such a batch goes out as one
 * frame per request instead; the server answers each exactly as it would have in the batch.
 */
export function splitOversizedBatches(Base: WebSocketClass, maxBytes = SERVER_MAX_FRAME_BYTES - 1024): WebSocketClass {
  const Constructor = Base as unknown as new (...args: unknown[]) => InstanceType<WebSocketClass>;
  class BatchSplittingWebSocket extends Constructor {
    override send(data: SendData): void {
      if (typeof data === "string" && data.startsWith("[") && !fits(data, maxBytes)) {
        for (const message of JSON.parse(data) as unknown[]) super.send(JSON.stringify(message));
        return;
      }
      super.send(data);
    }
  }
  // Keep the static readyState constants (CONNECTING, OPEN, …) that callers compare against.
  return BatchSplittingWebSocket as unknown as WebSocketClass;
}
