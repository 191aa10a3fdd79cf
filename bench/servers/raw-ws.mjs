// The floor Parley is compared with: a bare `ws` server holding one room in a Set. A publish is
// serialized once and written to every subscriber with a loop of ws.send, then acknowledged.
// Wire protocol (JSON text frames), kept to the same shapes as Parley's:
//   → {"op":"sub"}                        ← {"op":"subscribed"}
//   → {"op":"pub","id":n,"text":"…"}      ← {"op":"ack","id":n}   and to every subscriber:
//   ← {"type":"message.created","message":{"id":…,"roomId":…,"author":…,"text":"…","createdAt":…}}
// Prints "listening on <port>" when ready. PORT and HOST come from the environment.
import { randomUUID } from "node:crypto";
import http from "node:http";
import { WebSocketServer } from "ws";

/** @type {Set<import("ws").WebSocket>} */
const subscribers = new Set();
const roomId = randomUUID();
const author = { id: randomUUID(), username: "sender" };

const server = http.createServer((_req, res) => res.end("ok"));
const wss = new WebSocketServer({ server });
wss.on("connection", (ws) => {
  ws.on("message", (/** @type {Buffer} */ data) => {
    /** @type {{ op?: unknown, id?: unknown, text?: unknown }} */
    const msg = JSON.parse(data.toString());
    if (msg.op === "sub") {
      subscribers.add(ws);
      ws.send('{"op":"subscribed"}');
    } else if (msg.op === "pub") {
      const event = JSON.stringify({
        type: "message.created",
        message: { id: randomUUID(), roomId, author, text: msg.text, createdAt: new Date().toISOString() },
      });
      for (const sub of subscribers) sub.send(event);
      ws.send(`{"op":"ack","id":${Number(msg.id)}}`);
    }
  });
  ws.on("close", () => subscribers.delete(ws));
  ws.on("error", () => ws.terminate());
});
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  console.log(`listening on ${port}`);
});
process.on("SIGTERM", () => process.exit(0));
