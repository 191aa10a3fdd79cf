import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { SqlRunner } from "./sql-runner";

// Applies pending migrations from prisma/migrations at start-up, without the Prisma CLI.
// `prisma migrate dev` owns the schema and writes the migration files; this runner only replays
// them, and it records each in Prisma's own `_prisma_migrations` table with Prisma's checksum
// (sha256 of migration.sql), so `prisma migrate status|dev|deploy` agree with what it did.

const LOCK_KEY = 72707369; // the advisory lock key Prisma Migrate itself takes

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Applies every migration in `migrationsDir` that the database has not applied yet. */
export async function applyMigrations(db: { sql: SqlRunner }, migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

  return db.sql.session(async (sql) => {
    const applied: string[] = [];
    // Several servers may start at once against one PostgreSQL: one migrates, the others wait.
    await sql.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    try {
      await sql.exec(CREATE_TABLE);
      const rows = await sql.query<{ migration_name: string; finished_at: unknown }>(
        `SELECT migration_name, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
      );
      const done = new Map(rows.map((r) => [r.migration_name, r]));
      for (const name of names) {
        const previous = done.get(name);
        if (previous) {
          if (!previous.finished_at) {
            throw new Error(`Migration ${name} failed earlier and never finished; fix it with \`prisma migrate resolve\``);
          }
          continue;
        }
        const script = await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8");
        const checksum = createHash("sha256").update(script).digest("hex");
        // The script and its bookkeeping row commit together, or not at all.
        await sql.exec("BEGIN");
        try {
          await sql.exec(script);
          await sql.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), now(), 1)`,
            [randomUUID(), checksum, name],
          );
          await sql.exec("COMMIT");
        } catch (error) {
          await sql.exec("ROLLBACK");
          throw new Error(`Migration ${name} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(name);
      }
    } finally {
      await sql.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]);
    }
    return applied;
  });
}
