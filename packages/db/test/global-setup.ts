import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../src/migrate";
import { openDatabase } from "../src/database";

declare module "vitest" {
  export interface ProvidedContext {
    /** The databases every repository suite runs on, in order. */
    dbBackends: ("pglite" | "postgres")[];
    /** This run's fresh, migrated PostgreSQL database (null when PostgreSQL is not in dbBackends). */
    dbPostgresUrl: string | null;
  }
}

const ADMIN_URL = process.env.PARLEY_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));

/**
 * The repository tests run on both databases unless PARLEY_TEST_DB names one. For PostgreSQL this
 * creates one fresh database for the run, migrates it once and drops it at the end; each test
 * file opens its own in-memory PGlite (see database.ts).
 */
export default async function setup(project: TestProject) {
  const only = process.env.PARLEY_TEST_DB;
  if (only !== undefined && only !== "pglite" && only !== "postgres") {
    throw new Error(`PARLEY_TEST_DB must be "pglite" or "postgres" (or unset for both), not '${only}'`);
  }
  const backends: ("pglite" | "postgres")[] = only ? [only] : ["pglite", "postgres"];
  project.provide("dbBackends", backends);
  if (!backends.includes("postgres")) {
    project.provide("dbPostgresUrl", null);
    return;
  }
  const name = `parley_db_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${ADMIN_URL} (set PARLEY_TEST_DB=pglite to test PGlite alone)`, { cause: error });
  }
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: "postgres", url: url.toString() });
  try {
    await applyMigrations(db, MIGRATIONS_DIR);
  } finally {
    await db.close();
  }
  project.provide("dbPostgresUrl", url.toString());

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  };
}
