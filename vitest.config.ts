import { configDefaults, defineConfig } from "vitest/config";

// Fast unit tests beside the code; integration tests that start the real server on a real
// database (PARLEY_TEST_DB=pglite|postgres picks which; `npm test` runs both); and the tests of
// the repo's tooling (the build, the Prisma CLI) on scratch copies of it (slow: run once).
export default defineConfig({
  test: {
    projects: [
      "apps/web/vitest.config.ts",
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts"],
          environment: "node",
          testTimeout: 20_000,
          // A few open an in-memory PGlite (initdb: ~3 s, past 10 s on a busy machine).
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["apps/server/test/**/*.test.ts", "apps/cli/test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "apps/server/test/tooling/**"],
          globalSetup: ["apps/server/test/global-setup.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Two cores: one file at a time keeps timings honest and PGlite's memory in check.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "tooling",
          include: ["apps/server/test/tooling/**/*.test.ts"],
          environment: "node",
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
