import { Writable } from "node:stream";
import type { Database } from "@parley/db";
import type { Failure } from "./transports";

/**
 * A sink for the server's logger that keeps the lines a client's mistake must never cause:
 * errors (a failure logged with its stack), warnings about 5xx answers, anything with a stack.
 */
export class LogWatch {
  private bad: string[] = [];
  /** Pass to createLogger (JSON format) as its destination. */
  readonly sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of String(chunk).split("\n")) if (line && this.isBad(line)) this.bad.push(line);
      done();
    },
  });

  private isBad(line: string): boolean {
    let entry: { level?: string; status?: number; err?: unknown; stack?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return /\n\s+at /.test(line);
    }
    if (entry.level === "error" || entry.level === "fatal") return true;
    if (typeof entry.status === "number" && entry.status >= 500) return true;
    return line.includes('"stack":');
  }

  /** The bad lines logged since the last take, as failures. */
  take(): Failure[] {
    const out = this.bad.map((line) => ({ kind: "internal" as const, detail: `server log: ${summary(line)}` }));
    this.bad = [];
    return out;
  }
}

/** A log line for the report: what failed and where first, then the start of the stack. */
function summary(line: string): string {
  try {
    const { msg, path, err } = JSON.parse(line) as { msg?: string; path?: string; err?: { message?: string; stack?: string } };
    return `"${msg ?? ""}"${path ? ` path=${path}` : ""}: ${err?.message ?? ""}\n    ${(err?.stack ?? "").split("\n").slice(1, 5).join("\n    ")}`;
  } catch {
    return line.slice(0, 1500);
  }
}

/**
 * A cheap fingerprint of the database: every table's row count and, where it has an `id`, its
 * greatest id (ids are UUIDv7, so a new row moves it). Taken around a refused call run alone:
 * if it moved, the refused call left a write behind.
 */
export async function fingerprinter(db: Database): Promise<() => Promise<string>> {
  const tables = await db.sql.query<{ table_name: string; has_id: boolean }>(
    `SELECT t.table_name, EXISTS (SELECT 1 FROM information_schema.columns c
       WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'id') AS has_id
     FROM information_schema.tables t
     WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND t.table_name NOT LIKE '\\_prisma%'
     ORDER BY t.table_name`,
  );
  const sql = tables
    .map(
      ({ table_name: name, has_id: hasId }) =>
        `SELECT '${name}' AS t, count(*)::text AS n, ${hasId ? "max(id)::text" : "''"} AS m FROM "${name}"`,
    )
    .join(" UNION ALL ");
  return async () => {
    const rows = await db.sql.query<{ t: string; n: string; m: string | null }>(sql);
    return rows.map((r) => `${r.t}=${r.n}/${r.m ?? ""}`).join(" ");
  };
}

/** The tables whose part of two fingerprints differ, for the report. */
export function fingerprintDiff(before: string, after: string): string {
  const a = new Set(before.split(" "));
  return after
    .split(" ")
    .filter((part) => !a.has(part))
    .join(" ");
}
