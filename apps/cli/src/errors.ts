import { errorCode, isParleyClientError, validationErrors } from "@parley/client";

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

/** The first field error of a validation failure, as `field: message`. */
function firstFieldError(error: unknown): string | null {
  const problems = validationErrors(error);
  for (const [field, messages] of Object.entries(problems?.fieldErrors ?? {})) {
    if (messages?.[0]) return `${field}: ${messages[0]}`;
  }
  return problems?.formErrors[0] ?? null;
}

/**
 * Turns anything thrown into one line for the user, a code for --json, and an exit code.
 * `usedSession`: the command sent a stored session, so UNAUTHORIZED means that session is dead.
 */
export function describeError(error: unknown, usedSession = false): CliError {
  if (error instanceof CliError) return error;
  if (isParleyClientError(error)) {
    const code = errorCode(error);
    if (code === "UNAUTHORIZED" && usedSession) {
      return new CliError("Your session has expired or was revoked: run `parley login`", 1, code);
    }
    if (code === "BAD_REQUEST") {
      const field = firstFieldError(error);
      if (field) return new CliError(field, 1, code);
    }
    if (!code) return new CliError(`Lost the connection to the server (${error.message})`, 1, "CONNECTION");
    return new CliError(error.message, 1, code);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(`Unexpected error: ${message}`, 1, "INTERNAL");
}
