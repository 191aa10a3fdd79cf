import { useEffect } from "react";
import { errorCode } from "@parley/client";

/** How long to wait before opening a subscription again after an unexpected error. */
export const SUBSCRIPTION_RETRY_MS = 3_000;

/** Errors that another part of the app answers (sign-in, membership, reset), not a retry. */
const HANDLED = new Set(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST"]);

/**
 * wsLink keeps a subscription alive across reconnects by itself; only an error from the server
 * ends one. When that error is unexpected (a hiccup on the server), open it again shortly,
 * rather than leave the room silently frozen.
 */
export function useRetryAfterError(subscription: { status: string; error: unknown; reset: () => void }): void {
  const { status, error, reset } = subscription;
  useEffect(() => {
    if (status !== "error" || HANDLED.has(errorCode(error) ?? "")) return;
    const timer = setTimeout(reset, SUBSCRIPTION_RETRY_MS);
    return () => clearTimeout(timer);
  }, [status, error, reset]);
}
