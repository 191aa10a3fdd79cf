import { configDefaults, defineConfig } from "vitest/config";

// Unit tests that need the Redis server at PARLEY_TEST_REDIS_URL say so in their file name.
const needsRedis = ["packages/*/src/**/*redis*.test.ts", "apps/*/src/**/*redis*.test.ts"];

// Four projects: "web" (component tests in jsdom, apps/web/vitest.config.ts) and "unit" (fast
// tests beside the code, under Node) need nothing running; "redis" are unit tests that need the
// Redis server; "integration" starts the real server on a real database (PARLEY_TEST_DB=
// pglite|postgres picks which; `npm test` runs both), and its multi-server tests need Redis too.
export default defineConfig({
  test: {
    projects: [
      "apps/web/vitest.config.ts",
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...needsRedis],
          environment: "node",
          testTimeout: 20_000,
          // A fresh in-memory PGlite (room-event-stream.test.ts) takes about 3 s to set up on an
          // idle machine, and several times that while the jsdom tests run beside it.
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: "redis",
          include: needsRedis,
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
