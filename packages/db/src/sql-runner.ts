import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";

/** Plain SQL access beside Prisma, for migrations and the few statements Prisma cannot express. */
export interface SqlRunner {
  /** Runs a script of one or more statements with no parameters. */
  exec(sql: string): Promise<void>;
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs `work` on one dedicated connection (session-level locks, explicit transactions). */
  session<T>(work: (sql: Omit<SqlRunner, "session">) => Promise<T>): Promise<T>;
}

// No Prisma here: prisma.config.ts runs migrations through these before the client is generated.

/** SQL on a PostgreSQL pool; a session holds one of its connections. */
export function poolSqlRunner(pool: pg.Pool): SqlRunner {
  return {
    async exec(text) {
      await pool.query(text);
    },
    async query(text, params) {
      const result = await pool.query(text, params);
      return result.rows as never[];
    },
    async session(work) {
      const client = await pool.connect();
      try {
        return await work({
          async exec(text) {
            await client.query(text);
          },
          async query(text, params) {
            return (await client.query(text, params)).rows as never[];
          },
        });
      } finally {
        client.release();
      }
    },
  };
}

/** SQL on PGlite, which is a single connection already. */
export function pgliteSqlRunner(pglite: PGlite): SqlRunner {
  const sql: SqlRunner = {
    async exec(text) {
      await pglite.exec(text);
    },
    async query(text, params) {
      const result = await pglite.query(text, params);
      return result.rows as never[];
    },
    session: (work) => work(sql),
  };
  return sql;
}
