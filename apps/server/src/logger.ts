import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Logger } from "@parley/api/transport";
import { pino, stdTimeFunctions, type DestinationStream, type Level } from "pino";
import { build as prettyStream } from "pino-pretty";
import type { ServerConfig } from "./env";

// The server's one logger (issue 12.2): JSON lines (LOG_FORMAT=json, the default outside
// development) or readable lines (pretty), at LOG_LEVEL. No transports (worker threads): the
// pretty printer runs in this thread, which is fine for development.

/**
 * Never logged even if someone passes them to the logger (defence in depth: the code logs ids,
 * paths and outcomes, never a call's input, a header, a token or a message's text).
 */
export const REDACTED_PATHS = [
  "req.headers.cookie",
  "req.headers.authorization",
  "headers.cookie",
  "headers.authorization",
  'headers["set-cookie"]',
  "cookie",
  "authorization",
  "password",
  "currentPassword",
  "newPassword",
  "token",
  "text",
  "input",
  "connectionParams",
  "*.password",
  "*.currentPassword",
  "*.newPassword",
  "*.token",
  "*.text",
  "*.input",
  "*.connectionParams",
];

export type LogSettings = { level: Level | "silent"; format: "json" | "pretty" };

/** The root logger; `destination` defaults to standard output. */
export function createLogger(settings: LogSettings, destination?: DestinationStream): Logger {
  const options = {
    level: settings.level,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (settings.format === "pretty") {
    const stream = prettyStream({
      colorize: !destination && process.stdout.isTTY,
      translateTime: "SYS:HH:MM:ss.l",
      ignore: "pid,hostname",
      sync: true,
      singleLine: true,
      destination: destination ?? 1,
    });
    return pino(options, stream);
  }
  return destination ? pino(options, destination) : pino(options);
}

/** A URL's password replaced by `***` (DATABASE_URL, REDIS_URL), so the URL can be logged. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "[unparseable URL]";
  }
}

/** Field names whose values are never logged, whatever setting they belong to (not passwordHashing). */
const SECRET_NAME = /(password|secret|token|key)$/i;
/** A URL that carries a user and a password (`scheme://user:password@host`). */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i;

/**
 * The effective configuration, as logged at start-up: every field, so a new setting shows up
 * without being listed here, with the passwords in URLs replaced and secret-named fields hidden.
 */
export function describeConfig(config: ServerConfig): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(config, (name, value: unknown) => {
      if (SECRET_NAME.test(name)) return "[redacted]";
      return typeof value === "string" && URL_WITH_PASSWORD.test(value) ? redactUrl(value) : value;
    }),
  ) as Record<string, unknown>;
}

/** A new id for a request or connection: 12 URL-safe characters. */
export function newId(): string {
  return randomBytes(9).toString("base64url");
}

/** The id a trusted reverse proxy gave the request (X-Request-Id), else a new one. */
export function requestIdOf(req: IncomingMessage, trustProxy: boolean): string {
  const given = trustProxy ? req.headers["x-request-id"] : undefined;
  return typeof given === "string" && /^[A-Za-z0-9._:-]{1,100}$/.test(given) ? given : newId();
}
