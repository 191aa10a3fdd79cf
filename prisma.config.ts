// Prisma CLI configuration. Prisma 6.19 runs Migrate offline through its WebAssembly schema engine
// and a driver adapter (see ../shared/TOOLCHAIN.md): PostgreSQL when DATABASE_URL is set, else the
// embedded PGlite database in DATA_DIR (default ./data), the same choice the server makes. The
// adapters' and the CLI's own bugs are fixed in patches/ (patches/README.md).
import path from "node:path";
import { defineConfig, type PrismaConfig } from "prisma/config";

const EMBEDDED_URL_MARKER = "postgresql://embedded-pglite/parley";

const databaseUrl = process.env.DATABASE_URL;
const embedded = !databaseUrl || databaseUrl === EMBEDDED_URL_MARKER;
// The schema's `url = env("DATABASE_URL")` must resolve or the CLI tries to download a query
// engine; with PGlite the adapter makes the real connection, so any PostgreSQL-shaped URL does.
if (embedded) process.env.DATABASE_URL = EMBEDDED_URL_MARKER;
const dataDir = path.resolve(process.env.DATA_DIR ?? "data");

type AdapterFactory = Awaited<ReturnType<Extract<PrismaConfig, { engine: "js" }>["adapter"]>>;
let adapterFactory: Promise<AdapterFactory> | undefined;

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  experimental: { adapter: true },
  engine: "js",
  // The CLI calls this more than once per command (e.g. once to print the datasource, once for
  // the schema engine): hand out one factory, so one PGlite instance owns DATA_DIR.
  adapter: () => (adapterFactory ??= createAdapterFactory()),
});

async function createAdapterFactory(): Promise<AdapterFactory> {
  if (isMigrateDev()) await applyPendingMigrations();
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
  const db = new PGlite(dataDir);
  // Shut PGlite down cleanly once the command is done (the CLI never disposes the adapter).
  process.once("beforeExit", () => void db.close().catch(() => {}));
  // pglite-prisma-adapter 0.6 is typed against @prisma/driver-adapter-utils 6.10; same shape.
  return new PrismaPGlite(db) as unknown as AdapterFactory;
}

function isMigrateDev(): boolean {
  const args = process.argv.slice(2);
  const at = args.indexOf("migrate");
  return at !== -1 && args[at + 1] === "dev" && !args.includes("--help") && !args.includes("-h");
}

// Works around a bug in Prisma 6.19's wasm schema engine that no patch can reach: `migrate dev`
// replays into the shadow database only the migrations the database has applied, caches that
// schema, applies the pending ones, then asks for the schema of the whole history; that cache
// miss takes a path with no shadow factory and fails ("PostgreSQL shadow DB must be provided
// through an external factory ... EvaluateDataLoss"). A database with nothing pending does not
// hit it. So pending migrations are applied first, by the runner the server uses at start-up
// (packages/db), which records them in _prisma_migrations as Prisma does. If that fails,
// `migrate dev` goes on and reports the database's state itself.
async function applyPendingMigrations(): Promise<void> {
  const { applyMigrations } = await import("./packages/db/src/migrate");
  const { pgliteSqlRunner, poolSqlRunner } = await import("./packages/db/src/sql-runner");
  const migrationsDir = path.resolve("prisma", "migrations");
  let close: () => Promise<void>;
  let sql;
  if (embedded) {
    const { PGlite } = await import("@electric-sql/pglite");
    const pglite = new PGlite(dataDir);
    sql = pgliteSqlRunner(pglite);
    close = () => pglite.close();
  } else {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    sql = poolSqlRunner(pool);
    close = () => pool.end();
  }
  try {
    const applied = await applyMigrations({ sql }, migrationsDir);
    if (applied.length > 0) console.log(`Applied pending migrations first: ${applied.join(", ")}\n`);
  } catch (error) {
    console.error(`prisma.config.ts: applying pending migrations before \`migrate dev\` failed: ${(error as Error).message}\n`);
  } finally {
    await close();
  }
}
