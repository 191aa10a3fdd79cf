import os from "node:os";
import path from "node:path";

// The only place that reads process.env.

export type CliEnv = {
  /** Server address when --url is not given. */
  url: string;
  /** Where the session file lives. */
  configDir: string;
  /** For scripts and bots: the password, instead of a prompt or stdin. */
  password: string | null;
  /** `parley passwd` for scripts: the new password (PARLEY_PASSWORD is then the current one). */
  newPassword: string | null;
  /** How long to wait for the server before giving up, in milliseconds. */
  connectTimeoutMs: number;
};

export const DEFAULT_URL = "http://127.0.0.1:3000";

/**
 * PARLEY_URL, PARLEY_PASSWORD, PARLEY_NEW_PASSWORD, PARLEY_CONNECT_TIMEOUT (seconds), and the config directory:
 * PARLEY_CONFIG_DIR, else $XDG_CONFIG_HOME/parley, else ~/.config/parley.
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : null;
  const timeout = Number(env.PARLEY_CONNECT_TIMEOUT ?? "10");
  return {
    url: env.PARLEY_URL || DEFAULT_URL,
    configDir: env.PARLEY_CONFIG_DIR || path.join(xdg ?? path.join(os.homedir(), ".config"), "parley"),
    password: env.PARLEY_PASSWORD || null,
    newPassword: env.PARLEY_NEW_PASSWORD || null,
    connectTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout * 1000 : 10_000,
  };
}
