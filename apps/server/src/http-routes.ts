import type http from "node:http";
import { appRouter, type ApiServices } from "@parley/api";
import { createHttpContext, retryAfterHeaders, type Logger } from "@parley/api/transport";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { ServerConfig } from "./env";
import { refuseHost } from "./host-check";
import { requestIdOf } from "./logger";
import { serveMetrics, type ServerMetrics } from "./metrics";
import { MAX_PAYLOAD_BYTES, type Policies } from "./policies";
import { applySecurityHeaders } from "./security-headers";
import { createStaticHandler } from "./static-files";
import { createTrpcHttpGuard } from "./trpc-http-guard";
import { holdStreamedMutationHeaders } from "./trpc-stream-headers";

/** Paths probed every few seconds: logged at debug only. */
const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** Logs one HTTP request when its response is sent: method, path (never the query: it holds input), status, time. */
function logRequest(req: http.IncomingMessage, res: http.ServerResponse, log: Logger, pathname: string): void {
  const started = performance.now();
  res.once("finish", () => {
    const details = { method: req.method, path: pathname, status: res.statusCode, ms: Math.round(performance.now() - started) };
    const message = `${req.method} ${pathname} ${res.statusCode}`;
    if (res.statusCode >= 500) log.warn(details, message);
    else if (QUIET_PATHS.has(pathname)) log.debug(details, message);
    else log.info(details, message);
  });
}

/** A failed asynchronous response: logged, and a 500 if nothing was sent yet. */
function failWith(res: http.ServerResponse, log: Logger, what: string): (error: unknown) => void {
  return (error) => {
    log.error({ err: error }, what);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  };
}

/** CORS for /trpc: allowed origins may call with cookies; answers a preflight (true) itself. */
function answerCors(req: http.IncomingMessage, res: http.ServerResponse, origins: Policies["origins"]): boolean {
  const corsOrigin = origins.corsOrigin(req);
  if (corsOrigin) {
    res.setHeader("access-control-allow-origin", corsOrigin);
    res.setHeader("access-control-allow-credentials", "true");
    res.setHeader("vary", "origin");
  }
  if (req.method !== "OPTIONS") return false;
  res.writeHead(204, {
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "content-type, authorization, trpc-accept",
    "access-control-max-age": "600",
  });
  res.end();
  return true;
}

/**
 * The HTTP side of the one port: /healthz, /metrics and /readyz before the Host check (probes and
 * scrapers come by address), then security headers, tRPC over HTTP under /trpc (method guard,
 * CORS) and the web app for everything else. Each request gets an id and one log line.
 */
export function createHttpRoutes(
  config: Pick<ServerConfig, "trustProxy" | "webDist">,
  api: ApiServices,
  policies: Policies,
  /** Metrics served on this port (null: METRICS off, or METRICS_PORT serves them). */
  metricsHere: ServerMetrics | null,
): http.RequestListener {
  const { hosts, origins, cookies } = policies;
  const guardTrpc = createTrpcHttpGuard(appRouter);
  /** Each HTTP request's logger (with its id), for its tRPC context. */
  const requestLogs = new WeakMap<http.IncomingMessage, Logger>();
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    maxBodySize: MAX_PAYLOAD_BYTES,
    allowBatching: true,
    createContext: ({ req, res }) =>
      createHttpContext(api, req, res, origins.isAllowed(req), cookies.isSecure(req), requestLogs.get(req) ?? api.log),
    // TOO_MANY_REQUESTS (status 429) tells when to try again.
    responseMeta: ({ errors }) => ({ headers: retryAfterHeaders(errors) }),
  });
  const serveStatic = createStaticHandler(config.webDist);

  return (req, res) => {
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    const requestId = requestIdOf(req, config.trustProxy);
    const reqLog = api.log.child({ reqId: requestId });
    res.setHeader("x-request-id", requestId);
    logRequest(req, res, reqLog, pathname);
    if (pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
    // Without METRICS=on (or with METRICS_PORT) a plain 404 here, not the web app.
    if (pathname === "/metrics") {
      if (!metricsHere || (req.method !== "GET" && req.method !== "HEAD")) return sendJson(res, 404, { error: "Not found" });
      serveMetrics(metricsHere.registry, res).catch(failWith(res, reqLog, "metrics scrape failed"));
      return;
    }
    if (pathname === "/readyz") {
      void api.db.ping().then((ok) => sendJson(res, ok ? 200 : 503, { status: ok ? "ready" : "unavailable" }));
      return;
    }
    if (!hosts.isAllowed(req)) return refuseHost(res);
    applySecurityHeaders(req, res, config.trustProxy);
    if (pathname === "/trpc" || pathname.startsWith("/trpc/")) {
      if (guardTrpc(req, res, pathname) || answerCors(req, res, origins)) return;
      requestLogs.set(req, reqLog);
      // A streamed batch of mutations is sent whole, so their session cookies get out (19.2).
      holdStreamedMutationHeaders(req, res);
      return trpcHandler(req, res);
    }
    serveStatic(req, res).catch(failWith(res, reqLog, "serving a static file failed"));
  };
}
