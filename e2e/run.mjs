#!/usr/bin/env node
// Runs the Playwright suite in Debian's Chromium. Installs Chromium with apt-get when it is
// missing and we are root; otherwise says the one command that installs it. Exits with
// Playwright's code. PLAYWRIGHT_JSON_OUTPUT_NAME, when set, receives the JSON report.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const chromium = process.env.PARLEY_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Runs a command in the repository root with the terminal attached; returns its exit code.
 * @param {string} command
 * @param {string[]} args
 * @param {Record<string, string>} env
 */
function sh(command, args, env = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: root, env: { ...process.env, ...env } });
  return result.status ?? 1;
}

if (!existsSync(chromium)) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    console.error(`Chromium is missing (${chromium}). Install it with:\n\n  sudo apt-get install -y chromium\n`);
    process.exit(1);
  }
  console.log("[e2e] Chromium is missing; installing it with apt-get");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = spawnSync("apt-get", ["update"], { stdio: "inherit", env });
  const install = update.status === 0 ? spawnSync("apt-get", ["install", "-y", "chromium"], { stdio: "inherit", env }) : update;
  if (install.status !== 0 || !existsSync(chromium)) {
    console.error("[e2e] could not install Chromium; try: apt-get update && apt-get install -y chromium");
    process.exit(1);
  }
}

if (
  !existsSync(path.join(root, "apps", "server", "dist", "main.js")) ||
  !existsSync(path.join(root, "apps", "web", "dist", "index.html"))
) {
  console.error("[e2e] the build is missing: run `pnpm run build` first.");
  process.exit(1);
}

// A folder of its own for this run's traces and screenshots; kept only when something failed.
const runId = `${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}`;
const outputDir = path.join(root, "test-results", "e2e", runId);
const args = ["exec", "playwright", "test", "-c", "e2e/playwright.config.ts", ...process.argv.slice(2)];
const status = sh("pnpm", args, { PARLEY_E2E_RUN: runId });
if (status === 0) rmSync(outputDir, { recursive: true, force: true });
else if (existsSync(outputDir)) console.log(`[e2e] traces and screenshots of the failures: ${path.relative(root, outputDir)}`);
process.exit(status);
