// What the integration project's global setup (apps/server/test/global-setup.ts) provides to
// the server's test harness, which these tests import.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string | null;
  }
}
