import http from "node:http";
import type { AddressInfo } from "node:net";
import { topicKind, type ApiMetrics, type Count, type Level, type Timing } from "@parley/api/transport";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

// Prometheus metrics (issue 12.1), on when METRICS=on. Every name is listed, with its meaning,
// in docs/operations.md's "Metrics" section and used by deploy/grafana/parley.json: change all three
// together. Everything on the message path is a counter increment per fan-out batch or a timing
// per message; gauges that describe the server's state are read when Prometheus scrapes.

/** What the server reads at scrape time. */
export type MetricSources = {
  connections(): { authenticated: number; anonymous: number };
  argon2(): { queued: number; running: number };
};

export type ServerMetrics = ApiMetrics & {
  readonly registry: Registry;
  /** A database operation's duration (openDatabase's onQuery). */
  dbQuery(operation: string, seconds: number): void;
  /** Registers the gauges read at scrape time. */
  watch(sources: MetricSources): void;
};

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** One labelled child per label value, made once (prom-client would hash the labels every call). */
function byLabel<T>(make: (value: string) => T): (value: string) => T {
  const children = new Map<string, T>();
  return (value) => {
    let child = children.get(value);
    if (!child) {
      child = make(value);
      children.set(value, child);
    }
    return child;
  };
}

export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  // process_* and nodejs_* (CPU, memory, handles, GC, nodejs_eventloop_lag_* ...).
  collectDefaultMetrics({ register: registry });

  const registers = [registry];
  const published = new Counter({
    name: "parley_hub_published_total",
    help: "Messages published on the hub by this server, by topic kind (room_events: committed room events).",
    labelNames: ["topic"],
    registers,
  });
  const deliveries = new Counter({
    name: "parley_deliveries_total",
    help: "Events handed to live subscribers on this server, by procedure.",
    labelNames: ["procedure"],
    registers,
  });
  const subscriptions = new Gauge({
    name: "parley_subscriptions",
    help: "Open subscriptions on this server, by procedure.",
    labelNames: ["procedure"],
    registers,
  });
  const sendToDeliver = new Histogram({
    name: "parley_send_to_deliver_seconds",
    help: "From a message's creation (at its write) to its hand-off to this server's room.events subscribers.",
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const procedureTime = new Histogram({
    name: "parley_procedure_seconds",
    help: "tRPC calls, from the call to its answer (refusals included; a subscription: until it started), by procedure.",
    labelNames: ["procedure"],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  // The older name for procedureTime's message.send series, kept for dashboards that read it.
  const messageSend = new Histogram({
    name: "parley_message_send_seconds",
    help: 'message.send calls, from the call to its answer (also parley_procedure_seconds{procedure="message.send"}).',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const aliases: Record<string, Timing> = { "message.send": messageSend };
  const replays = new Counter({
    name: "parley_replays_started_total",
    help: "room.events subscribers that caught up on missed events, from memory (recent) or the log.",
    labelNames: ["source"],
    registers,
  });
  const replayPages = new Counter({
    name: "parley_replay_pages_total",
    help: "Replay pages read from the event log.",
    registers,
  });
  const cutoffs = new Counter({
    name: "parley_slow_socket_cutoffs_total",
    help: "WebSockets dropped for having too much unsent (WS_MAX_BACKLOG_BYTES), by what was being sent.",
    labelNames: ["stream"],
    registers,
  });
  const refusals = new Counter({
    name: "parley_rate_limit_refusals_total",
    help: "Calls refused by a rate limit, by action.",
    labelNames: ["action"],
    registers,
  });
  const hubLag = new Histogram({
    name: "parley_hub_lag_seconds",
    help: "Redis hub: from publishing a probe to receiving it (one probe per heartbeat; only with REDIS_URL).",
    buckets: QUERY_BUCKETS,
    registers,
  });
  const dbQuery = new Histogram({
    name: "parley_db_query_seconds",
    help: "Database operations, by Prisma model and operation (sql: plain statements).",
    labelNames: ["operation"],
    buckets: QUERY_BUCKETS,
    registers,
  });
  const dbChild = byLabel((operation): Timing => dbQuery.labels(operation));

  return {
    enabled: true,
    registry,
    published: (() => {
      const child = byLabel((kind): Count => published.labels(kind));
      return (channelName: string) => child(topicKind(channelName));
    })(),
    deliveries: byLabel((procedure): Count => deliveries.labels(procedure)),
    subscriptions: byLabel((procedure): Level => subscriptions.labels(procedure)),
    sendToDeliver,
    procedureTime: byLabel((procedure): Timing => {
      const child = procedureTime.labels(procedure);
      const alias = aliases[procedure];
      if (!alias) return child;
      return {
        observe(seconds) {
          child.observe(seconds);
          alias.observe(seconds);
        },
      };
    }),
    replaysStarted: byLabel((source): Count => replays.labels(source)),
    replayPages,
    slowSocketCutoffs: byLabel((stream): Count => cutoffs.labels(stream)),
    rateLimitRefusals: byLabel((action): Count => refusals.labels(action)),
    hubLag,
    dbQuery: (operation, seconds) => dbChild(operation).observe(seconds),
    watch(sources) {
      new Gauge({
        name: "parley_websocket_connections",
        help: "Open WebSocket connections, by whether they are signed in (authenticated) or not (anonymous).",
        labelNames: ["auth"],
        registers,
        collect() {
          const { authenticated, anonymous } = sources.connections();
          this.set({ auth: "authenticated" }, authenticated);
          this.set({ auth: "anonymous" }, anonymous);
        },
      });
      new Gauge({
        name: "parley_argon2_queue_depth",
        help: "Password hashing (argon2): computations waiting for a turn (queued) and running.",
        labelNames: ["state"],
        registers,
        collect() {
          const { queued, running } = sources.argon2();
          this.set({ state: "queued" }, queued);
          this.set({ state: "running" }, running);
        },
      });
    },
  };
}

/** Answers a scrape with the registry's text. */
export async function serveMetrics(registry: Registry, res: http.ServerResponse): Promise<void> {
  const body = await registry.metrics();
  res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
  res.end(body);
}

/** A second HTTP server that serves only /metrics (METRICS_PORT), so that it need not be public. */
export async function startMetricsServer(
  registry: Registry,
  host: string,
  port: number,
  onError: (error: unknown) => void,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? "/").split("?")[0];
    if (pathname !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("Not found\n");
      return;
    }
    serveMetrics(registry, res).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
