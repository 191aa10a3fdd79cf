// Where a subscribed connection's memory goes: starts one server (as `pnpm bench` does), takes
// a V8 heap snapshot of it (SIGUSR2 with --heapsnapshot-signal) before and after opening N
// subscribed connections, and prints the retained growth by constructor, per connection.
//
//   pnpm --filter @parley/bench exec tsx src/heap-profile.ts            # parley-pglite, 1000
//   HEAP_TARGET=raw-ws HEAP_CONNECTIONS=5000 pnpm --filter @parley/bench exec tsx src/heap-profile.ts
import { readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Subscribers } from "./load";
import { rssBytes } from "./proc";
import { startTarget, type TargetKind } from "./targets";

const kind = (process.env.HEAP_TARGET ?? "parley-pglite") as TargetKind;
const connections = Number(process.env.HEAP_CONNECTIONS ?? 1000);
const snapshotDir = await import("node:fs/promises").then((fs) => fs.mkdtemp(path.join(os.tmpdir(), "parley-heap-")));

process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshotDir}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Summary = Map<string, { count: number; size: number }>;

/** Aggregates a .heapsnapshot's nodes by constructor (self size), the way DevTools' summary does. */
async function summarise(file: string): Promise<{ total: number; byName: Summary }> {
  const snapshot = JSON.parse(await readFile(file, "utf8")) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const types = snapshot.snapshot.meta.node_types[0];
  const byName: Summary = new Map();
  let total = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const at = (offset: number) => snapshot.nodes[i + offset] ?? 0;
    const type = types[at(typeAt)] ?? "?";
    const name = type === "object" || type === "closure" ? (snapshot.strings[at(nameAt)] ?? "?") : `(${type})`;
    const size = at(sizeAt);
    total += size;
    const entry = byName.get(name) ?? { count: 0, size: 0 };
    entry.count += 1;
    entry.size += size;
    byName.set(name, entry);
  }
  return { total, byName };
}

async function snapshot(pid: number, label: string): Promise<string> {
  const before = new Set(await readdir(snapshotDir));
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 600; i++) {
    await sleep(100);
    const fresh = (await readdir(snapshotDir)).filter((f) => !before.has(f) && f.endsWith(".heapsnapshot"));
    if (fresh.length > 0) {
      const file = path.join(snapshotDir, fresh[0] ?? "");
      // Wait until the writer is done: the file stops growing.
      let size = -1;
      for (;;) {
        await sleep(1000);
        const now = (await stat(file)).size;
        if (now > 0 && now === size) break;
        size = now;
      }
      console.log(`[heap] ${label}: ${file}`);
      return file;
    }
  }
  throw new Error("no heap snapshot appeared");
}

const target = await startTarget(kind, {
  subscribers: connections + 1,
  senders: 1,
  postgresUrl: process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  redisUrl: null,
});
try {
  const pid = target.pids[0] ?? 0;
  const subs = new Subscribers(target);
  await subs.grow(1); // warm-up: the first subscription builds what every later one shares
  await sleep(2000);
  const rssBefore = rssBytes(pid);
  const a = await summarise(await snapshot(pid, "before"));
  await subs.grow(connections + 1);
  await sleep(3000);
  const rssAfter = rssBytes(pid);
  const b = await summarise(await snapshot(pid, "after"));
  const rssAfterGc = rssBytes(pid);
  const held = subs.open() - 1;
  console.log(`\n${target.name}: ${held} subscribed connections`);
  console.log(
    `  RSS growth ${((rssAfter - rssBefore) / 1024 / held).toFixed(1)} KiB/conn (${((rssAfterGc - rssBefore) / 1024 / held).toFixed(1)} after the snapshot's full GC); V8 heap (live after snapshot GC) ${((b.total - a.total) / 1024 / held).toFixed(1)} KiB/conn`,
  );
  const rows = [...b.byName].map(([name, after]) => {
    const before = a.byName.get(name) ?? { count: 0, size: 0 };
    return { name, count: (after.count - before.count) / held, bytes: (after.size - before.size) / held };
  });
  rows.sort((x, y) => y.bytes - x.bytes);
  console.log("  per connection, by constructor:");
  for (const row of rows.slice(0, 25)) {
    console.log(`    ${row.bytes.toFixed(0).padStart(7)} B  ${row.count.toFixed(2).padStart(6)} ×  ${row.name.slice(0, 80)}`);
  }
  for (const ws of subs.sockets) ws.terminate();
} finally {
  await target.close();
  await rm(snapshotDir, { recursive: true, force: true });
}
