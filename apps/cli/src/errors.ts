import { isParleyClientError } from "@parley/client";

/** An error whose message is meant for the user as it is; `exitCode` 2 means bad usage. */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export function usageError(message: string): CliError {
  return new CliError(`${message} (see parley --help)`, 2, "USAGE");
}

type ZodErrorData = { fieldErrors?: Record<string, string[] | undefined>; formErrors?: string[] } | null | undefined;

/** The first field error of a validation failure, as `field: message`. */
function firstFieldError(zodError: ZodErrorData): string | null {
  for (const [field, messages] of Object.entries(zodError?.fieldErrors ?? {})) {
    if (messages?.[0]) return `${field}: ${messages[0]}`;
  }
  return zodError?.formErrors?.[0] ?? null;
}

/**
 * Turns anything thrown into one line for the user, a code for --json, and an exit code.
 * `usedSession`: the command sent a stored session, so UNAUTHORIZED means that session is dead.
 */
export function describeError(error: unknown, usedSession = false): CliError {
  if (error instanceof CliError) return error;
  if (isParleyClientError(error)) {
    const data = error.data as { code?: string; zodError?: ZodErrorData } | undefined;
    const code = data?.code ?? null;
    if (code === "UNAUTHORIZED" && usedSession) {
      return new CliError("Your session has expired or was revoked: run `parley login`", 1, code);
    }
    if (code === "BAD_REQUEST") {
      const field = firstFieldError(data?.zodError);
      if (field) return new CliError(field, 1, code);
    }
    if (!code) return new CliError(`Lost the connection to the server (${error.message})`, 1, "CONNECTION");
    return new CliError(error.message, 1, code);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(`Unexpected error: ${message}`, 1, "INTERNAL");
}
