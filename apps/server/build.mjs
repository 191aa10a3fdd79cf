// Bundles the server into dist/main.js. Workspace packages and small pure-JS dependencies are
// bundled; packages that load native code or WebAssembly from their own folders stay external.
import { build } from "esbuild";

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/main.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  external: ["@prisma/client", "@electric-sql/pglite", "argon2", "pg", "@prisma/adapter-pg", "pglite-prisma-adapter"],
  // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
});
