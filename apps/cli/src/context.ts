import type { ConnectionState, ParleyClient } from "@parley/client";
import type { ParsedArgs } from "./args";
import { SessionStore, type StoredSession } from "./config";
import { openClient } from "./connect";
import type { CliEnv } from "./env";
import { CliError, usageError } from "./errors";

/** What every command gets: its arguments, the output, the session store and a way to connect. */
export type CommandContext = {
  args: ParsedArgs;
  env: CliEnv;
  url: string;
  json: boolean;
  store: SessionStore;
  /** Prints `value` as one JSON line with --json, else the human text (nothing when null). */
  print(value: unknown, human: string | string[] | null): void;
  /** A note for a person (stderr), never mixed into the output scripts read. */
  note(text: string): void;
  /** Connects; `signedIn` requires (and sends) this server's stored session. */
  connect(options: { signedIn: boolean; onConnectionStateChange?: (state: ConnectionState) => void }): Promise<{
    client: ParleyClient;
    session: StoredSession | null;
  }>;
};

export function createContext(args: ParsedArgs, env: CliEnv): CommandContext {
  const url = args.url ?? env.url;
  const store = new SessionStore(env.configDir);
  return {
    args,
    env,
    url,
    json: args.json,
    store,
    print(value, human) {
      if (args.json) process.stdout.write(`${JSON.stringify(value)}\n`);
      else if (human !== null) process.stdout.write(`${Array.isArray(human) ? human.join("\n") : human}\n`);
    },
    note(text) {
      if (!args.json) process.stderr.write(`${text}\n`);
    },
    async connect({ signedIn, onConnectionStateChange }) {
      const session = await store.get(url);
      if (signedIn && !session) throw new CliError(`Not signed in to ${url}: run \`parley login\` or \`parley signup\``, 1, "UNAUTHORIZED");
      const client = await openClient({
        url,
        token: signedIn ? (session?.token ?? null) : null,
        timeoutMs: env.connectTimeoutMs,
        ...(onConnectionStateChange ? { onConnectionStateChange } : {}),
      });
      return { client, session };
    },
  };
}

/** The command's positionals named in `names`, all required; more than that is an error. */
export function expectArgs<const T extends readonly string[]>(ctx: CommandContext, names: T): { [K in keyof T]: string } {
  const values = ctx.args.positionals;
  if (values.length < names.length) throw usageError(`missing <${names[values.length]}>`);
  if (values.length > names.length) throw usageError(`unexpected argument '${values[names.length]}'`);
  return values as unknown as { [K in keyof T]: string };
}
