// Every test suite of the repo, in order, with one total at the end: `N passed, N failed`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const PG_ADMIN_URL = process.env.PARLEY_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** @typedef {{ passed: number, failed: number }} Counts */
/** @typedef {(args: [string, ...string[]], options?: { env?: Record<string, string>, allowFailure?: boolean }) => number} Run */

/**
 * Counts from a vitest JSON report.
 * @param {string} file
 * @returns {Counts}
 */
function vitestCounts(file) {
  const report =
    /** @type {{ numPassedTests?: number, numFailedTests?: number, testResults?: { status: string, assertionResults?: unknown[] }[] }} */ (
      JSON.parse(readFileSync(file, "utf8"))
    );
  // Failed tests, plus files that failed before any test ran (import or setup errors).
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === "failed" && (file.assertionResults ?? []).length === 0,
  ).length;
  return { passed: report.numPassedTests ?? 0, failed: (report.numFailedTests ?? 0) + brokenFiles };
}

/**
 * Counts from a Playwright JSON report.
 * @param {string} file
 * @returns {Counts}
 */
function playwrightCounts(file) {
  const report = /** @type {{ stats?: { expected?: number, flaky?: number, unexpected?: number }, errors?: unknown[] }} */ (
    JSON.parse(readFileSync(file, "utf8"))
  );
  const stats = report.stats ?? {};
  return { passed: (stats.expected ?? 0) + (stats.flaky ?? 0), failed: (stats.unexpected ?? 0) + (report.errors?.length ?? 0) };
}

function postgresReachable() {
  const probe = spawnSync(
    process.execPath,
    [
      "-e",
      `
    const pg = require(require.resolve("pg", { paths: [process.cwd() + "/apps/server"] }));
    const c = new pg.Client({ connectionString: process.argv[1] });
    c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));
  `,
      PG_ADMIN_URL,
    ],
    { encoding: "utf8" },
  );
  return probe.status === 0;
}

/**
 * Runs every suite through `run` (bootstrap.mjs's command runner) and prints the total.
 * @param {{ run: Run, root: string }} options
 * @returns {number} the exit code: 0 when nothing failed
 */
export function runAllTests({ run, root }) {
  const reports = path.join(root, "node_modules", ".parley", "reports");
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });
  const totals = { passed: 0, failed: 0 };
  /** @type {string[]} */
  const lines = [];

  /** @param {string} name @param {Counts} counts @param {number} status */
  function record(name, counts, status) {
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    // A runner that exited non-zero without reporting a failure still failed.
    if (status !== 0 && counts.failed === 0) totals.failed += 1;
    lines.push(`${name}: ${counts.passed} passed, ${counts.failed} failed${status !== 0 ? ` (exit ${status})` : ""}`);
  }

  /** @param {string} name @param {string[]} args @param {Record<string, string>} env */
  function vitest(name, args, env = {}) {
    const out = path.join(reports, `${name}.json`);
    console.log(`\n=== ${name} ===`);
    const status = run(["pnpm", "exec", "vitest", "run", ...args, "--reporter=default", "--reporter=json", `--outputFile.json=${out}`], {
      env,
      allowFailure: true,
    });
    record(name, existsSync(out) ? vitestCounts(out) : { passed: 0, failed: 1 }, status);
  }

  /** @param {string} name @param {[string, ...string[]]} args @param {Record<string, string>} env */
  function gate(name, args, env = {}) {
    console.log(`\n=== ${name} ===`);
    const status = run(args, { env, allowFailure: true });
    record(name, status === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 }, status);
  }

  gate("typecheck", ["pnpm", "run", "typecheck"]);
  gate("lint", ["pnpm", "run", "lint"]);
  gate("format", ["pnpm", "run", "format:check"]);
  vitest("unit", ["--project", "unit", "--project", "web"]);
  vitest("redis", ["--project", "redis"]);
  // packages/db's repository tests: every file on PGlite and on PostgreSQL in one run.
  vitest("db", ["--project", "db"]);
  vitest("integration-pglite", ["--project", "integration"], { PARLEY_TEST_DB: "pglite" });
  if (postgresReachable()) {
    vitest("integration-postgres", ["--project", "integration"], { PARLEY_TEST_DB: "postgres" });
  } else {
    console.error(`PostgreSQL is not reachable at ${PG_ADMIN_URL}; start it (see ../shared/TOOLCHAIN.md).`);
    record("integration-postgres", { passed: 0, failed: 1 }, 1);
  }
  vitest("tooling", ["--project", "tooling"]);
  if (existsSync(path.join(root, "e2e", "playwright.config.ts"))) {
    console.log("\n=== e2e (Playwright, Chromium) ===");
    const out = path.join(reports, "e2e.json");
    const status = run(["node", "e2e/run.mjs"], { env: { PLAYWRIGHT_JSON_OUTPUT_NAME: out }, allowFailure: true });
    record("e2e", existsSync(out) ? playwrightCounts(out) : { passed: 0, failed: 1 }, status);
  }
  if (existsSync(path.join(root, "scripts", "test-client-pack.mjs"))) {
    gate("client-pack", ["node", "scripts/test-client-pack.mjs"]);
  }
  if (existsSync(path.join(root, "scripts", "gen-api-docs.mjs"))) {
    gate("api-docs-up-to-date", ["pnpm", "exec", "tsx", "scripts/gen-api-docs.mjs", "--check"]);
  }

  console.log("\n=== summary ===");
  for (const line of lines) console.log(line);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  return totals.failed === 0 ? 0 : 1;
}
