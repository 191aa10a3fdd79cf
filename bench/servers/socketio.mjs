// Socket.IO in its idiomatic form, for comparison: a room per socket.join and io.to(room).emit.
// Events (Socket.IO acks answer both):
//   emit("join", roomId, ack)              ack()
//   emit("send", { text }, ack)            ack({ id }); every socket in the room gets
//   "event" {"type":"message.created","message":{"id":…,"roomId":…,"author":…,"text":"…","createdAt":…}}
// Prints "listening on <port>" when ready. PORT and HOST come from the environment.
import { randomUUID } from "node:crypto";
import http from "node:http";
import { Server } from "socket.io";

const author = { id: randomUUID(), username: "sender" };
const server = http.createServer();
const io = new Server(server, { serveClient: false });
io.on("connection", (socket) => {
  socket.on("join", (/** @type {unknown} */ roomId, /** @type {(() => void) | undefined} */ ack) => {
    void socket.join(String(roomId));
    if (typeof ack === "function") ack();
  });
  socket.on(
    "send",
    (/** @type {{ roomId?: unknown, text?: unknown }} */ input, /** @type {((reply: { id: string }) => void) | undefined} */ ack) => {
      const roomId = String(input.roomId);
      const message = { id: randomUUID(), roomId, author, text: String(input.text), createdAt: new Date().toISOString() };
      io.to(roomId).emit("event", { type: "message.created", message });
      if (typeof ack === "function") ack({ id: message.id });
    },
  );
});
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  console.log(`listening on ${port}`);
});
process.on("SIGTERM", () => process.exit(0));
