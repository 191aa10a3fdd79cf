import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { ParleyServer } from "@parley/server";
import { afterAll, beforeAll } from "vitest";
import { closeClients, openTestDatabase, startTestServer, tempDir } from "../../server/test/harness";
import { buildCli } from "../build.mjs";

/** What a finished `parley` run left behind. */
export type CliResult = { code: number | null; stdout: string; stderr: string };

/** Builds the CLI bundle into `dir` once per test file: the tests run what users run. */
export function buildTestCli(dir: string): Promise<string> {
  return buildCli(path.join(dir, "parley.js"));
}

/** What a CLI test file runs against; read it inside tests and hooks, not at import time. */
export type CliTestSetup = {
  /** The built `parley` bundle. */
  bin: string;
  /** A temporary directory for the users' config directories, removed afterwards. */
  dir: string;
  db: ParleyServer["db"];
  /** The server (a test that restarts it puts the new one here, for afterAll to close). */
  server: ParleyServer;
};

/** Per test file: builds the CLI and starts a server (rate limits off) on a test database. */
export function useCliServer(): CliTestSetup {
  const setup = {} as CliTestSetup;
  let removeDir: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const temp = await tempDir();
    setup.dir = temp.dir;
    removeDir = temp.remove;
    [setup.bin, setup.db] = await Promise.all([buildTestCli(temp.dir), openTestDatabase()]);
    setup.server = await startTestServer(setup.db, { RATE_LIMITS: "off" });
  });
  afterAll(async () => {
    await closeClients();
    await setup.server?.close();
    await setup.db?.close();
    await removeDir?.();
  });
  return setup;
}

/** One user of the CLI: their own config directory (so their own session file). */
export type CliUser = { name: string; configDir: string; env: Record<string, string> };

export async function cliUser(baseDir: string, name: string, serverUrl: string): Promise<CliUser> {
  const configDir = path.join(baseDir, name, "config");
  await mkdir(path.dirname(configDir), { recursive: true });
  return {
    name,
    configDir,
    // A clean environment: nothing from the developer's own shell or config reaches the CLI.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: path.join(baseDir, name),
      PARLEY_URL: serverUrl,
      PARLEY_CONFIG_DIR: configDir,
      PARLEY_CONNECT_TIMEOUT: "5",
    },
  };
}

/** Spawns `node <bin> ...args`; `stdin` is written and closed (empty when not given). */
export function startCli(bin: string, args: string[], options: { env: Record<string, string>; stdin?: string }) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [bin, ...args], {
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? "");
  const exited = new Promise<CliResult>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));

  /** Resolves once `predicate` holds for the output so far; rejects after `timeoutMs`. */
  async function waitFor(predicate: (out: { stdout: string; stderr: string }) => boolean, timeoutMs = 15_000): Promise<void> {
    const started = Date.now();
    while (!predicate({ stdout, stderr })) {
      if (child.exitCode !== null) throw new Error(`parley exited (${child.exitCode}) early:\n${stdout}\n${stderr}`);
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for parley output; have:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) };
}

/** Runs `parley ...args` to the end. */
export function runCli(bin: string, user: CliUser, args: string[], stdin?: string): Promise<CliResult> {
  return startCli(bin, args, { env: user.env, ...(stdin === undefined ? {} : { stdin }) }).exited;
}

export const PASSWORD = "correct horse battery";
