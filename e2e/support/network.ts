import type { Page, WebSocketRoute } from "@playwright/test";

/**
 * Simulates losing the network on one page while the server stays up. Chromium's offline mode
 * makes new connections fail as a real outage does, but leaves open WebSockets alone, so the
 * page's sockets run through a pass-through route that `drop()` can cut. Install it before the
 * page opens its socket.
 */
export async function networkSwitch(page: Page) {
  const open: { client: WebSocketRoute; server: WebSocketRoute }[] = [];
  await page.routeWebSocket(/\/trpc/, (client) => {
    // No handlers: messages and closes pass through both ways untouched.
    open.push({ client, server: client.connectToServer() });
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
  };
}
