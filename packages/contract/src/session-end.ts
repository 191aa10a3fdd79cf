// How a server tells a socket that its session ended, and why: it closes the socket with
// SESSION_ENDED_CLOSE_CODE and one of these reasons, so a client can tell its user what happened
// instead of only finding itself signed out.

/** The WebSocket close code for "your session ended" (4000-4999 are the application's own). */
export const SESSION_ENDED_CLOSE_CODE = 4001;

/** Why a session ended, and the close frame's reason text for each. */
export const SESSION_END_REASONS = {
  /** auth.logout, in this or another tab of the same session. */
  "logged-out": "logged out",
  /** auth.revokeSession from another device, an operator, or an expired session swept. */
  revoked: "session revoked",
  /** auth.changePassword on another device signs every other session out. */
  "password-changed": "password changed",
} as const;

export type SessionEndReason = keyof typeof SESSION_END_REASONS;

/**
 * Why the server ended the session of a socket that closed with `close` (a CloseEvent, or
 * anything with its code and reason); null when the close was not an end of session. A close with
 * the code and an unknown reason reads as "revoked".
 */
export function sessionEndReason(close: { code?: number; reason?: string } | undefined): SessionEndReason | null {
  if (close?.code !== SESSION_ENDED_CLOSE_CODE) return null;
  for (const [reason, text] of Object.entries(SESSION_END_REASONS)) {
    if (text === close.reason) return reason as SessionEndReason;
  }
  return "revoked";
}
