// Parley's real-time benchmark (issue 7): the same load generator against a bare `ws` server,
// Socket.IO and Parley (PostgreSQL, PGlite, and two servers over Redis), one table at the end.
// Every knob is an environment variable; see bench/README.md.
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import {
  ackThroughput,
  fanout,
  measureMemory,
  Subscribers,
  waitUntilQuiet,
  type AckResult,
  type FanoutResult,
  type MemoryResult,
} from "./load";
import { describeMachine, openFileLimit } from "./proc";
import { writePlot } from "./plot";
import { startTarget, type TargetKind } from "./targets";

const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);

const config = {
  subscribers: num("BENCH_SUBSCRIBERS", 1000),
  rate: num("BENCH_RATE", 50),
  seconds: num("BENCH_SECONDS", 10),
  graceMs: num("BENCH_GRACE_MS", 1500),
  drainCapMs: num("BENCH_DRAIN_CAP_MS", 10_000),
  memoryConnections: num("BENCH_MEMORY_CONNECTIONS", 5000),
  ackConnections: num("BENCH_ACK_CONNECTIONS", 20),
  ackInFlight: num("BENCH_ACK_IN_FLIGHT", 10),
  ackSeconds: num("BENCH_ACK_SECONDS", 5),
  postgresUrl: env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  redisUrl: env.REDIS_URL || env.BENCH_REDIS_URL || "redis://127.0.0.1:6379",
};
const ALL: TargetKind[] = ["raw-ws", "socketio", "parley-pg", "parley-pg-inbox", "parley-pglite", "parley-pg-redis"];

async function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1000);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

type Row = { name: string; memory?: MemoryResult; fanout?: FanoutResult; acks?: AckResult; error?: string; seconds: number };

async function runTarget(kind: TargetKind): Promise<Row> {
  const started = performance.now();
  const log = (text: string) => console.log(`[${kind}] ${text}`);
  const target = await startTarget(kind, {
    subscribers: Math.max(config.subscribers, config.memoryConnections),
    senders: config.ackConnections,
    postgresUrl: config.postgresUrl,
    redisUrl: config.redisUrl,
  });
  const row: Row = { name: target.name, seconds: 0 };
  try {
    const subs = new Subscribers(target);
    // Warm the server up (code paths, database connections) before taking its baseline RSS.
    await subs.grow(1);
    subs.shrink(0);
    await new Promise((r) => setTimeout(r, 1000));

    if (config.memoryConnections > 0) {
      log(`memory: opening ${config.memoryConnections} subscribed connections`);
      row.memory = await measureMemory(target, subs, config.memoryConnections, 3000);
      log(`memory: ${row.memory.held}/${row.memory.connections} held, ${row.memory.kibPerConnection.toFixed(1)} KiB each`);
      for (const f of row.memory.failures.slice(0, 3)) log(`  failure: ${f}`);
      subs.shrink(config.subscribers);
      await waitUntilQuiet(target, 10_000);
    }
    if (config.subscribers > 0 && config.rate > 0) {
      await subs.grow(config.subscribers);
      log(`fan-out: ${subs.open()} subscribers × ${config.rate} msg/s for ${config.seconds} s`);
      row.fanout = await fanout(target, subs, {
        rate: config.rate,
        seconds: config.seconds,
        graceMs: config.graceMs,
        drainCapMs: config.drainCapMs,
      });
      const f = row.fanout;
      log(
        `fan-out: ${f.delivered}/${f.expected} delivered in time${f.late ? ` (+${f.late} late, drained ${f.drainSeconds.toFixed(1)} s)` : ""}, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, ${f.cpuMicrosPerDelivery.toFixed(1)} µs CPU/delivery, server ${(f.serverCpu * 100).toFixed(0)}%, generator ${(f.generatorCpu * 100).toFixed(0)}%, other processes ${(f.otherCpu * 100).toFixed(0)}% of a core`,
      );
    }
    subs.shrink(0);
    // A server that fell behind keeps working through its backlog; let it finish (capped).
    const quiet = await waitUntilQuiet(target, 20_000);
    if (quiet > 1) log(`server busy for ${quiet.toFixed(1)} s after the fan-out`);
    if (config.ackConnections > 0 && target.alive()) {
      log(`acks: ${config.ackConnections} connections × ${config.ackInFlight} in flight for ${config.ackSeconds} s, then half that rate`);
      row.acks = await ackThroughput(target, config.ackConnections, config.ackInFlight, config.ackSeconds);
      const a = row.acks;
      log(
        `acks: ${a.acksPerSecond.toFixed(0)}/s (p50 ${a.p50.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms); at ${a.half.achieved.toFixed(0)}/s p99 ${a.half.p99.toFixed(1)} ms`,
      );
    }
    if (!target.alive()) row.error = "server process exited during the run";
  } catch (error) {
    row.error = String(error);
    log(`failed: ${row.error}`);
  } finally {
    await target.close();
  }
  row.seconds = (performance.now() - started) / 1000;
  return row;
}

const ms = (v: number | undefined) => (v === undefined ? "–" : Number.isFinite(v) ? (v < 10 ? v.toFixed(1) : v.toFixed(0)) : "∞");

function printTable(rows: Row[]): void {
  const raw = rows.find((r) => r.name === "raw ws")?.fanout?.cpuMicrosPerDelivery;
  const header = ["server", "CPU µs/delivery", "× raw ws", "KiB/conn", "p50 ms", "p99 ms", "delivered %", "acks/s", "ack p99 ms"];
  const lines = rows.map((r) => {
    const f = r.fanout;
    const pct = f ? (100 * f.delivered) / Math.max(1, f.expected) : undefined;
    return [
      r.name,
      f ? f.cpuMicrosPerDelivery.toFixed(1) : "–",
      f && raw ? (f.cpuMicrosPerDelivery / raw).toFixed(2) : "–",
      r.memory ? r.memory.kibPerConnection.toFixed(1) + (r.memory.held < r.memory.connections ? "*" : "") : "–",
      ms(f?.p50),
      ms(f?.p99),
      pct === undefined ? "–" : pct >= 99.995 ? "100" : pct.toFixed(2),
      r.acks ? r.acks.acksPerSecond.toFixed(0) : "–",
      ms(r.acks?.half.p99),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const fmt = (cells: string[]) =>
    "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ") + " |";
  console.log(fmt(header));
  console.log("|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
  for (const l of lines) console.log(fmt(l));
}

function printNotes(rows: Row[]): void {
  for (const r of rows) {
    const parts: string[] = [];
    if (r.memory) parts.push(`${r.memory.held}/${r.memory.connections} connections held`);
    if (r.fanout) {
      const f = r.fanout;
      parts.push(
        `${f.subscribers} subs × ${f.messages} msgs${f.late ? `, ${f.late} more delivered late (drain ${f.drainSeconds.toFixed(1)} s)` : ""}, window ${f.windowSeconds.toFixed(1)} s, CPU in cores: server ${f.serverCpu.toFixed(2)}, generator ${f.generatorCpu.toFixed(2)}, other processes ${f.otherCpu.toFixed(2)}${f.sendErrors ? `, ${f.sendErrors} send errors` : ""}`,
      );
    }
    if (r.acks) {
      const a = r.acks;
      parts.push(
        `acks p50/p99 ${ms(a.p50)}/${ms(a.p99)} ms at full rate; at ${a.half.achieved.toFixed(0)}/s p50 ${ms(a.half.p50)} ms${a.half.lost ? `, ${a.half.lost} unacked` : ""}${a.errors + a.half.errors ? `, ${a.errors + a.half.errors} errors` : ""}`,
      );
    }
    if (r.error) parts.push(`ERROR: ${r.error.split("\n")[0]}`);
    parts.push(`${r.seconds.toFixed(0)} s`);
    console.log(`- ${r.name}: ${parts.join("; ")}`);
  }
}

const selected = (env.BENCH_SERVERS ? env.BENCH_SERVERS.split(",").map((s) => s.trim()) : ALL) as TargetKind[];
for (const kind of selected)
  if (!ALL.includes(kind)) throw new Error(`Unknown server '${kind}' in BENCH_SERVERS (known: ${ALL.join(", ")})`);
let kinds = selected;
if (kinds.includes("parley-pg-redis") && !(await reachable(config.redisUrl))) {
  console.log(`[bench] Redis at ${config.redisUrl} does not answer: skipping the two-server row`);
  kinds = kinds.filter((k) => k !== "parley-pg-redis");
}
const files = openFileLimit();
const needed = Math.max(config.subscribers, config.memoryConnections) + config.ackConnections + 100;
if (files < needed) {
  console.log(
    `[bench] the open-file limit is ${files} but ${needed} sockets are needed: run through \`pnpm bench\` (which raises it to the hard limit) or raise \`ulimit -n\``,
  );
}

const t0 = performance.now();
const rows: Row[] = [];
for (const kind of kinds) {
  try {
    rows.push(await runTarget(kind));
  } catch (error) {
    console.log(`[${kind}] could not start: ${String(error)}`);
    rows.push({ name: kind, error: String(error), seconds: 0 });
  }
}
console.log(`\nParley real-time benchmark — ${describeMachine()}`);
console.log(
  `fan-out: ${config.subscribers} subscribers of one room, 1 sender at ${config.rate} msg/s for ${config.seconds} s, delivered = within ${config.graceMs / 1000} s of the last send; memory: ${config.memoryConnections} subscribed connections; acks: ${config.ackConnections} connections × ${config.ackInFlight} in flight for ${config.ackSeconds} s, ack p99 at half that rate\n`,
);
printTable(rows);
console.log("");
printNotes(rows);
console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(0)} s`);
if (env.BENCH_PLOT !== "off") {
  const dir = env.BENCH_PLOT_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "out");
  const title = `${config.subscribers} subscribers × ${config.rate} msg/s for ${config.seconds} s — ${describeMachine()}`;
  try {
    const files = await writePlot(rows, dir, title);
    console.log(`plot: ${files.join(", ")}`);
  } catch (error) {
    console.log(`plot: not drawn (${String(error).split("\n")[0]})`);
  }
}
