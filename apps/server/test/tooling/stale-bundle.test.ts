// The build that `npm start` runs (scripts/bootstrap.mjs prepare) on a scratch copy of the repo:
// after a change to prisma/schema.prisma alone, the server bundle it serves must be rebuilt with
// the new Prisma client, and a run with nothing changed must rebuild nothing.
import { appendFile, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, exec, scratchCopy } from "./scratch";

const PROBE = "StaleBundleProbe";

let scratch: Awaited<ReturnType<typeof scratchCopy>>;

/** Runs `npm start`'s preparation in the scratch copy; returns what it printed. */
async function prepare(): Promise<string> {
  const { stdout, stderr } = await exec(process.execPath, ["scripts/bootstrap.mjs", "prepare"], {
    cwd: scratch.dir,
    env: cleanEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout + stderr;
}

const bundle = () => readFile(path.join(scratch.dir, "apps/server/dist/main.js"), "utf8");

beforeAll(async () => {
  scratch = await scratchCopy("stale-bundle");
  // A git repository, as a clone is (turbo asks git which files are sources). pnpm installs from
  // its store, so no package is downloaded again.
  await exec("git", ["init", "-q"], { cwd: scratch.dir });
  await prepare();
});

afterAll(async () => {
  await scratch?.remove();
});

describe("npm start's build", () => {
  it("rebuilds the server bundle after a change to prisma/schema.prisma alone", async () => {
    // (Checked with includes(): a failure should not print a 2 MB bundle.)
    expect((await bundle()).includes(PROBE), "the bundle has the probe before the change").toBe(false);

    // A model the generated client carries in its runtime data model, hence in the bundle.
    await appendFile(path.join(scratch.dir, "prisma/schema.prisma"), `\nmodel ${PROBE} {\n  id String @id\n}\n`);
    await prepare();

    expect(await readFile(path.join(scratch.dir, "packages/db/src/generated/client.ts"), "utf8")).toContain(PROBE);
    expect((await bundle()).includes(PROBE), "the server bundle has the new Prisma client").toBe(true);
  });

  it("rebuilds nothing when nothing changed", async () => {
    const before = await bundle();
    const output = await prepare();
    expect(output).toContain("FULL TURBO"); // every step replayed from the cache
    expect((await bundle()) === before, "the bundle is unchanged").toBe(true);
  });
});
