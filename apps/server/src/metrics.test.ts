import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createMetrics } from "./metrics";

const repo = (file: string) => readFileSync(fileURLToPath(new URL(`../../../${file}`, import.meta.url)), "utf8");

/** Every parley_* metric the server registers. */
function registered(): string[] {
  const metrics = createMetrics();
  metrics.watch({ connections: () => ({ authenticated: 0, anonymous: 0 }), argon2: () => ({ queued: 0, running: 0 }) });
  return metrics.registry
    .getMetricsAsArray()
    .map((m) => m.name)
    .filter((name) => name.startsWith("parley_"))
    .sort();
}

describe("metrics", () => {
  it("are all documented in docs/operations.md and drawn in the Grafana dashboard, which uses no other names", () => {
    const names = registered();
    expect(names.length).toBeGreaterThanOrEqual(13);
    const readme = repo("docs/operations.md");
    for (const name of names) expect(readme, name).toContain(`| \`${name}\` |`);

    const dashboard = JSON.parse(repo("deploy/grafana/parley.json")) as { panels: { targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    const used = new Set(exprs.flatMap((e) => e.match(/\bparley_[a-z0-9_]+/g) ?? []).map((n) => n.replace(/_(bucket|count|sum)$/, "")));
    expect([...used].sort()).toEqual(names);
  });

  it("count and time what they are given, with one labelled child per value", async () => {
    const metrics = createMetrics();
    metrics.watch({ connections: () => ({ authenticated: 3, anonymous: 1 }), argon2: () => ({ queued: 2, running: 1 }) });
    metrics.published("room:abc:events").inc();
    metrics.published("room:def:events").inc();
    metrics.published("user:u1:rooms").inc();
    metrics.deliveries("room.events").inc(40);
    expect(metrics.deliveries("room.events")).toBe(metrics.deliveries("room.events"));
    metrics.dbQuery("Message.findMany", 0.002);
    metrics.sendToDeliver.observe(0.004);
    const text = await metrics.registry.metrics();
    expect(text).toContain('parley_hub_published_total{topic="room_events"} 2');
    expect(text).toContain('parley_hub_published_total{topic="user_rooms"} 1');
    expect(text).toContain('parley_deliveries_total{procedure="room.events"} 40');
    expect(text).toContain('parley_websocket_connections{auth="authenticated"} 3');
    expect(text).toContain('parley_websocket_connections{auth="anonymous"} 1');
    expect(text).toContain('parley_argon2_queue_depth{state="queued"} 2');
    expect(text).toContain('parley_db_query_seconds_bucket{le="0.0025",operation="Message.findMany"} 1');
    expect(text).toContain('parley_send_to_deliver_seconds_bucket{le="0.005"} 1');
    expect(text).toContain("nodejs_eventloop_lag_seconds");
  });
});
