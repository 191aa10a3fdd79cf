import type { CommandContext } from "../context";
import { expectArgs } from "../context";
import { formatEvent } from "../format";
import { findJoinedRoom } from "./rooms";

/**
 * `parley tail <room>`: prints the room's events as they happen until Ctrl-C. When the connection
 * drops, the client reconnects by itself and resumes the subscription from the last event it
 * printed (tRPC sends its id back as lastEventId), so nothing is missed or printed twice.
 * With --json: one JSON object per line, `{ eventId, type, … }`.
 */
export async function tail(ctx: CommandContext): Promise<void> {
  const [ref] = expectArgs(ctx, ["room"] as const);
  let wasOpen = false;
  let reportedDrop = false;
  const { client, session } = await ctx.connect({
    signedIn: true,
    onConnectionStateChange: (state) => {
      if (state === "open") wasOpen = true;
      if (state === "connecting" && wasOpen && !reportedDrop) {
        reportedDrop = true;
        ctx.note("Connection lost; reconnecting…");
      }
    },
  });
  try {
    const room = await findJoinedRoom(client.trpc, ref);
    await new Promise<void>((resolve, reject) => {
      let starts = 0;
      const subscription = client.trpc.room.events.subscribe(
        { roomId: room.id },
        {
          onStarted: () => {
            starts++;
            if (starts === 1) ctx.note(`Watching #${room.name} (Ctrl-C to stop)`);
            else if (reportedDrop) ctx.note("Reconnected; resuming where it stopped.");
            reportedDrop = false;
          },
          onData: ({ id, data }) => {
            ctx.print({ eventId: id, ...data }, formatEvent(data));
            // The server ends a member's subscription when they leave (onComplete follows).
            if (data.type === "member.left" && data.user.username === session?.username) ctx.note(`You left #${room.name}.`);
          },
          onError: (error) => reject(error),
          // The server ended the subscription (for instance the room is gone).
          onComplete: () => resolve(),
        },
      );
      const stop = () => {
        subscription.unsubscribe();
        resolve();
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  } finally {
    await client.close();
  }
}
