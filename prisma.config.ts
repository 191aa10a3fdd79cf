// Prisma CLI configuration. Prisma 6.19 runs Migrate offline through its WebAssembly schema engine
// and a driver adapter (see ../shared/TOOLCHAIN.md): PostgreSQL when DATABASE_URL is set, else the
// embedded PGlite database in DATA_DIR (default ./data), the same choice the server makes.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { defineConfig } from "prisma/config";

const EMBEDDED_URL_MARKER = "postgresql://embedded-pglite/parley";

const databaseUrl = process.env.DATABASE_URL;
const embedded = !databaseUrl || databaseUrl === EMBEDDED_URL_MARKER;
// The schema's `url = env("DATABASE_URL")` must resolve or the CLI tries to download a query
// engine; with PGlite the adapter makes the real connection, so any PostgreSQL-shaped URL does.
if (embedded) process.env.DATABASE_URL = EMBEDDED_URL_MARKER;

applyPendingMigrationsBeforeMigrateDev();

type AdapterFactory = Awaited<ReturnType<typeof createAdapterFactory>>;
let adapterFactory: Promise<AdapterFactory> | undefined;

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  experimental: { adapter: true },
  engine: "js",
  // The CLI calls this more than once per command (e.g. once to print the datasource, once for
  // the schema engine): hand out one factory, so one PGlite instance owns DATA_DIR.
  adapter: () => (adapterFactory ??= createAdapterFactory()),
});

async function createAdapterFactory() {
  if (!embedded) {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    // The CLI never disposes its adapter: without allowExitOnIdle the idle pool keeps every
    // command alive for another idleTimeoutMillis (10 s) after it has finished.
    return new PrismaPg({ connectionString: databaseUrl, allowExitOnIdle: true });
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
  //   run the SQL through exec() (the simple protocol, what adapter-pg does for an empty args).
  // - executeScript does not await exec(): a failing migration was reported as applied and its
  //   error surfaced later as an unhandled rejection.
  // The shadow database is a fresh in-memory PGlite, closed when Migrate disposes it.
  const patchAdapter = (adapter: Adapter, db: PGliteDb, onDispose?: () => Promise<void>) => {
    const { executeRaw } = adapter;
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
      query.args.length === 0 ? runScript(query.sql) : executeRaw.call(adapter, query);
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
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patchAdapter(await factory.connect(), db),
    connectToShadowDb: async () => {
      const shadow = new PGlite();
      const adapter = await new PrismaPGlite(shadow).connect();
      return patchAdapter(adapter, shadow, () => shadow.close());
    },
  };
}

// Works around a bug in Prisma 6.19's wasm schema engine: `migrate dev` replays the migration
// history into the shadow database (the adapter's connectToShadowDb) only for the migrations the
// database has already applied, caches that schema, then applies the pending migrations and asks
// for the schema of the WHOLE history (evaluateDataLoss). That cache miss falls back to a path
// with no shadow factory, so on a fresh database or data directory, or after pulling someone
// else's migration, `migrate dev` applied the pending migrations and then failed with
// "PostgreSQL shadow DB must be provided through an external factory ... EvaluateDataLoss".
// A database with nothing pending does not hit it, so `migrate dev` first runs `migrate deploy`
// (Prisma's own code, in a child process that loads this same config).
function applyPendingMigrationsBeforeMigrateDev() {
  const args = process.argv.slice(2);
  const at = args.indexOf("migrate");
  if (at === -1 || args[at + 1] !== "dev") return;
  if (args.includes("--help") || args.includes("-h")) return;
  if (process.env.PARLEY_MIGRATE_DEV_PREDEPLOY) return;
  const cli = process.argv[1];
  if (!cli) return;

  const forwarded: string[] = [];
  args.forEach((arg, i) => {
    if (/^--(schema|config)=/.test(arg)) forwarded.push(arg);
    else if ((arg === "--schema" || arg === "--config") && args[i + 1] !== undefined) {
      forwarded.push(arg, args[i + 1]!);
    }
  });

  const deploy = spawnSync(
    process.execPath,
    [...process.execArgv, cli, "migrate", "deploy", ...forwarded],
    { env: { ...process.env, PARLEY_MIGRATE_DEV_PREDEPLOY: "1" }, encoding: "utf8" },
  );
  const output = `${deploy.stdout ?? ""}${deploy.stderr ?? ""}`;
  if (deploy.status !== 0) {
    // Carry on: `migrate dev` itself reports what state the database is in and what to do.
    process.stderr.write(
      `prisma.config.ts: \`prisma migrate deploy\`, run before \`migrate dev\` to apply pending ` +
        `migrations, failed (${deploy.error?.message ?? `exit ${deploy.status}`}):\n${output}\n`,
    );
    return;
  }
  const applied = output.indexOf("The following migration(s) have been applied");
  if (applied !== -1) {
    process.stdout.write(`Applied pending migrations first (prisma migrate deploy):\n`);
    process.stdout.write(`${output.slice(applied).trim()}\n\n`);
  }
}
