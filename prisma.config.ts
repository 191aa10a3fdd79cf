// Prisma CLI configuration. Prisma 6.19 runs Migrate offline through its WebAssembly schema engine
// and a driver adapter (see ../shared/TOOLCHAIN.md): PostgreSQL when DATABASE_URL is set, else the
// embedded PGlite database in DATA_DIR (default ./data), the same choice the server makes.
import path from "node:path";
import { defineConfig } from "prisma/config";

const EMBEDDED_URL_MARKER = "postgresql://embedded-pglite/parley";

const databaseUrl = process.env.DATABASE_URL;
const embedded = !databaseUrl || databaseUrl === EMBEDDED_URL_MARKER;
// The schema's `url = env("DATABASE_URL")` must resolve or the CLI tries to download a query
// engine; with PGlite the adapter makes the real connection, so any PostgreSQL-shaped URL does.
if (embedded) process.env.DATABASE_URL = EMBEDDED_URL_MARKER;

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    if (embedded) {
      const { PGlite } = await import("@electric-sql/pglite");
      const { PrismaPGlite } = await import("pglite-prisma-adapter");
      const dataDir = path.resolve(process.env.DATA_DIR ?? "data");
      return new PrismaPGlite(new PGlite(dataDir));
    }
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg({ connectionString: databaseUrl });
  },
});
