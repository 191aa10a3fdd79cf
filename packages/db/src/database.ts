import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "./generated/client";
import { pgliteSqlRunner, poolSqlRunner, type SqlRunner } from "./sql-runner";

/** Where the data lives: a PostgreSQL server, or the embedded PGlite database. */
export type DatabaseOptions = { kind: "postgres"; url: string; poolSize?: number } | { kind: "pglite"; dataDir: string | null }; // null: in memory (tests)

export type { SqlRunner } from "./sql-runner";

/** What the database reports to (the server's logger and metrics); both optional. */
export type DatabaseObservers = {
  /** Reports an error the database layer handled itself (an idle connection lost, say). */
  log?: { error(details: object, message: string): void };
  /** Called after every Prisma operation and plain SQL statement with its duration. */
  onQuery?: (operation: string, seconds: number) => void;
};

export interface Database {
  kind: DatabaseOptions["kind"];
  prisma: PrismaClient;
  sql: SqlRunner;
  /** True while the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Opens the database: PostgreSQL through adapter-pg, or PGlite in `dataDir` (or in memory). */
export async function openDatabase(options: DatabaseOptions, observers: DatabaseObservers = {}): Promise<Database> {
  if (options.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle client's error (server restart, network blip) must not crash the process.
    pool.on("error", (error) => observers.log?.error({ err: error }, "database: idle PostgreSQL client error"));
    const prisma = timedPrisma(new PrismaClient({ adapter: new PrismaPg(pool) }), observers.onQuery);
    const sql = timedSql(poolSqlRunner(pool), observers.onQuery);
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
  const prisma = timedPrisma(new PrismaClient({ adapter }), observers.onQuery);
  const sql = timedSql(pgliteSqlRunner(pglite), observers.onQuery);
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

/**
 * Times every Prisma operation (model operations, raw queries, those inside transactions) with a
 * query extension: two clock reads and a callback each. Without `onQuery`, the client unchanged.
 */
function timedPrisma(prisma: PrismaClient, onQuery: DatabaseObservers["onQuery"]): PrismaClient {
  if (!onQuery) return prisma;
  const extended = prisma.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        const started = performance.now();
        try {
          // Whatever the operation returns, unchanged (typed `any` by Prisma's extension API).
          return (await query(args)) as unknown;
        } finally {
          // e.g. "Message.findMany"; raw statements "queryRaw", "executeRaw" (without the "$").
          onQuery(
            model ? `${model}.${operation}` : operation.startsWith("$") ? operation.slice(1) : operation,
            (performance.now() - started) / 1000,
          );
        }
      },
    },
  });
  // A query extension changes no method's signature: the extended client is used as the plain one.
  return extended as unknown as PrismaClient;
}

/** Times plain SQL statements (label "sql"); sessions (migrations) are not timed. */
function timedSql(sql: SqlRunner, onQuery: DatabaseObservers["onQuery"]): SqlRunner {
  if (!onQuery) return sql;
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      onQuery("sql", (performance.now() - started) / 1000);
    }
  };
  return {
    exec: (text) => timed(() => sql.exec(text)),
    query: (text, params) => timed(() => sql.query(text, params)),
    session: (work) => sql.session(work),
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
