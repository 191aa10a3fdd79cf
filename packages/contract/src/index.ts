// @parley/contract: what the server, @parley/client, the web app and the API docs share. The
// domain types (./types, also an entry of its own for type-only readers such as the published
// client), the zod schema of every procedure's input (./schemas) and the one helper that shapes
// a domain value (publicUser). Depends on zod only.
export type * from "./types";
export * from "./schemas";
export { publicUser } from "./public-user";
export { mentionedNames, MENTION } from "./mentions";
export { SESSION_ENDED_CLOSE_CODE, SESSION_END_REASONS, sessionEndReason, type SessionEndReason } from "./session-end";
