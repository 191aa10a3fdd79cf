// Prisma CLI configuration. Prisma 6.19 runs Migrate offline through its WebAssembly schema engine
// and a driver adapter (see ../shared/TOOLCHAIN.md): PostgreSQL when DATABASE_URL is set, else the
// embedded PGlite database in DATA_DIR (default ./data), the same choice the server makes.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { defineConfig, type PrismaConfig } from "prisma/config";

const EMBEDDED_URL_MARKER = "postgresql://embedded-pglite/parley";

const databaseUrl = process.env.DATABASE_URL;
const embedded = !databaseUrl || databaseUrl === EMBEDDED_URL_MARKER;
// The schema's `url = env("DATABASE_URL")` must resolve or the CLI tries to download a query
// engine; with PGlite the adapter makes the real connection, so any PostgreSQL-shaped URL does.
if (embedded) process.env.DATABASE_URL = EMBEDDED_URL_MARKER;

letEngineTimersNotHoldTheProcess();

type AdapterFactory = Awaited<ReturnType<Extract<PrismaConfig, { engine: "js" }>["adapter"]>>;
let adapterFactory: Promise<AdapterFactory> | undefined;

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  experimental: { adapter: true },
  engine: "js",
  // The CLI calls this more than once per command (e.g. once to print the datasource, once for
  // the schema engine): hand out one factory, so one PGlite instance owns DATA_DIR.
  adapter: () => (adapterFactory ??= catchUpThenCreateAdapterFactory()),
});

async function catchUpThenCreateAdapterFactory(): Promise<AdapterFactory> {
  await applyPendingMigrationsBeforeMigrateDev();
  return createAdapterFactory();
}

async function createAdapterFactory(): Promise<AdapterFactory> {
  if (!embedded) {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    // The CLI never disposes its adapter, so an idle pool connection kept every command alive
    // for idleTimeoutMillis (default 10 s) after it had finished. (Not allowExitOnIdle: Migrate
    // awaits pool.end() of its shadow-database pools, and with unref'd sockets Node exited
    // mid-command, silently, leaving the shadow database behind.)
    return new PrismaPg({ connectionString: databaseUrl, idleTimeoutMillis: 1_000 });
  }

  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  type PGliteDb = InstanceType<typeof PGlite>;
  type Adapter = Awaited<ReturnType<InstanceType<typeof PrismaPGlite>["connect"]>>;

  // pglite-prisma-adapter@0.6.1 needs two fixes for Migrate, made here on its adapter objects:
  // - executeRaw sends every statement through PGlite's query(), the extended protocol, which
  //   rejects several statements in one string. Migrate replays each migration.sql into the
  //   shadow database with executeRaw, so with any migration history `migrate dev` failed with
  //   P3006 "cannot insert multiple commands into a prepared statement". Without parameters,
  //   run the SQL through exec(), the simple protocol (as adapter-pg does when args are empty).
  // - executeScript does not await exec(): a failing migration script resolved as a success (so
  //   Migrate could record it as applied) and its error surfaced later as an unhandled rejection.
  // The shadow database is a fresh in-memory PGlite, closed when Migrate disposes it.
  const patchAdapter = (adapter: Adapter, db: PGliteDb, onDispose?: () => Promise<void>) => {
    const executeRaw = adapter.executeRaw.bind(adapter);
    const rethrow = (error: unknown): never =>
      (adapter as unknown as { onError(error: unknown): never }).onError(error);
    const runScript = async (sql: string) => {
      try {
        const results = await db.exec(sql);
        return results.at(-1)?.affectedRows ?? 0;
      } catch (error) {
        return rethrow(error);
      }
    };
    adapter.executeRaw = (query) =>
      query.args.length === 0 ? runScript(query.sql) : executeRaw(query);
    adapter.executeScript = async (script) => {
      await runScript(script);
    };
    if (onDispose) adapter.dispose = onDispose;
    return adapter;
  };

  const dataDir = path.resolve(process.env.DATA_DIR ?? "data");
  const db = new PGlite(dataDir);
  // Shut PGlite down cleanly once the command is done (the CLI never disposes the adapter).
  process.once("beforeExit", () => void db.close().catch(() => {}));
  const factory = new PrismaPGlite(db);
  const patchedFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patchAdapter(await factory.connect(), db),
    connectToShadowDb: async () => {
      const shadow = new PGlite();
      const adapter = await new PrismaPGlite(shadow).connect();
      return patchAdapter(adapter, shadow, () => shadow.close());
    },
  };
  // pglite-prisma-adapter 0.6 is typed against @prisma/driver-adapter-utils 6.10; same shape.
  return patchedFactory as unknown as AdapterFactory;
}

// Works around a bug in Prisma 6.19's wasm schema engine: `migrate dev` replays the migration
// history into the shadow database (the adapter's connectToShadowDb) only for the migrations the
// database has already applied, caches that schema, then applies the pending migrations and asks
// for the schema of the WHOLE history (evaluateDataLoss). That cache miss falls back to a path
// with no shadow factory, so on a fresh database or data directory, or after pulling someone
// else's migration, `migrate dev` applied the pending migrations and then failed with
// "PostgreSQL shadow DB must be provided through an external factory ... EvaluateDataLoss".
// A database with nothing pending does not hit it. So when the database is merely behind
// prisma/migrations (its applied migrations all present there and unedited, none failed, some
// pending), `migrate dev` first runs `migrate deploy`: Prisma's own code, in a child process that
// loads this same config. Any other state is left to `migrate dev` to diagnose as usual.
async function applyPendingMigrationsBeforeMigrateDev() {
  const args = process.argv.slice(2);
  const at = args.indexOf("migrate");
  if (at === -1 || args[at + 1] !== "dev") return;
  if (args.includes("--help") || args.includes("-h")) return;
  if (process.env.PARLEY_MIGRATE_DEV_PREDEPLOY) return;
  const cli = process.argv[1];
  if (!cli) return;

  const option = (name: string) => {
    const i = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
    if (i === -1) return undefined;
    const arg = args[i] as string;
    return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[i + 1];
  };
  const schemaOption = option("--schema");
  const configOption = option("--config");
  const configDir = configOption ? path.dirname(path.resolve(configOption)) : process.cwd();
  const migrationsDir = schemaOption
    ? path.join(path.dirname(path.resolve(schemaOption)), "migrations")
    : path.join(configDir, "prisma", "migrations");

  const local = new Map<string, string>(); // migration name -> checksum of its migration.sql
  if (fs.existsSync(migrationsDir)) {
    for (const entry of fs.readdirSync(migrationsDir, { withFileTypes: true })) {
      const file = path.join(migrationsDir, entry.name, "migration.sql");
      if (!entry.isDirectory() || !fs.existsSync(file)) continue;
      local.set(entry.name, createHash("sha256").update(fs.readFileSync(file)).digest("hex"));
    }
  }
  if (local.size === 0) return;

  const applied = await readAppliedMigrations();
  if (applied === "unknown") return;
  const cleanHistory = applied.every(
    (m) => m.rolledBack || (m.finished && local.get(m.name) === m.checksum),
  );
  const done = new Set(applied.filter((m) => m.finished && !m.rolledBack).map((m) => m.name));
  if (!cleanHistory || [...local.keys()].every((name) => done.has(name))) return;

  const forwarded = [
    ...(schemaOption ? ["--schema", schemaOption] : []),
    ...(configOption ? ["--config", configOption] : []),
  ];
  const deploy = spawnSync(
    process.execPath,
    [...process.execArgv, cli, "migrate", "deploy", ...forwarded],
    { env: { ...process.env, PARLEY_MIGRATE_DEV_PREDEPLOY: "1" }, encoding: "utf8" },
  );
  if (deploy.status !== 0) {
    // Carry on: `migrate dev` itself reports what state the database is in and what to do.
    process.stderr.write(
      `prisma.config.ts: \`prisma migrate deploy\`, run before \`migrate dev\` to apply pending ` +
        `migrations, failed (${deploy.error?.message ?? `exit ${deploy.status}`}):\n` +
        `${deploy.stdout ?? ""}${deploy.stderr ?? ""}\n`,
    );
    return;
  }
  const stdout = deploy.stdout ?? "";
  const from = stdout.indexOf("The following migration(s) have been applied");
  if (from !== -1) {
    process.stdout.write(`Applied pending migrations first (prisma migrate deploy):\n`);
    process.stdout.write(`${stdout.slice(from).trim()}\n\n`);
  }
}

type AppliedMigration = { name: string; checksum: string; finished: boolean; rolledBack: boolean };

// The rows of _prisma_migrations ([] when there is no such table), or "unknown" when the database
// cannot be read; the connection is closed again before `migrate deploy` opens its own.
async function readAppliedMigrations(): Promise<AppliedMigration[] | "unknown"> {
  const sql =
    `SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NOT NULL ` +
    `FROM "_prisma_migrations"`;
  const toRows = (rows: unknown[][]) =>
    rows.map(([name, checksum, finished, rolledBack]) => ({
      name: String(name),
      checksum: String(checksum),
      finished: finished === true,
      rolledBack: rolledBack === true,
    }));
  try {
    if (embedded) {
      const dataDir = path.resolve(process.env.DATA_DIR ?? "data");
      if (!fs.existsSync(dataDir) || fs.readdirSync(dataDir).length === 0) return [];
      const { PGlite } = await import("@electric-sql/pglite");
      const db = new PGlite(dataDir);
      try {
        const table = await db.query<[unknown]>(`SELECT to_regclass('_prisma_migrations')`, [], {
          rowMode: "array",
        });
        if (table.rows[0]?.[0] == null) return [];
        return toRows((await db.query<unknown[]>(sql, [], { rowMode: "array" })).rows);
      } finally {
        await db.close();
      }
    }
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const adapter = await new PrismaPg({ connectionString: databaseUrl }).connect();
    try {
      const query = (text: string) => adapter.queryRaw({ sql: text, args: [], argTypes: [] });
      const table = await query(`SELECT to_regclass('_prisma_migrations')::text`);
      if (table.rows[0]?.[0] == null) return [];
      return toRows((await query(sql)).rows);
    } finally {
      await adapter.dispose();
    }
  } catch {
    return "unknown";
  }
}

// The schema engine (wasm) arms 10 s and 60 s setTimeout guards that it can never cancel (its JS
// glue imports no clearTimeout), and PGlite leaves PostgreSQL's own timers (setitimer) armed; on
// success the CLI does not call process.exit, so `migrate dev` sat idle for a minute after
// finishing and `migrate deploy` for 10 s. Timers armed from inside WebAssembly are such guards,
// never the work itself (a query in flight holds a socket, PGlite runs synchronously): unref them
// so they still fire while the command runs but no longer keep the finished process alive.
function letEngineTimersNotHoldTheProcess() {
  const original = globalThis.setTimeout;
  const patched = ((...args: Parameters<typeof setTimeout>) => {
    const timer = original(...args);
    if ((args[1] ?? 0) >= 1000 && new Error().stack?.includes("wasm://")) timer.unref();
    return timer;
  }) as typeof setTimeout;
  globalThis.setTimeout = Object.assign(patched, original);
}
