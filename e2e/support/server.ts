import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const serverMain = path.join(repoRoot, "apps", "server", "dist", "main.js");

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The real, built Parley server (apps/server/dist/main.js) as a child process on a free port
 * with a fresh PGlite data directory. `restart()` stops it with SIGTERM, the way an operator
 * would, and starts it again on the same port and data.
 */
export class ServerProcess {
  private child: ChildProcess | null = null;
  private output = "";

  private constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<ServerProcess> {
    if (!existsSync(serverMain)) {
      throw new Error(`${serverMain} is missing: run \`pnpm run build\` first.`);
    }
    const dataDir = await mkdtemp(path.join(tmpdir(), "parley-e2e-"));
    const server = new ServerProcess(await freePort(), dataDir);
    await server.launch();
    return server;
  }

  /** SIGTERM, wait for the exit, start again on the same port and data directory. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Starts a stopped server again on the same port and data directory. */
  async startAgain(): Promise<void> {
    await this.launch();
  }

  /** Stops the process with SIGTERM (SIGKILL if it hangs). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 8_000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }

  /** Stops the server and removes its data. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    this.output = "";
    const child = spawn(process.execPath, [serverMain], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: "127.0.0.1",
        DATA_DIR: this.dataDir,
        DATABASE_URL: "",
        NODE_ENV: "production",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stdout?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}):\n${this.output}`);
      if (await this.ready()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`The server did not become ready in time:\n${this.output}`);
  }

  private async ready(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/readyz`);
      return response.ok;
    } catch {
      return false;
    }
  }
}
