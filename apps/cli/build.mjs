// Bundles the CLI into dist/parley.js: one file that runs with plain `node` (Node 20+) and needs
// no node_modules, so it can be copied onto any machine that runs scripts or bots. Everything is
// bundled, @parley/client's sources included (the workspace resolves it to TypeScript).
import { chmod } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Builds the CLI into `outfile` (tests build their own copy, so they never run a stale one). */
export async function buildCli(outfile = path.join(here, "dist/parley.js")) {
  await build({
    entryPoints: [path.join(here, "src/main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    // ws loads these optional native speed-ups only if they are installed; they are not.
    external: ["bufferutil", "utf-8-validate"],
    // ws is CommonJS and calls require(); give the ESM bundle one. The shebang makes it a command.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: "warning",
  });
  await chmod(outfile, 0o755);
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outfile = await buildCli();
  console.log(`built ${path.relative(process.cwd(), outfile)}`);
}
