import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { applyMigrations, openDatabase } from "@parley/db";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string | null;
  }
}

const ADMIN_URL = process.env.PARLEY_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * With PARLEY_TEST_DB=postgres: one fresh database for the whole run, migrated once, dropped at
 * the end. With PGlite (the default) each test file opens its own in-memory database.
 */
export default async function setup(project: TestProject) {
  if (process.env.PARLEY_TEST_DB !== "postgres") {
    project.provide("databaseUrl", null);
    return;
  }
  const name = `parley_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: "postgres", url: url.toString() });
  await applyMigrations(db, fileURLToPath(new URL("../../../prisma/migrations", import.meta.url)));
  await db.close();
  project.provide("databaseUrl", url.toString());

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  };
}
