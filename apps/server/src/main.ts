import { startServer } from "./app";
import { loadConfig } from "./env";
import { createLogger, describeConfig } from "./logger";

// The process entry: configuration from the environment, start, and a graceful stop on signals.

const config = loadConfig();
const log = createLogger(config.log);
log.info({ config: describeConfig(config) }, "configuration");
const started = Date.now();
const server = await startServer(config, { log });
const where = config.database.kind === "postgres" ? "PostgreSQL" : `embedded PGlite in ${config.database.dataDir}`;
const fanOut = config.redis ? "Redis" : "in-process";
log.info(
  { url: server.url, metricsUrl: server.metricsUrl, readyMs: Date.now() - started },
  `Parley listening on ${server.url} (database: ${where}; hub: ${fanOut}; ready in ${Date.now() - started} ms)`,
);

let stopping = false;
function stop(signal: string): void {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, `${signal}: shutting down`);
  // Never hang: leave within a few seconds even if something refuses to close.
  setTimeout(() => {
    log.error("Shutdown took too long; exiting");
    process.exit(1);
  }, 5_000).unref();
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      log.error({ err: error }, "Shutdown failed");
      process.exit(1);
    },
  );
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
