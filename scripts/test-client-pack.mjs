#!/usr/bin/env node
// The outside check for @parley/client: pack it as it would be published, npm-install the tarball
// into a fresh app outside the monorepo, type-check a consumer against the published declarations
// with `tsc --strict` (wrong inputs are `@ts-expect-error`, so loose types fail), make sure nothing
// of the server was installed, then run the consumer against a live server. Exit code 0 = pass.
//
//   node scripts/test-client-pack.mjs [--keep]     (--keep leaves the temporary app for a look)
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const keep = process.argv.includes("--keep");
/** Packages that belong to the server; none of them may reach a client app. */
/** @typedef {{ dependencies?: Record<string, string>, exports?: Record<string, { types?: string }> }} Manifest */
const FORBIDDEN = ["@prisma", "prisma", "argon2", "@electric-sql", "pglite-prisma-adapter", "pg", "zod"];

const work = await mkdtemp(path.join(os.tmpdir(), "parley-client-pack-"));
/** @type {{ child: import("node:child_process").ChildProcess, url: string, log: () => string } | null} */
let server = null;

/**
 * pnpm 12.4.2: the installed one when it is that version, else through npx (as bootstrap.mjs does).
 * @returns {[string, ...string[]]}
 */
function pnpmCommand() {
  try {
    if (execFileSync("pnpm", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() === "12.4.2") return ["pnpm"];
  } catch {
    // not installed
  }
  return ["npx", "--yes", "pnpm@12.4.2"];
}
const [pnpm, ...pnpmArgs] = pnpmCommand();

/** @param {string} message */
function step(message) {
  console.log(`[client-pack] ${message}`);
}

/**
 * Runs a command; its output is shown only when it fails.
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} [cwd]
 */
function run(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const error = /** @type {{ stdout?: string, stderr?: string }} */ (e);
    const output = `${error.stdout ?? ""}${error.stderr ?? ""}`.trim();
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${output.split("\n").slice(-40).join("\n")}`, { cause: e });
  }
}

/** @param {string} dir @returns {number} bytes of the files under `dir` */
function sizeOf(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += sizeOf(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

/**
 * Top-level packages in node_modules (scoped ones as @scope/name).
 * @param {string} nodeModules
 */
function installedPackages(nodeModules) {
  const names = [];
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith(".")) continue;
    if (entry.startsWith("@")) for (const sub of readdirSync(path.join(nodeModules, entry))) names.push(`${entry}/${sub}`);
    else names.push(entry);
  }
  return names;
}

const kib = (/** @type {number} */ bytes) => `${Math.round(bytes / 1024)} KiB`;

/**
 * `name` and everything its `dependencies` pull in (peers excluded), as npm laid them out flat.
 * @param {string} nodeModules
 * @param {string} name
 * @param {Set<string>} seen
 * @returns {string[]}
 */
function dependencyClosure(nodeModules, name, seen = new Set()) {
  if (seen.has(name)) return [...seen];
  seen.add(name);
  const manifest = /** @type {Manifest} */ (JSON.parse(readFileSync(path.join(nodeModules, name, "package.json"), "utf8")));
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    if (!existsSync(path.join(nodeModules, dep))) throw new Error(`${name} needs ${dep}, which npm did not hoist`);
    dependencyClosure(nodeModules, dep, seen);
  }
  return [...seen].sort();
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {net.AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the built server on a free port over a fresh PGlite directory; resolves once it is ready. */
async function startServer() {
  const main = path.join(root, "apps/server/dist/main.js");
  if (!existsSync(main)) {
    step("apps/server/dist/main.js is missing; building the server");
    run(pnpm, [...pnpmArgs, "--filter", "@parley/server", "run", "build"], root);
  }
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: path.join(work, "data"),
      DATABASE_URL: "",
      RATE_LIMITS: "off",
      NODE_ENV: "production",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (chunk) => (log += chunk));
  child.stderr.on("data", (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); Date.now() - started < 30_000;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${log}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { child, url, log: () => log };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`the server did not become ready in 30 s:\n${log}`);
}

async function stopServer() {
  if (!server) return;
  const { child } = server;
  server = null;
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

async function main() {
  // 1. Pack exactly what would be published (prepack builds dist/ first).
  step("packing @parley/client");
  const packDir = path.join(work, "pack");
  await mkdir(packDir);
  run(pnpm, [...pnpmArgs, "--filter", "@parley/client", "pack", "--pack-destination", packDir], root);
  const tarball = readdirSync(packDir).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error("pnpm pack produced no tarball");
  const manifest = /** @type {Manifest} */ (JSON.parse(run("tar", ["-xzOf", path.join(packDir, tarball), "package/package.json"])));
  const deps = Object.keys(manifest.dependencies ?? {}).sort();
  if (deps.some((d) => d.startsWith("@parley/")) || manifest.exports?.["."]?.types !== "./dist/index.d.ts") {
    throw new Error(`the packed manifest is wrong: dependencies ${deps.join(", ")}, exports ${JSON.stringify(manifest.exports)}`);
  }

  // 2. A fresh app outside the monorepo, installed with npm from the tarball.
  const app = path.join(work, "app");
  await mkdir(path.join(app, "src"), { recursive: true });
  await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "parley-pack-consumer", private: true, type: "module" }, null, 2));
  await writeFile(
    path.join(app, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          skipLibCheck: true,
          types: ["node"],
          outDir: "out",
          rootDir: "src",
          noEmitOnError: true,
        },
        include: ["src"],
      },
      null,
      2,
    ),
  );
  // With every declaration file checked (skipLibCheck off), as NodeNext and as a bundler would
  // resolve: an app that uses only @parley/client must see zero errors. trpc-http.ts is left out:
  // it imports @trpc/client itself, whose declarations load @trpc/server's ws adapter, which does
  // not check (`import ws from "ws"; ws.WebSocket`: TS7016 without @types/ws, TS2694 with it).
  const libCheckFiles = ["src/consumer.ts", "src/bot-example.ts", "src/readme-example.ts"];
  const libCheckConfigs = {
    "tsconfig.nodenext.json": { module: "NodeNext", moduleResolution: "NodeNext" },
    "tsconfig.bundler.json": { module: "ESNext", moduleResolution: "Bundler" },
  };
  for (const [name, options] of Object.entries(libCheckConfigs)) {
    const config = {
      extends: "./tsconfig.json",
      compilerOptions: { ...options, skipLibCheck: false, noEmit: true },
      files: libCheckFiles,
      include: [],
    };
    await writeFile(path.join(app, name), JSON.stringify(config, null, 2));
  }
  // One install, as an app would do it: tRPC declares typescript as a peer, and npm would add the
  // newest one by itself if the app did not bring its own.
  step(`installing ${tarball}, typescript@6.0.3 and @types/node@20 with npm into ${app}`);
  run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--loglevel=error", path.join(packDir, tarball), "typescript@6.0.3", "@types/node@20"],
    app,
  );
  const nodeModules = path.join(app, "node_modules");

  // 3. Nothing of the server came along.
  const installed = installedPackages(nodeModules);
  const leaked = installed.filter(
    (name) => FORBIDDEN.some((f) => name === f || name.startsWith(`${f}/`)) || (name.startsWith("@parley/") && name !== "@parley/client"),
  );
  if (leaked.length > 0) throw new Error(`server packages were installed: ${leaked.join(", ")}`);
  const footprint = dependencyClosure(nodeModules, "@parley/client");
  const bytes = (/** @type {string[]} */ names) => names.reduce((sum, name) => sum + sizeOf(path.join(nodeModules, name)), 0);
  const typesOnly = footprint.filter((name) => name.startsWith("@types/") || name === "undici-types");
  step(
    `footprint of @parley/client: ${kib(bytes(footprint))} in ${footprint.length} packages (${footprint.join(", ")}); ` +
      `of that, type declarations only: ${kib(bytes(typesOnly))}`,
  );
  step(`whole app (with typescript): ${kib(sizeOf(nodeModules))}, ${installed.length} packages: ${installed.sort().join(", ")}`);

  // 4. Type-check the consumer (and the README's example) against the published declarations.
  for (const file of ["consumer.ts", "bot-example.ts", "trpc-http.ts"]) {
    await copyFile(path.join(root, "packages/client/pack-test", file), path.join(app, "src", file));
  }
  // Outside src/ (and every tsconfig): checked with TypeScript's defaults and no Node types.
  await mkdir(path.join(app, "bare"), { recursive: true });
  await copyFile(path.join(root, "packages/client/pack-test/no-node-types.ts"), path.join(app, "bare/no-node-types.ts"));
  const readme = await readFile(path.join(app, "node_modules/@parley/client/README.md"), "utf8");
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!example) throw new Error("the packed README has no TypeScript example");
  await writeFile(path.join(app, "src/readme-example.ts"), example);
  // As apps usually do (skipLibCheck), which must be clean and emits the JavaScript; then with
  // every declaration file checked too (see libCheckConfigs), with no tsconfig at all, and once
  // more of those after @types/ws is installed (an app that has it sees other ws declarations).
  step("type-checking the consumer with tsc --strict");
  const tsc = path.join(app, "node_modules/.bin/tsc");
  run(tsc, ["-p", ".", "--strict", "--noEmit"], app);
  const libCheck = (/** @type {string} */ label) => {
    /** @type {(what: string, args: string[], cwd: string) => void} */
    const check = (what, args, cwd) => {
      try {
        run(tsc, args, cwd); // any error (or crash) exits non-zero
      } catch (error) {
        throw new Error(`declarations fail to type-check (skipLibCheck off, ${what}, ${label}): ${/** @type {Error} */ (error).message}`, {
          cause: error,
        });
      }
    };
    for (const name of Object.keys(libCheckConfigs)) check(name, ["-p", name, "--strict"], app);
    // No tsconfig (--ignoreConfig: TypeScript 6 refuses files on the command line next to one).
    const bare = ["--ignoreConfig", "--strict", "--noEmit", "--module", "nodenext", "--moduleResolution", "nodenext", "--types", "node"];
    check("no tsconfig", [...bare, ...libCheckFiles.map((f) => path.basename(f))], path.join(app, "src"));
    check("TypeScript's defaults, no Node types", ["--ignoreConfig", "--strict", "--noEmit", "no-node-types.ts"], path.join(app, "bare"));
  };
  libCheck("without @types/ws");
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "@types/ws@8"], app);
  libCheck("with @types/ws");
  step("declarations checked too (skipLibCheck off; NodeNext, Bundler and no tsconfig; without and with @types/ws): no errors");
  run(tsc, ["-p", "."], app);

  // 5. Run it against a live server.
  server = await startServer();
  step(`running the consumer against ${server.url}`);
  const output = run(process.execPath, [path.join(app, "out/consumer.js"), server.url], app).trim();
  step(output);
  step(run(process.execPath, [path.join(app, "out/trpc-http.js"), server.url], app).trim());
}

/** @type {string | null} what went wrong */
let failed = null;
try {
  await main();
} catch (error) {
  failed = error instanceof Error ? error.message : String(error);
} finally {
  await stopServer().catch(() => {});
  if (keep) step(`kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
if (failed !== null) {
  console.error(`[client-pack] ${failed}`);
  console.log("client-pack: FAIL");
  process.exit(1);
}
console.log("client-pack: PASS");
