#!/usr/bin/env node
// `npm start` and `npm test` on a machine with only Node 20 and npm: brings pnpm 12.4.2, installs
// from the lockfile, generates the Prisma client and builds, each step only when its inputs
// changed, then starts the server or runs every test suite. No dependencies of its own.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const PNPM_VERSION = "12.4.2";
const stampDir = path.join(root, "node_modules", ".parley");

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
  return ["npx", "--yes", `pnpm@${PNPM_VERSION}`];
}

/** @type {[string, ...string[]] | undefined} */
let pnpm;
/** @type {import("./run-tests.mjs").Run} */
function run(args, options = {}) {
  pnpm ??= pnpmCommand();
  const [cmd, ...pre] = args[0] === "pnpm" ? [...pnpm, ...args.slice(1)] : args;
  const result = spawnSync(cmd, [...pre], { cwd: root, stdio: "inherit", env: { ...process.env, ...options.env } });
  if (result.status !== 0 && !options.allowFailure) {
    console.error(`[parley] failed: ${args.join(" ")}`);
    process.exit(result.status ?? 1);
  }
  return result.status ?? 1;
}

/**
 * A fingerprint of files: paths, sizes and contents.
 * @param {string[]} files
 */
function fingerprint(files) {
  const hash = createHash("sha256");
  for (const file of files.sort()) {
    hash.update(file);
    if (existsSync(file)) hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}

/**
 * @param {string} dir
 * @param {string[]} out
 */
function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", "dist", "generated", ".vite"].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/**
 * Runs `step` unless the stamp says its inputs are unchanged since it last succeeded.
 * @param {string} name
 * @param {string[]} inputs
 * @param {string[]} outputs
 * @param {() => void} step
 */
function once(name, inputs, outputs, step) {
  const stamp = path.join(stampDir, `${name}.stamp`);
  const current = fingerprint(inputs);
  const fresh = existsSync(stamp) && readFileSync(stamp, "utf8") === current && outputs.every((o) => existsSync(o));
  if (fresh) return;
  step();
  mkdirSync(stampDir, { recursive: true });
  writeFileSync(stamp, current);
}

function packageFiles() {
  const files = [path.join(root, "package.json"), path.join(root, "pnpm-lock.yaml"), path.join(root, "pnpm-workspace.yaml")];
  for (const group of ["apps", "packages"]) {
    const dir = path.join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) files.push(path.join(dir, name, "package.json"));
  }
  return files.concat(walk(path.join(root, "patches")));
}

export function prepare() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 20) {
    console.error(`[parley] Node.js 20 or newer is required (this is ${process.version}).`);
    process.exit(1);
  }
  once("install", packageFiles(), [path.join(root, "node_modules")], () => {
    log(`installing dependencies with pnpm ${PNPM_VERSION}`);
    run(["pnpm", "install", "--frozen-lockfile"]);
  });
  once("generate", [path.join(root, "prisma", "schema.prisma")], [path.join(root, "packages/db/src/generated/client.ts")], () => {
    log("generating the Prisma client");
    run(["pnpm", "exec", "prisma", "generate"]);
  });
  const sources = [...walk(path.join(root, "apps")), ...walk(path.join(root, "packages"))].filter(
    (f) => !/\.test\.tsx?$/.test(f) && !f.includes(`${path.sep}test${path.sep}`),
  );
  once("build", sources, [path.join(root, "apps/server/dist/main.js")], () => {
    log("building the web app and the server");
    run(["pnpm", "run", "build"]);
  });
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
