import type { ConflictField } from "@parley/contract";
import { TRPCError } from "@trpc/server";

/**
 * A unique field is taken: the cause of a CONFLICT, which errorFormatter turns into
 * `error.data.field`, so a client can tell which input to point at without reading the message.
 */
export class FieldTakenError extends Error {
  override name = "FieldTakenError";

  constructor(
    readonly field: ConflictField,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** CONFLICT with a message a person can act on and `error.data.field` naming what is taken. */
export function conflict(field: ConflictField, message: string, cause?: unknown): TRPCError {
  return new TRPCError({ code: "CONFLICT", message, cause: new FieldTakenError(field, message, { cause }) });
}
