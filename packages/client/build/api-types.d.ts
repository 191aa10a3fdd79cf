// Build-time stand-in for @parley/api's entry (see build.mjs): only the router's types. The domain
// types come from @parley/contract (src/index.ts re-exports them), so no name is listed here.
export type { AppRouter, RouterInputs, RouterOutputs } from "../../api/src/root";
export type { Context } from "./server-context";
