import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

// There is no Docker engine here, so the image is checked by reading its Dockerfile (issue 11.7).
describe("Dockerfile", () => {
  it("runs the server as an unprivileged user that owns only the data directory", async () => {
    const dockerfile = await readFile(new URL("../../../Dockerfile", import.meta.url), "utf8");
    const stages = dockerfile.split(/^FROM\s/m);
    const runtime = stages[stages.length - 1] ?? "";
    const users = [...runtime.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1];
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    // The USER line comes before the command it should govern.
    expect(runtime.lastIndexOf("USER ")).toBeLessThan(runtime.indexOf("CMD "));
    expect(runtime).toMatch(new RegExp(`chown\\s+${user}(:\\S+)?\\s+/data`));
  });
});
