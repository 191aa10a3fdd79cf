// How the web app shows errors. Reading them (code, field errors) is @parley/client's job; this
// file only turns what it reads into what a person sees.
import { errorCode, validationErrors } from "@parley/client";

export type FieldErrors = Partial<Record<string, string>>;

/**
 * True when the call never got a server answer (socket closed, network down): the same call
 * may be tried again. A server's refusal has an error code and is final.
 */
export function isConnectionError(error: unknown): boolean {
  return errorCode(error) === null;
}

/** The first message for each field of a BAD_REQUEST's `zodError`. */
export function fieldErrorsOf(error: unknown): FieldErrors {
  const out: FieldErrors = {};
  for (const [field, messages] of Object.entries(validationErrors(error)?.fieldErrors ?? {})) {
    if (messages?.[0]) out[field] = messages[0];
  }
  return out;
}

/** A sentence a person can act on, for any error. */
export function messageOf(error: unknown): string {
  if (isConnectionError(error)) return "Can't reach the server. Check your connection and try again.";
  if (errorCode(error) === "TOO_MANY_REQUESTS") return "Too many attempts. Wait a moment and try again.";
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong. Try again.";
}
