// Builds the publishable package into dist/:
//   dist/index.js    ESM, one file; @trpc/client and ws stay imports (they are the dependencies).
//   dist/index.d.ts  one declaration file with the router's types inlined, so a consumer needs
//                    neither @parley/api nor anything the server runs (Prisma, argon2, PGlite, zod).
//                    @trpc/client's types (TRPCClient, TRPCClientError, ...) are inlined too; only
//                    @trpc/server stays an import. @trpc/client's index.d.mts loads its wsLink's
//                    declarations, which import @trpc/server/adapters/ws, whose `import ws from
//                    "ws"; ws.WebSocket` does not type-check (TS7016 without @types/ws, TS2694 with
//                    it): importing @trpc/client's types would make every consumer that checks
//                    library declarations (skipLibCheck off) fail. @trpc/server's other entries
//                    (the root, unstable-core-do-not-import, observable, http) do not reach it.
// Inside the monorepo nothing uses dist/: the workspace resolves this package to src/index.ts.
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { rollup } from "rollup";
import { dts } from "rollup-plugin-dts";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "dist");
/**
 * Modules swapped while the declarations are bundled, by resolved path. tsc's declarations of the
 * router mention three things besides @trpc/server: the domain types (@parley/contract), the
 * request context, and @parley/api's entry (which re-exports that context). The contract's entry
 * also exports its zod schemas, so its types module (zod-free; src/index.ts re-exports it whole)
 * stands in for it. The real entry of @parley/api also exports the server's runtime, whose
 * declarations reach Prisma's generated client; the real Context reaches the database, node:http
 * and the hub. A client never reads the context (createTRPCClient looks at the procedures, the
 * error shape and the transformer), so the published AppRouter carries `ctx: object` and is
 * otherwise the server's own type, as tsc infers it. The program that type-checks and emits is
 * the real one.
 */
const standIns = new Map([
  [path.resolve(here, "../api/src/index.ts"), path.join(here, "build/api-types.d.ts")],
  [path.resolve(here, "../api/src/context.ts"), path.join(here, "build/server-context.d.ts")],
  [path.resolve(here, "../contract/src/index.ts"), path.resolve(here, "../contract/src/types.ts")],
]);

/** What the published files may import: the package's dependencies (and Node built-ins). */
const allowedImports = {
  "index.js": /^(@trpc\/client|@trpc\/server(\/[\w-]+)?|ws|node:[\w/]+)$/,
  // Not @trpc/client, ws or @trpc/server/adapters/*: see the top of this file.
  "index.d.ts": /^@trpc\/server(\/(unstable-core-do-not-import|observable|http))?$/,
};

await rm(dist, { recursive: true, force: true });

await build({
  entryPoints: [path.join(here, "src/index.ts")],
  outfile: path.join(dist, "index.js"),
  bundle: true,
  // Browsers and Node alike: the `ws` import is only used where there is no global WebSocket.
  platform: "neutral",
  format: "esm",
  target: "es2022",
  // The package's own dependencies stay imports; workspace code it uses at run time (the
  // contract's zod-free session-end reasons) is bundled in, so nothing imports '@parley/…'.
  external: ["@trpc/client", "@trpc/server", "@trpc/server/*", "ws"],
  sourcemap: true,
  logLevel: "warning",
});

const bundle = await rollup({
  input: path.join(here, "src/index.ts"),
  plugins: [
    {
      // Runs before dts and swaps the modules listed in standIns.
      name: "parley-stand-ins",
      async resolveId(source, importer, options) {
        if (!importer) return null;
        const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
        return (resolved && standIns.get(path.resolve(resolved.id))) ?? null;
      },
    },
    // preserveSymlinks off: workspace packages resolve to their real paths (packages/*), so the
    // plugin bundles them instead of treating them as node_modules imports.
    dts({
      tsconfig: path.join(here, "tsconfig.json"),
      compilerOptions: { preserveSymlinks: false },
      includeExternal: ["@parley/api", "@parley/contract", "@trpc/client"],
    }),
  ],
  onwarn(warning, warn) {
    // Unused imports inside the server's modules are expected: only the router's types are kept.
    if (warning.code === "UNUSED_EXTERNAL_IMPORT") return;
    warn(warning);
  },
});
await bundle.write({ file: path.join(dist, "index.d.ts"), format: "es" });
await bundle.close();

// @trpc/server's declarations use the standard Disposable/AsyncDisposable types. A consumer
// with TypeScript's default libraries and no @types/node lacks them; this reference adds just
// those ES library types (nothing Node- or DOM-specific), so such a consumer type-checks too.
const declarations = path.join(dist, "index.d.ts");
await writeFile(declarations, `/// <reference lib="esnext.disposable" />\n${await readFile(declarations, "utf8")}`);

// The published files must not reach the server's code or its dependencies.
const problems = [];
for (const [file, allowed] of Object.entries(allowedImports)) {
  const text = await readFile(path.join(dist, file), "utf8");
  const imports = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => /** @type {string} */ (m[1]));
  for (const name of new Set(imports)) {
    if (!allowed.test(name)) problems.push(`${file} imports '${name}'`);
  }
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
  for (const word of ["@prisma", "prisma", "@parley/", "argon2", "pglite", "from 'zod'", 'from "zod"']) {
    if (code.toLowerCase().includes(word)) problems.push(`${file} mentions '${word}'`);
  }
}
if (problems.length > 0) {
  console.error(`@parley/client build: the published files reach beyond their dependencies:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("@parley/client built: dist/index.js, dist/index.d.ts");
