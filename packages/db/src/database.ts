import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "./generated/client";
import { pgliteSqlRunner, poolSqlRunner, type SqlRunner } from "./sql-runner";

/** Where the data lives: a PostgreSQL server, or the embedded PGlite database. */
export type DatabaseOptions =
  | { kind: "postgres"; url: string; poolSize?: number }
  | { kind: "pglite"; dataDir: string | null }; // null: in memory (tests)

export type { SqlRunner } from "./sql-runner";

export interface Database {
  kind: DatabaseOptions["kind"];
  prisma: PrismaClient;
  sql: SqlRunner;
  /** True while the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens the database: PostgreSQL through adapter-pg, or PGlite in `dataDir` (or in memory). */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle client's error (server restart, network blip) must not crash the process.
    pool.on("error", (error) => console.error("[db] idle PostgreSQL client error:", error.message));
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    const sql = poolSqlRunner(pool);
    return {
      kind: "postgres",
      prisma,
      sql,
      ping: () => ping(sql),
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }

  const pglite = options.dataDir ? new PGlite(path.resolve(options.dataDir)) : new PGlite();
  await pglite.waitReady;
  // pglite-prisma-adapter 0.6 is typed against driver-adapter-utils 6.10, Prisma 6.19 against
  // 6.19; the runtime protocol is the same (0.7 would want Prisma 7, which cannot run here).
  const adapter = new PrismaPGlite(pglite) as unknown as PrismaPg;
  const prisma = new PrismaClient({ adapter });
  const sql = pgliteSqlRunner(pglite);
  return {
    kind: "pglite",
    prisma,
    sql,
    ping: () => ping(sql),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function ping(sql: SqlRunner): Promise<boolean> {
  try {
    await sql.query("SELECT 1");
    return true;
  } catch {
    return false;
  }
}
