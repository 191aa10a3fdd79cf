// `pnpm fuzz`: the fuzzer on a large budget against a real server it starts on a fresh database.
//   pnpm fuzz [--calls N] [--seed S] [--strict] [--postgres URL] [--paths auth.,room.get]
// (or FUZZ_CALLS, FUZZ_SEED, FUZZ_STRICT=1, FUZZ_POSTGRES, FUZZ_PATHS). --paths narrows the
// procedures fuzzed to those whose path starts with one of the prefixes given. Without --postgres the database is
// an in-memory PGlite in this process (its queries then share this thread with the fuzzer);
// with it, a new database on that PostgreSQL server, dropped at the end. Prints the seed, the
// calls made and calls per second; exits 1 with the shrunk counterexample on a failure.
import { randomBytes, randomInt } from "node:crypto";
import { parseArgs } from "node:util";
import { applyMigrations, openDatabase } from "@parley/db";
import pg from "pg";
import { startServer } from "../../src/app";
import { loadConfig } from "../../src/env";
import { createLogger } from "../../src/logger";
import { LogWatch } from "./oracle";
import { describeReport, fuzz } from "./run";

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: process.env.FUZZ_CALLS ?? "1000000" },
    seed: { type: "string", default: process.env.FUZZ_SEED },
    strict: { type: "boolean", default: process.env.FUZZ_STRICT === "1" },
    postgres: { type: "string", default: process.env.FUZZ_POSTGRES },
    paths: { type: "string", default: process.env.FUZZ_PATHS },
  },
});
const calls = Number(values.calls);
const seed = values.seed === undefined ? randomInt(2 ** 31) : Number(values.seed);
if (!Number.isSafeInteger(calls) || calls < 1 || !Number.isSafeInteger(seed)) {
  console.error("usage: pnpm fuzz [--calls N] [--seed S] [--strict] [--postgres postgres://…] [--paths prefix,…]");
  process.exit(2);
}

/** A fresh database on the PostgreSQL server at `adminUrl`, and how to drop it. */
async function freshPostgres(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `parley_fuzz_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

const pgDb = values.postgres ? await freshPostgres(values.postgres) : null;
const config = loadConfig({ PORT: "0", NODE_ENV: "production", RATE_LIMITS: "off", ...(pgDb ? { DATABASE_URL: pgDb.url } : {}) });
const db = await openDatabase(config.database.kind === "postgres" ? config.database : { kind: "pglite", dataDir: null });
await applyMigrations(db, config.migrationsDir);
const logs = new LogWatch();
const server = await startServer(config, { db, log: createLogger({ level: "info", format: "json" }, logs.sink) });
console.log(`fuzz: seed ${seed}, budget ${calls} calls, ${config.database.kind}${values.strict ? ", strict" : ""}, server ${server.url}`);
// Ctrl-C (or SIGTERM) ends the run and still prints its report.
const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
let failed: boolean;
try {
  const report = await fuzz({
    url: server.url,
    db,
    logs,
    calls,
    seed,
    strict: values.strict,
    signal: stop.signal,
    paths: values.paths?.split(","),
    print: (line) => console.log(line),
  });
  console.log(describeReport(report));
  failed = report.failure !== null;
} finally {
  await server.close();
  await db.close();
  await pgDb?.drop();
}
process.exit(failed ? 1 : 0);
