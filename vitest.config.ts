import { configDefaults, defineConfig } from "vitest/config";

// Unit tests that need the Redis server at PARLEY_TEST_REDIS_URL say so in their file name.
const needsRedis = ["packages/*/src/**/*redis*.test.ts", "apps/*/src/**/*redis*.test.ts"];

// Six projects: "web" (component tests in jsdom, apps/web/vitest.config.ts) and "unit" (fast
// tests beside the code, under Node) need nothing running; "redis" are unit tests that need the
// Redis server; "integration" starts the real server on a real database (PARLEY_TEST_DB=
// pglite|postgres picks which; `npm test` runs both), and its multi-server tests need Redis too;
// "db" runs packages/db's repository tests on PGlite and PostgreSQL in one run;
// "tooling" tests the repo's own build and Prisma CLI on scratch copies of it (slow: run once).
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
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "redis",
          include: needsRedis,
          environment: "node",
          testTimeout: 20_000,
          // A few open an in-memory PGlite (initdb: ~3 s, past 10 s on a busy machine).
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The repository tests of packages/db, each file once on PGlite and once on PostgreSQL
          // (PARLEY_TEST_DB=pglite|postgres picks one); the global setup makes the run's database.
          name: "db",
          include: ["packages/db/test/**/*.test.ts"],
          globalSetup: ["packages/db/test/global-setup.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // The files share the run's PostgreSQL database and empty it before each test.
          fileParallelism: false,
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
