#!/usr/bin/env node
// `pnpm cluster`: the scaled topology of docker-compose.cluster.yml from local processes — two
// built Parley servers on one PostgreSQL and one Redis, behind a small reverse proxy (node:http
// and http-proxy-3) that spreads requests and WebSockets over them in turn and tells them the
// client's address (X-Forwarded-For; the servers run with TRUST_PROXY=true). Prints the URL;
// Ctrl-C stops everything.
//
//   pnpm run build && pnpm cluster [--port 8080] [--replicas 2]
//
// Environment: CLUSTER_DATABASE_URL, else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test;
// REDIS_URL (default redis://127.0.0.1:6379); REDIS_PREFIX (default parley:); CLUSTER_PORT.
// Every other variable (RATE_LIMITS, …) passes through to the servers.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createProxyServer } from "http-proxy-3";

const root = fileURLToPath(new URL("..", import.meta.url));
const serverMain = fileURLToPath(new URL("../apps/server/dist/main.js", import.meta.url));
const webIndex = fileURLToPath(new URL("../apps/web/dist/index.html", import.meta.url));

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.CLUSTER_PORT ?? "8080" },
    host: { type: "string", default: "127.0.0.1" },
    replicas: { type: "string", default: "2" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log("Usage: pnpm cluster [--port 8080] [--host 127.0.0.1] [--replicas 2]  (see scripts/cluster.mjs)");
  process.exit(0);
}
const port = Number(values.port);
const replicas = Number(values.replicas);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not '${values.port}'`);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 8) fail(`--replicas must be 1–8, not '${values.replicas}'`);
if (!existsSync(serverMain) || !existsSync(webIndex)) fail("the server or the web app is not built: run `pnpm run build` first");

const databaseUrl = process.env.CLUSTER_DATABASE_URL || process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`cluster: ${message}`);
  process.exit(1);
}

/** @type {{ url: string; child: import("node:child_process").ChildProcess }[]} */
const servers = [];
let stopping = false;

/**
 * Starts one built server on a free port of 127.0.0.1; resolves with its URL once it listens.
 * @param {number} n
 * @returns {Promise<{ url: string; child: import("node:child_process").ChildProcess }>}
 */
function startServer(n) {
  const child = spawn(process.execPath, [serverMain], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? "production",
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      // Every request comes through the proxy below, which appends the client's address.
      TRUST_PROXY: "true",
      // The "listening" line below is logged at info (a NODE_ENV=test caller would default to warn).
      LOG_LEVEL: process.env.LOG_LEVEL || "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    let listening = false;
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      // The replica's log goes on to ours, like `docker compose up` shows each service's lines;
      // it must be read in any case (a full pipe would block the replica's writes).
      process.stdout.write(String(chunk).replace(/^(?=.)/gm, `[replica ${n}] `));
      if (listening) return;
      output += String(chunk);
      const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match?.[1]) {
        listening = true;
        output = "";
        resolve({ url: match[1], child });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk) => process.stderr.write(`[replica ${n}] ${String(chunk)}`));
    child.once("exit", (code, signal) => {
      reject(new Error(`replica ${n} exited (${signal ?? code}) before it listened:\n${output}`));
      if (!stopping) {
        console.error(`cluster: replica ${n} exited (${signal ?? code}); stopping`);
        void stop(1);
      }
    });
  });
}

/** @param {number} code */
async function stop(code) {
  if (stopping) return;
  stopping = true;
  proxyServer.close();
  proxy.close();
  await Promise.all(
    servers.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
          child.once("exit", resolve);
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), 6_000).unref();
        }),
    ),
  );
  process.exit(code);
}

const proxy = createProxyServer({ xfwd: true, ws: true });
// A replica that is down (or restarting) answers 502 instead of crashing the proxy.
proxy.on("error", (error, _req, res) => {
  if (res instanceof http.ServerResponse) {
    if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "bad gateway", error: error.message }));
  } else {
    res?.destroy();
  }
});

let nextRequest = 0;
let nextSocket = 0;
const proxyServer = http.createServer((req, res) => {
  const target = servers[nextRequest++ % servers.length];
  if (!target) return void res.writeHead(503).end();
  proxy.web(req, res, { target: target.url });
});
proxyServer.on("upgrade", (req, socket, head) => {
  const index = nextSocket++ % servers.length;
  const target = servers[index];
  if (!target) return void socket.destroy();
  console.log(`ws ${req.socket.remoteAddress}:${req.socket.remotePort} → replica ${index + 1}`);
  proxy.ws(req, socket, head, { target: target.url });
});

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

try {
  // One after the other: the first applies any pending migrations before the second starts.
  for (let n = 1; n <= replicas; n++) {
    const server = await startServer(n);
    servers.push(server);
    console.log(`replica ${n}: ${server.url}`);
  }
} catch (error) {
  console.error(`cluster: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}

proxyServer.listen(port, values.host, () => {
  const address = proxyServer.address();
  const actual = typeof address === "object" && address ? address.port : port;
  const where = databaseUrl.replace(/\/\/[^@/]*@/, "//…@");
  console.log(
    `Parley cluster on http://${values.host}:${actual} (${servers.length} replicas; database ${where}; Redis ${redisUrl}). Ctrl-C stops it.`,
  );
});
