import { Prisma } from "./generated/client";

/** Thrown by repositories when a unique constraint rejects a write; `fields` names the columns. */
export class UniqueViolationError extends Error {
  constructor(readonly fields: string[]) {
    super(`Unique constraint failed on ${fields.join(", ")}`);
    this.name = "UniqueViolationError";
  }
}

// The adapters report a unique violation differently: adapter-pg as a known request error P2002
// with `meta.target`, the PGlite adapter 0.6 as a DriverAdapterError whose message names the
// constraint (`users_email_key`), and a raw query on either as P2010 with the driver's error in
// `meta`. All end up here, so callers only ever see UniqueViolationError.
const CONSTRAINT_FIELDS: Record<string, string[]> = {
  users_username_key_key: ["usernameKey"],
  users_email_key: ["email"],
  sessions_token_hash_key: ["tokenHash"],
  rooms_name_key_key: ["nameKey"],
  rooms_dm_key_key: ["dmKey"],
  memberships_pkey: ["roomId", "userId"],
  messages_author_id_client_msg_id_key: ["authorId", "clientMsgId"],
  room_events_pkey: ["roomId", "seq"],
};

/** Returns the fields of the unique constraint `error` violated, or null if it is something else. */
export function uniqueViolationFields(error: unknown): string[] | null {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    const target = error.meta?.target;
    if (Array.isArray(target)) return target.map(String);
    if (typeof target === "string") return CONSTRAINT_FIELDS[target] ?? [target];
    return constraintFromText(`${error.message} ${JSON.stringify(error.meta ?? {})}`) ?? ["unknown"];
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    // A raw query (P2010) carries the driver's error in meta: SQLSTATE 23505 is unique_violation.
    const text = `${error.message} ${JSON.stringify(error.meta ?? {})}`;
    return /"23505"|unique constraint/i.test(text) ? (constraintFromText(text) ?? ["unknown"]) : null;
  }
  if (error instanceof Error) {
    const text = `${error.message} ${JSON.stringify((error as { cause?: unknown }).cause ?? "")}`;
    if (/unique constraint|duplicate key|23505/i.test(text)) {
      return constraintFromText(text) ?? ["unknown"];
    }
  }
  return null;
}

function constraintFromText(text: string): string[] | null {
  for (const [name, fields] of Object.entries(CONSTRAINT_FIELDS)) {
    if (text.includes(name)) return fields;
  }
  const fieldsMatch = /fields?: \(([^)]*)\)/.exec(text);
  if (fieldsMatch?.[1]) return fieldsMatch[1].split(",").map((f) => f.trim().replace(/[`"]/g, ""));
  return null;
}

/** Runs `write`, turning a unique violation from either adapter into UniqueViolationError. */
export async function mapUniqueViolation<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const fields = uniqueViolationFields(error);
    if (fields) throw new UniqueViolationError(fields);
    throw error;
  }
}

// What a lost database looks like, by layer: Prisma's connection codes (can't reach, timed out,
// server closed the connection, pool timeout), the driver adapter's error kinds, PostgreSQL's
// SQLSTATEs for a connection that is gone or a server shutting down or starting (class 08,
// 57P01–57P03), Node's socket errors, and pg's and PGlite's plain messages.
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
const UNAVAILABLE_ERRNO = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOTFOUND",
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|PGlite is closed|Can't reach database server|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed|server closed the connection|Cannot use a pool after calling end on the pool/i;

/**
 * Whether `error` says the database is away (refused, dropped, timed out, shutting down, PGlite
 * closed) rather than that the query was wrong: a caller may try again shortly. Walks the error's
 * causes and Prisma's `meta.driverAdapterError`, where each adapter puts the driver's error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const fields = current as {
      code?: unknown;
      kind?: unknown;
      message?: unknown;
      originalCode?: unknown;
      cause?: unknown;
      meta?: unknown;
    };
    if (typeof fields.code === "string") {
      if (current instanceof Prisma.PrismaClientKnownRequestError && UNAVAILABLE_PRISMA_CODES.has(fields.code)) return true;
      if (UNAVAILABLE_SQLSTATE.test(fields.code) || UNAVAILABLE_ERRNO.has(fields.code)) return true;
    }
    if (typeof fields.originalCode === "string" && UNAVAILABLE_SQLSTATE.test(fields.originalCode)) return true;
    if (typeof fields.kind === "string" && UNAVAILABLE_KINDS.has(fields.kind)) return true;
    if (typeof fields.message === "string" && UNAVAILABLE_MESSAGE.test(fields.message)) return true;
    pending.push(fields.cause, (fields.meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError);
  }
  return false;
}
