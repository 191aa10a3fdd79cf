import { defineConfig } from "@playwright/test";

// End-to-end tests of the production build, served by the real server (started by the `server`
// fixture) on a fresh database, in Debian's Chromium. `node e2e/run.mjs` is the entry point.

const jsonReport = process.env.PLAYWRIGHT_JSON_OUTPUT_NAME;
// run.mjs gives each run its own folder: two runs at once (two people testing on one machine)
// must not wipe each other's traces.
const runId = process.env.PARLEY_E2E_RUN;

export default defineConfig({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  outputDir: runId ? `../test-results/e2e/${runId}` : "../test-results/e2e/last",
  // One worker: one server, and two cores shared with whatever else runs.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The JSON reporter writes to PLAYWRIGHT_JSON_OUTPUT_NAME by itself; the list is for humans.
  reporter: jsonReport ? [["list"], ["json"]] : [["list"]],
  use: {
    browserName: "chromium",
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.PARLEY_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    actionTimeout: 10_000,
  },
});
