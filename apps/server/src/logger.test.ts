import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./env";
import { createLogger, describeConfig, redactUrl } from "./logger";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe("the logger", () => {
  it("writes JSON lines with an ISO time and the level's name, and redacts secrets passed to it by mistake", () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: "info", format: "json" }, stream);
    log.child({ reqId: "r1" }).info(
      {
        headers: { cookie: "parley_session=cookie-secret", authorization: "Bearer header-secret", host: "example.com" },
        password: "password-secret",
        input: { text: "input-secret" },
        message: { text: "text-secret", id: "m1" },
      },
      "hello",
    );
    log.debug("not at info");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    expect(line).toMatchObject({ level: "info", msg: "hello", reqId: "r1", headers: { host: "example.com" }, message: { id: "m1" } });
    expect(new Date(String(line.time)).toISOString()).toBe(line.time);
    for (const secret of ["cookie-secret", "header-secret", "password-secret", "input-secret", "text-secret"]) {
      expect(lines[0]).not.toContain(secret);
    }
  });

  it("logs an error with its stack", () => {
    const { lines, stream } = capture();
    createLogger({ level: "info", format: "json" }, stream).error({ err: new Error("kaboom") }, "failed");
    const line = JSON.parse(lines[0] ?? "{}") as { err: { message: string; stack: string } };
    expect(line.err.message).toBe("kaboom");
    expect(line.err.stack).toMatch(/kaboom\n\s+at /);
  });

  it("writes readable lines with LOG_FORMAT=pretty", () => {
    const { lines, stream } = capture();
    const pretty = createLogger({ level: "info", format: "pretty" }, stream);
    pretty.info({ reqId: "r2", password: "pretty-secret" }, "hello there");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: hello there \{"reqId":"r2","password":"\[redacted\]"\}$/);
  });

  it("describes the configuration without the passwords in DATABASE_URL and REDIS_URL", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://parley:db-hunter2@db.internal:5432/parley",
      REDIS_URL: "redis://:redis-hunter2@cache.internal:6379/0",
      NODE_ENV: "production",
      METRICS: "on",
      METRICS_PORT: "9464",
    });
    const described = JSON.stringify(describeConfig(config));
    expect(described).not.toContain("hunter2");
    expect(described).toContain("postgres://parley:***@db.internal:5432/parley");
    expect(described).toContain("redis://:***@cache.internal:6379/0");
    expect(describeConfig(config)).toMatchObject({ metrics: { enabled: true, port: 9464 }, log: { level: "info", format: "json" } });
    // Every setting is logged, those whose names merely start like a secret's too.
    expect(describeConfig(config)).toMatchObject({ passwordHashing: { concurrency: 2, maxQueued: 32 }, roomListLimit: 200 });
    expect(describeConfig({ ...config, apiKey: "k-hunter2" } as typeof config)).toMatchObject({ apiKey: "[redacted]" });
    expect(redactUrl("postgres://u@h/db")).toBe("postgres://u@h/db");
  });

  it("defaults: info and JSON in production, pretty in development, warn under test; bad values are refused", () => {
    expect(loadConfig({ NODE_ENV: "production" }).log).toEqual({ level: "info", format: "json" });
    expect(loadConfig({ NODE_ENV: "development" }).log).toEqual({ level: "info", format: "pretty" });
    expect(loadConfig({ NODE_ENV: "test" }).log).toEqual({ level: "warn", format: "json" });
    expect(loadConfig({ LOG_LEVEL: "debug", LOG_FORMAT: "pretty" }).log).toEqual({ level: "debug", format: "pretty" });
    expect(() => loadConfig({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ LOG_FORMAT: "xml" })).toThrow(/LOG_FORMAT/);
    expect(() => loadConfig({ METRICS: "yes" })).toThrow(/METRICS/);
    expect(loadConfig({}).metrics).toEqual({ enabled: false, port: null });
  });
});
