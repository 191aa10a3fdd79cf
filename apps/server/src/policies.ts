import { createCookieSecurity } from "./cookie-security";
import type { ServerConfig } from "./env";
import { createHostCheck } from "./host-check";
import { createOriginPolicy } from "./origins";

/** Largest HTTP body and WebSocket frame the server accepts. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** The server's request policies (issue 11.7 hardening), shared by its HTTP routes and WebSocket upgrades. */
export type Policies = {
  hosts: ReturnType<typeof createHostCheck>;
  origins: ReturnType<typeof createOriginPolicy>;
  cookies: ReturnType<typeof createCookieSecurity>;
};

/** The Host check, the allowed origins and the session cookie's Secure flag, from the configuration. */
export function createPolicies(config: ServerConfig): Policies {
  return {
    hosts: createHostCheck(config),
    origins: createOriginPolicy(config.allowedOrigins),
    cookies: createCookieSecurity(config),
  };
}
