#!/usr/bin/env node
// `npm start` and `npm test` on a machine with only Node 20 and npm: brings pnpm 12.4.2, installs
// from the lockfile, builds, then starts the server or runs every test suite. No dependencies of
// its own. What is up to date is not redone, but that is decided by the tools, not here: pnpm
// skips an install that matches the lockfile, and turbo (turbo.json declares each step's inputs
// and outputs) replays a build step from its cache when none of its inputs changed.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const PNPM_VERSION = "12.4.2";

/** @param {string} message */
function log(message) {
  console.log(`\x1b[36m[parley]\x1b[0m ${message}`);
}

/**
 * The command that runs pnpm 12.4.2: the installed one when it is that version, else npx.
 * @returns {[string, ...string[]]}
 */
function pnpmCommand() {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8", shell: false });
  if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return ["pnpm"];
  log(`pnpm ${PNPM_VERSION} is not installed; running it through npx`);
  return ["npx", "--yes", `pnpm@${PNPM_VERSION}`];
}

/** @type {[string, ...string[]] | undefined} */
let pnpm;
/** @type {import("./run-tests.mjs").Run} */
function run(args, options = {}) {
  pnpm ??= pnpmCommand();
  const [cmd, ...pre] = args[0] === "pnpm" ? [...pnpm, ...args.slice(1)] : args;
  // No telemetry from turbo (there is no internet here, and nobody asked for it).
  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", ...options.env };
  const result = spawnSync(cmd, [...pre], { cwd: root, stdio: "inherit", env });
  if (result.status !== 0 && !options.allowFailure) {
    console.error(`[parley] failed: ${args.join(" ")}`);
    process.exit(result.status ?? 1);
  }
  return result.status ?? 1;
}

/** Installs dependencies and builds what `start` and `test` need, each only when out of date. */
export function prepare() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 20) {
    console.error(`[parley] Node.js 20 or newer is required (this is ${process.version}).`);
    process.exit(1);
  }
  run(["pnpm", "install", "--frozen-lockfile"]);
  // Generates the Prisma client, then builds the web app, the server and the CLI (turbo.json).
  run(["pnpm", "run", "build", "--output-logs=new-only"]);
}

function start() {
  prepare();
  const child = spawn(process.execPath, [path.join(root, "apps/server/dist/main.js")], { cwd: root, stdio: "inherit" });
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function test() {
  prepare();
  const { runAllTests } = await import("./run-tests.mjs");
  process.exit(runAllTests({ run, root }));
}

const command = process.argv[2];
if (command === "start") start();
else if (command === "test") await test();
else if (command === "prepare") prepare();
else {
  console.error("usage: node scripts/bootstrap.mjs start|test|prepare");
  process.exit(2);
}
