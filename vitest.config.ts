import { defineConfig } from "vitest/config";

// Two projects: fast unit tests beside the code, and integration tests that start the real
// server on a real database (PARLEY_TEST_DB=pglite|postgres picks which; `npm test` runs both).
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
        },
      },
      {
        test: {
          name: "integration",
          include: ["apps/server/test/**/*.test.ts", "apps/cli/test/**/*.test.ts"],
          globalSetup: ["apps/server/test/global-setup.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Two cores: one file at a time keeps timings honest and PGlite's memory in check.
          fileParallelism: false,
        },
      },
    ],
  },
});
