// The README's ten-line bot, type-checked by the pack test against the published package.
import { createParleyClient } from "@parley/client";

const { trpc } = createParleyClient({ url: "http://localhost:3000", token: process.env.PARLEY_TOKEN });
const room = (await trpc.room.list.query()).find((r) => r.name === "general");
if (!room) throw new Error("There is no #general room");
trpc.room.events.subscribe(
  { roomId: room.id },
  {
    onData: ({ data }) => {
      if (data.type === "message.created" && data.message.text.startsWith("!ping"))
        void trpc.message.send.mutate({ roomId: room.id, text: `pong, ${data.message.author.username}` });
    },
  },
);
