import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startBuiltServer, tempDir } from "./harness";

// Issue 11, finding 2, as found: with the process's open-file limit low, one client holding
// WebSockets used to take every descriptor, and /healthz stopped answering. The built server,
// started under `ulimit -n 400`, must keep sockets below that limit and go on answering.
function open(url: string): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace("http", "ws")}/trpc`);
    ws.once("open", () => resolve({ ws }));
    ws.on("error", (error) => resolve({ status: Number(/(\d{3})/.exec(String(error))?.[1] ?? -1) }));
  });
}

describe("a server near its open-file limit", () => {
  it("refuses WebSockets with 503 before the descriptors run out, and /healthz still answers", async () => {
    const data = await tempDir();
    const { url, child, output } = await startBuiltServer(
      {
        DATA_DIR: data.dir,
        // Only the limit derived from the descriptors applies: one address may take them all.
        WS_MAX_PER_ADDRESS: "100000",
        WS_MAX_ANONYMOUS_PER_ADDRESS: "100000",
      },
      { shellPrefix: "ulimit -n 400" },
    );
    const sockets: WebSocket[] = [];
    try {
      expect(output()).toMatch(/at most 200 WebSockets \(open-file limit 400\)/);
      let refused: number | undefined;
      for (let i = 0; i < 400 && refused === undefined; i++) {
        const { ws, status } = await open(url);
        if (ws) sockets.push(ws);
        else refused = status;
      }
      expect(refused).toBe(503);
      expect(sockets).toHaveLength(200);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      for (const ws of sockets) ws.terminate();
      child.kill("SIGKILL");
      await data.remove();
    }
  });
});
