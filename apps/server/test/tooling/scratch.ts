// Scratch copies of the repo for tests of its tooling (the build, the Prisma CLI), which change
// files and must not touch the checkout they run in.
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const exec = promisify(execFile);

/** The checkout these tests run in. */
export const repo = fileURLToPath(new URL("../../../../", import.meta.url));

/**
 * Copies the working tree as it is (committed or not) without what git ignores (node_modules,
 * dist, the generated client, caches) into a new temporary folder: what a fresh clone of this
 * state would hold. `remove()` deletes it.
 */
export async function scratchCopy(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `parley-${prefix}-`));
  const { stdout } = await exec("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repo,
    maxBuffer: 16 * 1024 * 1024,
  });
  const files = stdout.split("\0").filter(Boolean);
  await Promise.all(
    files.map((file) =>
      cp(path.join(repo, file), path.join(dir, file), { force: true }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error; // a file deleted but not yet committed
      }),
    ),
  );
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The environment of a developer's shell: none of this test run's pnpm, turbo or vitest state. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(npm_(package|lifecycle)_|PNPM_SCRIPT|TURBO_|VITEST)/i.test(key)) delete env[key];
    if (["NODE_ENV", "DATABASE_URL", "DATA_DIR"].includes(key)) delete env[key];
  }
  return { ...env, ...extra };
}
