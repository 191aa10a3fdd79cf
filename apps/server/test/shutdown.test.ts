import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createParleyClient } from "@parley/client";
import { describe, expect, inject, it } from "vitest";
import { Collector, databaseKind, tempDir, uniqueName } from "./harness";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));

describe("the built server process", () => {
  it("starts from dist, and on SIGTERM tells clients to reconnect, closes sockets and exits 0 quickly", async () => {
    if (!existsSync(main)) throw new Error("apps/server/dist/main.js is missing: run `pnpm run build` first");
    const data = await tempDir();
    const env: Record<string, string> = { ...process.env, PORT: "0", DATA_DIR: data.dir, NODE_ENV: "production" };
    if (databaseKind === "postgres") env.DATABASE_URL = inject("databaseUrl") ?? "";
    else delete env.DATABASE_URL;
    const child = spawn(process.execPath, [main], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stderr.on("data", (chunk) => (output += String(chunk)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 20 s: ${output}`)), 20_000);
      child.stdout.on("data", (chunk) => {
        output += String(chunk);
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
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
