import { createParleyClient } from "@parley/client";
import { describe, expect, it } from "vitest";
import { Collector, startBuiltServer, tempDir, uniqueName } from "./harness";

describe("the built server process", () => {
  it("starts from dist, and on SIGTERM tells clients to reconnect, closes sockets and exits 0 quickly", async () => {
    const data = await tempDir();
    const { url, child } = await startBuiltServer({ DATA_DIR: data.dir });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const states = new Collector<string>();
    const client = createParleyClient({ url, onConnectionStateChange: states.push });
    try {
      const username = uniqueName();
      const { token } = await client.trpc.auth.signup.mutate({ username, email: `${username}@e.io`, password: "a long password" });
      expect(token).toBeTruthy();
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const signalledAt = Date.now();
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(5_000);
      expect(states.items).toContain("closed");
    } finally {
      await client.close();
      child.kill("SIGKILL");
      await data.remove();
    }
  });
});
