import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdtemp, readdir, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

// PostgreSQL and Redis servers of a test's own, on free ports, that the test may stop, kill and
// start again under a running Parley: never the machine's (5432, 6379), which other tests and
// other people use.

const run = promisify(execFile);

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once something accepts TCP connections on `port`; fails after `timeoutMs`. */
async function waitForPort(port: number, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export type PrivateRedis = { url: string; port: number; kill(): Promise<void>; start(): Promise<void> };

/** A redis-server on a free port, keeping nothing on disk; `kill()` is SIGKILL, `start()` brings it back on the same port. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await waitForPort(port, "redis-server");
  };
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise((resolve) => running.once("exit", resolve).kill("SIGKILL"));
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, kill, start };
}

/** Where PostgreSQL's server programs are: pg_config's answer, else Debian's newest /usr/lib/postgresql/<version>/bin. */
async function postgresBin(): Promise<string> {
  const fromConfig = await run("pg_config", ["--bindir"]).then(
    ({ stdout }) => stdout.trim(),
    () => "",
  );
  if (fromConfig && existsSync(path.join(fromConfig, "initdb"))) return fromConfig;
  const versions = existsSync("/usr/lib/postgresql") ? (await readdir("/usr/lib/postgresql")).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find((dir) => existsSync(path.join(dir, "initdb")));
  if (!found) throw new Error("PostgreSQL's initdb was not found (pg_config --bindir, /usr/lib/postgresql/*/bin)");
  return found;
}

export type PrivatePostgres = { url: string; port: number; stop(): Promise<void>; start(): Promise<void>; remove(): Promise<void> };

/**
 * A PostgreSQL cluster of the test's own (initdb in a temporary directory, trust auth, a free
 * port, its socket in that directory). As root it runs as the `postgres` user, since PostgreSQL
 * refuses to run as root. `stop()` is an immediate shutdown (what a crash looks like to clients).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await postgresBin();
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), "parley-pg-"));
  const dataDir = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);
  await pg("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async () => {
    await pg("pg_ctl", ["-D", dataDir, "-o", options, "-l", path.join(dir, "log"), "-w", "start"]);
  };
  const stop = async () => {
    await pg("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    async remove() {
      await stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
