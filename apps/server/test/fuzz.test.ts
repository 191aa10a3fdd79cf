import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type ParleyServer } from "../src/app";
import { createLogger } from "../src/logger";
import { LogWatch } from "./fuzz/oracle";
import { describeReport, fuzz } from "./fuzz/run";
import { openTestDatabase, testConfig } from "./harness";
import type { Database } from "@parley/db";

// The fuzzer on a small budget (issue 19): every procedure of the appRouter, valid and mutated
// inputs, over plain, batched and streamed HTTP, SSE and the WebSocket, as an anonymous caller,
// a member and a non-member. `pnpm fuzz` runs the same on a large budget. FUZZ_SEED replays.
const CALLS = 2_000;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 31);

describe("fuzzing every procedure over every transport", () => {
  let db: Database;
  let server: ParleyServer;
  const logs = new LogWatch();

  beforeAll(async () => {
    db = await openTestDatabase();
    // Rate limits off, or the fuzzer would mostly meet TOO_MANY_REQUESTS; info level, so the
    // log holds every line a client's mistake could cause.
    // Production mode: no answer may carry a stack trace.
    const config = testConfig({ RATE_LIMITS: "off", NODE_ENV: "production" });
    server = await startServer(
      { ...config, log: { level: "info", format: "json" } },
      { db, log: createLogger({ level: "info", format: "json" }, logs.sink) },
    );
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  it(
    `answers ${CALLS} fuzzed calls with no internal error, no 500, no stack in the log and no write by a refused call`,
    { timeout: 300_000 },
    async () => {
      const report = await fuzz({
        url: server.url,
        db,
        logs,
        calls: CALLS,
        seed: SEED,
        strict: false,
        print: console.log,
        chunkLimitMs: 60_000,
      });
      console.log(describeReport(report));
      expect(report.failure, describeReport(report)).toBeNull();
      expect(report.calls).toBeGreaterThanOrEqual(CALLS);
    },
  );
});
