// `pnpm db:migrate` (prisma migrate dev, through prisma.config.ts and the patches in patches/) on
// a scratch copy of the repo, against a fresh PGlite data directory and a fresh PostgreSQL
// database: pending migrations are applied, a schema change becomes a new migration, and the
// database ends up where `prisma migrate status` says it is up to date.
import { randomBytes } from "node:crypto";
import { appendFile, readdir, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, exec, repo, scratchCopy } from "./scratch";

const ADMIN_URL = process.env.PARLEY_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let scratch: Awaited<ReturnType<typeof scratchCopy>>;

beforeAll(async () => {
  scratch = await scratchCopy("migrate-dev");
  // The checkout's dependencies serve the copy: the CLI and the adapters are all it loads, and
  // prisma.config.ts reaches packages/db by a relative path, so it loads the copy's.
  await symlink(path.join(repo, "node_modules"), path.join(scratch.dir, "node_modules"));
});

afterAll(async () => {
  await scratch?.remove();
});

/** Runs the Prisma CLI in the scratch copy; resolves with what it printed, or rejects with it. */
async function prisma(args: string[], env: Record<string, string>): Promise<string> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ["node_modules/prisma/build/index.js", ...args], {
      cwd: scratch.dir,
      env: cleanEnv(env),
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`prisma ${args.join(" ")} failed:\n${stdout}${stderr}`, { cause: error });
  }
}

/** The migration history as the copy holds it, oldest first. */
async function migrations(): Promise<string[]> {
  const entries = await readdir(path.join(scratch.dir, "prisma/migrations"), { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * A fresh database gets the history, then a new model becomes a new migration. The history
 * starts with a multi-statement migration.sql, which Migrate replays into its shadow database.
 */
async function migrateDevTwice(env: Record<string, string>, model: string): Promise<void> {
  const history = await migrations();

  const first = await prisma(["migrate", "dev"], env);
  expect(first).toContain(`Applied pending migrations first: ${history.join(", ")}`);
  expect(first).toContain("Already in sync");

  await appendFile(path.join(scratch.dir, "prisma/schema.prisma"), `\nmodel ${model} {\n  id String @id\n}\n`);
  const second = await prisma(["migrate", "dev", "--name", model.toLowerCase()], env);
  expect(second).toContain("Your database is now in sync with your schema.");
  const created = (await migrations()).filter((name) => !history.includes(name));
  expect(created).toHaveLength(1);
  const sql = await readFile(path.join(scratch.dir, "prisma/migrations", created[0]!, "migration.sql"), "utf8");
  expect(sql).toContain(`CREATE TABLE "${model}"`);

  expect(await prisma(["migrate", "status"], env)).toContain("Database schema is up to date!");
}

describe("prisma migrate dev", () => {
  it("migrates the embedded PGlite database", async () => {
    await migrateDevTwice({ DATA_DIR: path.join(scratch.dir, "data") }, "PgliteProbe");
  });

  it("migrates a PostgreSQL database and leaves no shadow database behind", async () => {
    const name = `parley_migrate_dev_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    const shadows = async () =>
      (await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'`)).rows.map(
        (r) => r.datname,
      );
    try {
      const shadowsBefore = await shadows();
      await admin.query(`CREATE DATABASE "${name}"`);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${name}`;
      await migrateDevTwice({ DATABASE_URL: url.toString() }, "PostgresProbe");
      expect(await shadows()).toEqual(shadowsBefore);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
