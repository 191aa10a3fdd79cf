import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

// The only place that reads process.env. Everything else gets a validated ServerConfig.

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url)); // same from src/ and dist/

/** Every environment variable the server reads (RATE_LIMIT_<ACTION> aside); docs/operations.md lists each. */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATA_DIR: z.string().min(1).default("./data"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "REDIS_URL must be a redis:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  REDIS_PREFIX: z.string().min(1).default("parley:"),
  ALLOWED_ORIGINS: z.string().default(""),
  RATE_LIMITS: z.enum(["on", "off"]).default("on"),
  NODE_ENV: z.string().default("production"),
  WEB_DIST: z.string().optional(),
  WS_MAX_BACKLOG_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(8 * 1024 * 1024),
  WS_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).default(100),
  ROOM_LIST_LIMIT: z.coerce.number().int().min(0).max(100_000).default(200),
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(32),
  MAX_SUBSCRIPTIONS_PER_USER: z.coerce.number().int().min(1).default(300),
  WS_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(10_000),
  WS_MAX_PER_ADDRESS: z.coerce.number().int().min(1).default(500),
  WS_MAX_ANONYMOUS_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
  // Hardening (issue 11.7): see cookie-security.ts and host-check.ts.
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "PUBLIC_URL must be an http:// or https:// URL" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  COOKIE_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  // Operations (issue 12): logs and metrics.
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  METRICS: z.enum(["on", "off"]).default("off"),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
});

/**
 * The server's configuration: what loadConfig makes of the environment. Its type is inferred from
 * loadConfig, so a setting is declared once in envSchema and once where it is mapped below; the
 * API takes its part of it as it is (ApiSettings), and describeConfig logs every field.
 */
export type ServerConfig = ReturnType<typeof loadConfig>;

/** Validates the environment; throws one readable error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`Invalid environment: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? ({ kind: "postgres", url: e.DATABASE_URL } as const)
      : ({ kind: "pglite", dataDir: path.resolve(e.DATA_DIR) as string | null } as const),
    /** Redis for fan-out and presence across several servers; null: in-process. */
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.REDIS_PREFIX } : null,
    /** Origins (besides the server's own) allowed to open WebSockets and send cookies. */
    allowedOrigins: [...e.ALLOWED_ORIGINS.split(","), e.PUBLIC_URL ? new URL(e.PUBLIC_URL).origin : ""]
      .map((o) => o.trim().replace(/\/$/, ""))
      .filter(Boolean),
    rateLimits: e.RATE_LIMITS === "on",
    /** RATE_LIMIT_<ACTION>=<burst>/<per second> overrides, as given (checked by the API). */
    rateLimitEnv: Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith("RATE_LIMIT_"))),
    isDev: e.NODE_ENV === "development" || e.NODE_ENV === "test",
    /** The web app's production build, served at `/`. */
    webDist: e.WEB_DIST ? path.resolve(e.WEB_DIST) : path.join(repoRoot, "apps", "web", "dist"),
    migrationsDir: path.join(repoRoot, "prisma", "migrations"),
    /** Unsent bytes past which a slow subscriber's socket is dropped. */
    maxSocketBacklogBytes: e.WS_MAX_BACKLOG_BYTES,
    /** Subscriptions one WebSocket may hold at once. */
    maxSubscriptionsPerSocket: e.WS_MAX_SUBSCRIPTIONS,
    /** Subscriptions one user may hold on this server. */
    maxSubscriptionsPerUser: e.MAX_SUBSCRIPTIONS_PER_USER,
    /** WebSocket connections: in all, per client address, and per address before signing in. */
    connectionLimits: {
      total: e.WS_MAX_CONNECTIONS,
      perAddress: e.WS_MAX_PER_ADDRESS,
      anonymousPerAddress: e.WS_MAX_ANONYMOUS_PER_ADDRESS,
    },
    sessionTtlMs: 30 * 24 * 60 * 60 * 1000,
    /** room.list: every room the caller is in, and at most this many others. */
    roomListLimit: e.ROOM_LIST_LIMIT,
    /** argon2 computations at once, and how many may wait before logins are refused. */
    passwordHashing: { concurrency: e.PASSWORD_HASH_CONCURRENCY, maxQueued: e.PASSWORD_HASH_QUEUE },
    /** Where users reach the server (e.g. https://chat.example.com); its origin is also allowed. */
    publicUrl: e.PUBLIC_URL ? new URL(e.PUBLIC_URL) : null,
    /** `Secure` session cookie: always, never, or `auto` (PUBLIC_URL https / trusted proxy says https). */
    cookieSecure: e.COOKIE_SECURE === "auto" ? ("auto" as const) : e.COOKIE_SECURE === "true",
    /** Trust X-Forwarded-Proto/-Host/-For from a reverse proxy in front of the server. */
    trustProxy: e.TRUST_PROXY === "true",
    /** LOG_LEVEL (default info; warn under NODE_ENV=test) and LOG_FORMAT (pretty in development, else json). */
    log: {
      level: e.LOG_LEVEL ?? (e.NODE_ENV === "test" ? "warn" : "info"),
      format: e.LOG_FORMAT ?? (e.NODE_ENV === "development" ? "pretty" : "json"),
    },
    /** GET /metrics (METRICS=on), on its own port when `port` is set (METRICS_PORT; 0: any free one). */
    metrics: { enabled: e.METRICS === "on", port: e.METRICS_PORT ?? null },
  };
}

class ConfigError extends Error {
  override name = "ConfigError";
}
