import { createParleyClient, type ConnectionState, type ParleyClient } from "@parley/client";
import WebSocket from "ws";
import { CliError } from "./errors";

/** What the server records as a session's device (`parley sessions`, the web app's Sessions). */
export const USER_AGENT = `parley-cli (Node ${process.version}; ${process.platform})`;

/** ws, sending the CLI's User-Agent with the upgrade request. */
class CliWebSocket extends WebSocket {
  constructor(address: string | URL, protocols?: string | string[]) {
    super(address, protocols, { headers: { "user-agent": USER_AGENT } });
  }
}

/**
 * Opens a client and waits until its WebSocket is open. The client itself retries forever (right
 * for an app that stays open); a command should rather say the server is unreachable.
 */
export async function openClient(options: {
  url: string;
  token: string | null;
  timeoutMs: number;
  onConnectionStateChange?: (state: ConnectionState) => void;
}): Promise<ParleyClient> {
  let markOpen: () => void = () => {};
  const opened = new Promise<"open">((resolve) => (markOpen = () => resolve("open")));
  const client = createParleyClient({
    url: options.url,
    token: () => options.token,
    WebSocket: CliWebSocket as unknown as typeof globalThis.WebSocket,
    onConnectionStateChange: (state) => {
      if (state === "open") markOpen();
      options.onConnectionStateChange?.(state);
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), options.timeoutMs)));
  const outcome = await Promise.race([opened, timedOut]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    await client.close();
    throw new CliError(`Cannot reach a Parley server at ${options.url} (is it running? use --url or PARLEY_URL)`, 1, "CONNECTION");
  }
  return client;
}
