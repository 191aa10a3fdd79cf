import type { Page, WebSocketRoute } from "@playwright/test";

type Frame = string | Buffer;
type Pair = { client: WebSocketRoute; server: WebSocketRoute };

/** tRPC request ids of calls to `path` in one page→server frame (a call or a batch). */
function idsFor(frame: Frame, path: string): Set<string> {
  const ids = new Set<string>();
  try {
    const parsed: unknown = JSON.parse(frame.toString());
    for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
      const call = item as { id?: number | string; params?: { path?: unknown } };
      if (call.params?.path === path && call.id !== undefined) ids.add(String(call.id));
    }
  } catch {
    // PING/PONG and anything else that is not JSON.
  }
  return ids;
}

function replyId(frame: Frame): string | null {
  try {
    const parsed = JSON.parse(frame.toString()) as { id?: number | string | null };
    return parsed.id === undefined || parsed.id === null ? null : String(parsed.id);
  } catch {
    return null;
  }
}

/**
 * One page's WebSocket traffic to the server, under the test's control, to simulate what
 * networks do to a chat while the server stays up:
 * - `drop()` / `restore()`: lose the network (open sockets are cut; Chromium's offline mode
 *   makes new ones fail as a real outage does) and get it back;
 * - `loseNextSendReply()`: the next `message.send` reaches the server, but its reply never
 *   comes back (the connection died in between);
 * - `refuseNextSend(error)`: the next `message.send` is answered with a server error;
 * - `slowDown(path, ms)`: replies to calls of `path` arrive `ms` late (a slow network).
 * Install it before the page opens its socket.
 */
export async function networkTap(page: Page) {
  const open: Pair[] = [];
  let loseReply = false;
  let refusal: { code: string; message: string } | null = null;
  const lostReplies = new Set<string>();
  const delays = new Map<string, number>();
  const delayedReplies = new Map<string, number>();

  await page.routeWebSocket(/\/trpc/, (client) => {
    const server = client.connectToServer();
    open.push({ client, server });
    client.onMessage((frame) => {
      for (const [path, ms] of delays) for (const id of idsFor(frame, path)) delayedReplies.set(id, ms);
      const ids = idsFor(frame, "message.send");
      if (ids.size > 0 && refusal) {
        const { code, message } = refusal;
        refusal = null;
        for (const id of ids) {
          client.send(JSON.stringify({ id: Number(id), error: { message, code: -32029, data: { code, httpStatus: 429 } } }));
        }
        return;
      }
      if (ids.size > 0 && loseReply) {
        loseReply = false;
        for (const id of ids) lostReplies.add(id);
      }
      server.send(frame);
    });
    server.onMessage((frame) => {
      const id = replyId(frame);
      if (id !== null && lostReplies.delete(id)) return;
      const delay = id === null ? undefined : delayedReplies.get(id);
      if (id !== null && delay !== undefined) {
        delayedReplies.delete(id);
        setTimeout(() => client.send(frame), delay);
        return;
      }
      client.send(frame);
    });
  });

  return {
    async drop() {
      await page.context().setOffline(true);
      for (const { client, server } of open.splice(0)) {
        await server.close().catch(() => undefined);
        await client.close().catch(() => undefined);
      }
    },
    async restore() {
      await page.context().setOffline(false);
    },
    loseNextSendReply() {
      loseReply = true;
    },
    refuseNextSend(error: { code: string; message: string }) {
      refusal = error;
    },
    slowDown(path: string, ms: number) {
      delays.set(path, ms);
    },
  };
}
