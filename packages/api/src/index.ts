// @parley/api: the tRPC router and the start-up that builds what it needs. A server wires them
// with @parley/api/transport (contexts, frames, metrics) and @parley/api/hub (publish/subscribe).
export { appRouter, type AppRouter, type RouterInputs, type RouterOutputs } from "./root";
export type { Context } from "./context";
export { createApiDeps, type ApiServices, type ApiSettings } from "./create-api-deps";
/** The argon2 hasher the procedures use, for tools that set passwords outside them (pnpm admin). */
export { PasswordHasher } from "./services/passwords";
/** The membership procedures' permission rules, as the repository re-checks them under a room's lock. */
export { guards } from "./services/access";
