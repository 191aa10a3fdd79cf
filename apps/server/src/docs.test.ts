import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { envSchema } from "./env";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const read = (file: string) => readFileSync(root + file, "utf8");

/** What the schema reads, plus the RATE_LIMIT_<ACTION> family that loadConfig collects by prefix. */
const settings = [...Object.keys(envSchema.shape), "RATE_LIMIT_<ACTION>"].sort();

describe("the docs agree with the code", () => {
  it("lists every setting of the environment schema in the operations table, and no other", () => {
    const operations = read("docs/operations.md");
    const section = operations.slice(
      operations.indexOf("## Configuration"),
      operations.indexOf("\n## ", operations.indexOf("## Configuration") + 1),
    );
    const rows = [...section.matchAll(/^\| `([A-Z_<>]+)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(settings);
  });

  it("names only files that exist in adding-a-feature.md", () => {
    const page = read("docs/adding-a-feature.md");
    const paths = [...page.matchAll(/`((?:apps|packages|scripts|docs|prisma|e2e|bench)\/[^`\s]+)`/g)].map((m) => m[1] as string);
    expect(paths.length).toBeGreaterThan(20);
    for (const file of paths) expect(existsSync(root + file), file).toBe(true);
  });
});
