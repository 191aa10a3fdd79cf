import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

// There is no Docker engine here, so the scaled deployment is checked by reading it (issue 12.5);
// `pnpm cluster` (cluster.test.ts) runs the same topology from local processes.
const read = (path: string) => readFile(new URL(`../../../${path}`, import.meta.url), "utf8");

/** The top-level blocks of a compose file's `services:` section, by name. */
function services(compose: string): Map<string, string> {
  const section = compose.split(/^services:\n/m)[1]?.split(/^\S/m)[0] ?? "";
  const blocks = new Map<string, string>();
  for (const block of section.split(/^(?= {2}\S)/m)) {
    const name = /^ {2}([\w-]+):/.exec(block)?.[1];
    if (name) blocks.set(name, block);
  }
  return blocks;
}

describe("docker-compose.cluster.yml and deploy/Caddyfile", () => {
  it("runs PostgreSQL, Redis, two replicas behind Caddy, with health checks on /readyz and named volumes", async () => {
    const compose = await read("docker-compose.cluster.yml");
    const caddy = await read("deploy/Caddyfile");
    const all = services(compose);
    expect([...all.keys()].sort()).toEqual(["parley-1", "parley-2", "postgres", "proxy", "redis"]);

    // Both replicas share the anchor: Redis, PostgreSQL, TRUST_PROXY, a /readyz health check, no published ports.
    const anchor = compose.split(/^x-parley: &parley\n/m)[1]?.split(/^\S/m)[0] ?? "";
    expect(anchor).toMatch(/DATABASE_URL: postgres:\/\/\S+@postgres:5432\//);
    expect(anchor).toMatch(/REDIS_URL: redis:\/\/redis:6379/);
    expect(anchor).toMatch(/TRUST_PROXY: "true"/);
    expect(anchor).toMatch(/healthcheck:[\s\S]*\/readyz/);
    expect(anchor).not.toMatch(/^\s+ports:/m);
    for (const name of ["parley-1", "parley-2"]) expect(all.get(name)).toMatch(/<<: \*parley/);
    expect(all.get("parley-2")).toMatch(/parley-1:\n\s+condition: service_healthy/);

    const proxy = all.get("proxy") ?? "";
    expect(proxy).toMatch(/image: caddy:2/);
    expect(proxy).toMatch(/\.\/deploy\/Caddyfile:\/etc\/caddy\/Caddyfile:ro/);
    expect(proxy).toMatch(/- "8080:8080"/);
    for (const name of ["parley-1", "parley-2"]) expect(proxy).toMatch(new RegExp(`${name}:\\n\\s+condition: service_healthy`));

    // Named volumes, declared.
    const volumes = compose.split(/^volumes:\n/m)[1] ?? "";
    for (const name of ["postgres-data", "caddy-data", "caddy-config"]) {
      expect(volumes).toMatch(new RegExp(`^ {2}${name}:`, "m"));
      expect(compose).toMatch(new RegExp(`- ${name}:/`));
    }

    // Caddy spreads over both replicas, checks /readyz, and listens where compose publishes.
    expect(caddy).toMatch(/^:8080 \{/m);
    expect(caddy).toMatch(/reverse_proxy parley-1:3000 parley-2:3000 \{/);
    expect(caddy).toMatch(/health_uri \/readyz/);
  });
});
