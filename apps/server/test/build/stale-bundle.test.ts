// The build that `npm start` runs (scripts/bootstrap.mjs prepare) on a scratch copy of the repo:
// after a change to prisma/schema.prisma alone, the server bundle it serves must be rebuilt with
// the new Prisma client, and a run with nothing changed must rebuild nothing. Slow (two full
// builds), so it is a project of its own that `npm test` runs once.
import { execFile } from "node:child_process";
import { appendFile, cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const repo = fileURLToPath(new URL("../../../../", import.meta.url));
const PROBE = "StaleBundleProbe";

let scratch: string;

/** The environment of a developer's shell: none of this test run's pnpm, turbo or vitest state. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(npm_(package|lifecycle)_|PNPM_SCRIPT|TURBO_|VITEST)/i.test(key) || key === "NODE_ENV") delete env[key];
  }
  return env;
}

/** Runs `npm start`'s preparation in the scratch copy; returns what it printed. */
async function prepare(): Promise<string> {
  const { stdout, stderr } = await exec(process.execPath, ["scripts/bootstrap.mjs", "prepare"], {
    cwd: scratch,
    env: cleanEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout + stderr;
}

const bundle = () => readFile(path.join(scratch, "apps/server/dist/main.js"), "utf8");

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "parley-stale-bundle-"));
  // The working tree as it is (committed or not), without what git ignores (node_modules, dist,
  // the generated client, caches): what a fresh clone of this state would hold. pnpm installs
  // from its store, so no package is downloaded again.
  const { stdout } = await exec("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: repo, maxBuffer: 16 * 1024 * 1024 });
  const files = stdout.split("\0").filter(Boolean);
  await Promise.all(files.map((file) => cp(path.join(repo, file), path.join(scratch, file), { force: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error; // a file deleted but not yet committed
  })));
  await exec("git", ["init", "-q"], { cwd: scratch });
  await prepare();
}, 300_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("npm start's build", () => {
  it("rebuilds the server bundle after a change to prisma/schema.prisma alone", async () => {
    // (Checked with includes(): a failure should not print a 2 MB bundle.)
    expect((await bundle()).includes(PROBE), "the bundle has the probe before the change").toBe(false);

    // A model the generated client carries in its runtime data model, hence in the bundle.
    await appendFile(path.join(scratch, "prisma/schema.prisma"), `\nmodel ${PROBE} {\n  id String @id\n}\n`);
    await prepare();

    expect(await readFile(path.join(scratch, "packages/db/src/generated/client.ts"), "utf8")).toContain(PROBE);
    expect((await bundle()).includes(PROBE), "the server bundle has the new Prisma client").toBe(true);
  }, 300_000);

  it("rebuilds nothing when nothing changed", async () => {
    const before = await bundle();
    const output = await prepare();
    expect(output).toContain("FULL TURBO"); // every step replayed from the cache
    expect((await bundle()) === before, "the bundle is unchanged").toBe(true);
  }, 120_000);
});
