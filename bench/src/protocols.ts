// The three wire protocols the load generator speaks, each reduced to the few frames the bench
// needs: authenticate, subscribe to one room, publish with an acknowledgement, answer keep-alives.
// Frames are matched by prefix instead of JSON.parse, so the generator stays cheap.

export interface WireProtocol {
  /** WebSocket URL for a server listening on `hostPort` ("127.0.0.1:1234"). */
  url(hostPort: string): string;
  /** Frames sent as soon as the socket opens (authentication, namespace connect). */
  hello(token: string): string[];
  /** When the server must answer the hello before anything else is sent: that answer's test. */
  helloAnswered: ((frame: string) => boolean) | null;
  /** The frame that subscribes this connection to the room. */
  subscribe(roomId: string): string;
  /** "ok" when `frame` confirms the subscription, "error" when it refuses it, else null. */
  subscribeResult(frame: string): "ok" | "error" | null;
  /** A publish of `text` into the room, correlated by `id` (≥ 2). */
  publish(id: number, roomId: string, text: string): string;
  /** The id `frame` acknowledges (negative when the server answered with an error), or 0. */
  ackId(frame: Buffer): number;
  /** The reply a keep-alive probe wants, or null when `frame` is none. */
  keepAlive(frame: Buffer): string | null;
}

/** Reads the decimal number starting at `buf[at]`; returns [value, index after it]. */
function readInt(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let i = at;
  while (i < buf.length) {
    const c = buf[i] ?? 0;
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
    i++;
  }
  return [value, i];
}

const startsWith = (buf: Buffer, prefix: Buffer): boolean =>
  buf.length >= prefix.length && buf.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

const TRPC_ID = Buffer.from('{"id":');
const TRPC_PING = Buffer.from("PING");
const TRPC_ERROR = Buffer.from(',"error"');

/**
 * tRPC v11's WebSocket protocol (@trpc/server adapters/ws, @trpc/client wsLink): connection
 * params first, then JSON-RPC-like requests; subscription results carry {type: started|data}.
 * The server sends "PING" after 30 s of client silence and drops sockets that do not answer.
 */
export const trpcProtocol: WireProtocol = {
  url: (hostPort) => `ws://${hostPort}/trpc?connectionParams=1`,
  hello: (token) => [JSON.stringify({ method: "connectionParams", data: { token } })],
  helloAnswered: null, // the adapter holds requests until the connection params are processed
  subscribe: (roomId) => JSON.stringify({ id: 1, method: "subscription", params: { path: "room.events", input: { roomId } } }),
  subscribeResult(frame) {
    if (!frame.startsWith('{"id":1,')) return null;
    if (frame.includes('"type":"started"')) return "ok";
    return frame.includes('"error"') ? "error" : null;
  },
  publish: (id, roomId, text) =>
    `{"id":${id},"method":"mutation","params":{"path":"message.send","input":{"roomId":${JSON.stringify(roomId)},"text":${JSON.stringify(text)}}}}`,
  ackId(frame) {
    if (!startsWith(frame, TRPC_ID)) return 0;
    const [id, end] = readInt(frame, TRPC_ID.length);
    const isError = frame.compare(TRPC_ERROR, 0, TRPC_ERROR.length, end, end + TRPC_ERROR.length) === 0;
    return isError ? -id : id;
  },
  keepAlive: (frame) => (frame.length === 4 && frame.equals(TRPC_PING) ? "PONG" : null),
};

/**
 * tRPC as the web app uses it: each connection also holds `me.events` (unread counts and
 * mentions), in the same frame as its room.events subscription (the adapter takes arrays).
 * Its `room.unread` frames carry no message text, so they never count as deliveries.
 */
export const trpcInboxProtocol: WireProtocol = {
  ...trpcProtocol,
  subscribe: (roomId) =>
    JSON.stringify([
      { id: 1, method: "subscription", params: { path: "room.events", input: { roomId } } },
      { id: 2, method: "subscription", params: { path: "me.events", input: {} } },
    ]),
};

const SIO_ACK = Buffer.from("43");

/**
 * Socket.IO 4 over Engine.IO 4, WebSocket transport only: "40" joins the default namespace,
 * `42<id>[event,…]` emits with an ack that comes back as `43<id>[…]`, "2" is a ping wanting "3".
 */
export const socketIoProtocol: WireProtocol = {
  url: (hostPort) => `ws://${hostPort}/socket.io/?EIO=4&transport=websocket`,
  hello: () => ["40"],
  // An event sent before the namespace connect completes makes the server close the socket.
  helloAnswered: (frame) => frame.startsWith("40"),
  subscribe: (roomId) => `421${JSON.stringify(["join", roomId])}`,
  subscribeResult(frame) {
    if (frame.startsWith("431")) return "ok";
    return frame.startsWith("44") ? "error" : null;
  },
  publish: (id, roomId, text) => `42${id}${JSON.stringify(["send", { roomId, text }])}`,
  ackId(frame) {
    if (!startsWith(frame, SIO_ACK)) return 0;
    return readInt(frame, 2)[0];
  },
  keepAlive: (frame) => (frame.length === 1 && frame[0] === 0x32 ? "3" : null),
};

const RAW_ACK = Buffer.from('{"op":"ack","id":');

/** The bare ws server's own protocol (bench/servers/raw-ws.mjs). */
export const rawWsProtocol: WireProtocol = {
  url: (hostPort) => `ws://${hostPort}/`,
  hello: () => [],
  helloAnswered: null,
  subscribe: () => '{"op":"sub"}',
  subscribeResult: (frame) => (frame === '{"op":"subscribed"}' ? "ok" : null),
  publish: (id, _roomId, text) => `{"op":"pub","id":${id},"text":${JSON.stringify(text)}}`,
  ackId(frame) {
    if (!startsWith(frame, RAW_ACK)) return 0;
    return readInt(frame, RAW_ACK.length)[0];
  },
  keepAlive: () => null,
};

/** Reads the decimal integer in `buf` at `at` (exported for the delivery parser). */
export { readInt };
