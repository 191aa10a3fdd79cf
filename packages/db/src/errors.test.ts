import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, uniqueViolationFields } from "./errors";
import { Prisma } from "./generated/client";

const known = (code: string, meta: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError("failed", { code, clientVersion: "6.19.3", meta });

describe("uniqueViolationFields", () => {
  it("reads adapter-pg's P2002 target", () => {
    expect(uniqueViolationFields(known("P2002", { target: ["email"] }))).toEqual(["email"]);
  });

  it("reads a raw query's P2010 driver error", () => {
    const error = known("P2010", {
      driverAdapterError: {
        cause: { code: "23505", message: 'duplicate key value violates unique constraint "messages_author_id_client_msg_id_key"' },
      },
    });
    expect(uniqueViolationFields(error)).toEqual(["authorId", "clientMsgId"]);
  });

  it("reads the PGlite adapter's error text", () => {
    expect(uniqueViolationFields(new Error('duplicate key value violates unique constraint "rooms_name_key_key"'))).toEqual(["nameKey"]);
  });

  it("ignores everything else", () => {
    expect(uniqueViolationFields(known("P2010", { driverAdapterError: { cause: { code: "40001" } } }))).toBeNull();
    expect(uniqueViolationFields(new Error("connection reset"))).toBeNull();
    expect(uniqueViolationFields("nope")).toBeNull();
  });
});

// The shapes below are the ones measured from the real drivers (PostgreSQL through adapter-pg
// behind a proxy that was cut or closed, pg_terminate_backend, a closed PGlite); the server's
// outage test drives the real ones end to end.
describe("isDatabaseUnavailable", () => {
  it("knows a lost database by every layer's report", () => {
    expect(isDatabaseUnavailable(known("P1001", { driverAdapterError: { cause: { kind: "DatabaseNotReachable" } } }))).toBe(true);
    expect(
      isDatabaseUnavailable(known("P2010", { driverAdapterError: { cause: { kind: "DatabaseNotReachable", host: "h", port: 1 } } })),
    ).toBe(true);
    const terminated = {
      originalCode: "57P01",
      kind: "postgres",
      code: "57P01",
      message: "terminating connection due to administrator command",
    };
    expect(isDatabaseUnavailable(known("P2010", { driverAdapterError: { cause: terminated } }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("PGlite is closed"))).toBe(true);
    // pg-pool once the server closed its pool (shutdown, or a test closing the database under it).
    expect(isDatabaseUnavailable(new Error("Cannot use a pool after calling end on the pool"))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("send failed", { cause: new Error("Connection terminated due to connection timeout") }))).toBe(
      true,
    );
  });

  it("leaves a query's own mistakes alone", () => {
    expect(isDatabaseUnavailable(known("P2002", { target: ["email"] }))).toBe(false);
    expect(
      isDatabaseUnavailable(known("P2021", { driverAdapterError: { cause: { originalCode: "42P01", kind: "TableDoesNotExist" } } })),
    ).toBe(false);
    expect(isDatabaseUnavailable(new Error("invalid byte sequence for encoding UTF8: 0x00"))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
