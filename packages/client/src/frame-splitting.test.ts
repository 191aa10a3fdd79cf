import { describe, expect, it } from "vitest";
import { splitOversizedBatches } from "./frame-splitting";

class RecordingSocket {
  static readonly OPEN = 1;
  readonly sent: unknown[] = [];
  constructor(readonly url: string) {}
  send(data: unknown): void {
    this.sent.push(data);
  }
}

describe("splitOversizedBatches", () => {
  const Split = splitOversizedBatches(RecordingSocket as unknown as typeof WebSocket, 1_000);

  it("sends a batch that fits as it is", () => {
    const socket = new Split("ws://x") as unknown as RecordingSocket;
    const batch = JSON.stringify([{ id: 1 }, { id: 2 }]);
    socket.send(batch);
    expect(socket.sent).toEqual([batch]);
  });

  it("sends an oversized batch as one frame per request, in order", () => {
    const socket = new Split("ws://x") as unknown as RecordingSocket;
    const messages = [1, 2, 3].map((id) => ({ id, method: "mutation", params: { input: { text: "é".repeat(200) } } }));
    socket.send(JSON.stringify(messages));
    expect(socket.sent.map((frame) => JSON.parse(String(frame)))).toEqual(messages);
  });

  it("never touches single requests or binary frames, and keeps the class's statics", () => {
    const socket = new Split("ws://x") as unknown as RecordingSocket;
    const single = JSON.stringify({ id: 1, text: "x".repeat(5_000) });
    socket.send(single);
    expect(socket.sent).toEqual([single]);
    expect((Split as unknown as { OPEN: number }).OPEN).toBe(1);
  });
});
