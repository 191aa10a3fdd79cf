import { describe, expect, it } from "vitest";
import { uniqueViolationFields } from "./errors";
import { Prisma } from "./generated/client";

const known = (code: string, meta: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError("failed", { code, clientVersion: "6.19.3", meta });

describe("uniqueViolationFields", () => {
  it("reads adapter-pg's P2002 target", () => {
    expect(uniqueViolationFields(known("P2002", { target: ["email"] }))).toEqual(["email"]);
  });

  it("reads a raw query's P2010 driver error", () => {
    const error = known("P2010", {
      driverAdapterError: { cause: { code: "23505", message: 'duplicate key value violates unique constraint "messages_author_id_client_msg_id_key"' } },
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
