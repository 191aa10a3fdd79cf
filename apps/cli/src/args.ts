import { parseArgs as parseArgv } from "node:util";
import { usageError } from "./errors";

export type ParsedArgs = {
  command: string | null;
  positionals: string[];
  url: string | null;
  json: boolean;
  help: boolean;
  limit: number | null;
  /** `create --private`. */
  private: boolean;
  /** `send --reply <messageId>`: the message this one answers. */
  reply: string | null;
  /** `search --room <room>`: search one room only. */
  room: string | null;
};

/** The options every command shares (node:util parseArgs' configuration). */
const OPTIONS = {
  url: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  limit: { type: "string" },
  private: { type: "boolean" },
  reply: { type: "string" },
  room: { type: "string" },
} as const;
const OPTION_TYPES = new Map<string, "string" | "boolean">(Object.entries(OPTIONS).map(([name, { type }]) => [name, type]));

/**
 * The command, its positionals and the shared options, read by node:util's parseArgs: options may
 * come anywhere (`--url x`, `--url=x`); `--` ends them, so text may start with `-`. Its tokens are
 * checked here rather than in strict mode, so that a mistake is told in parley's own words.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const { values, positionals, tokens } = parseArgv({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const type = OPTION_TYPES.get(token.name);
    if (!type) throw usageError(`unknown option '${token.rawName}'`);
    if (type === "string" && token.value === undefined) throw usageError(`${token.rawName} needs a value`);
    if (type === "boolean" && token.value !== undefined) throw usageError(`${token.rawName} takes no value`);
  }
  return {
    command: positionals[0] ?? null,
    positionals: positionals.slice(1),
    url: typeof values.url === "string" ? values.url : null,
    json: values.json === true,
    help: values.help === true,
    limit: typeof values.limit === "string" ? limitFrom(values.limit) : null,
    private: values.private === true,
    reply: typeof values.reply === "string" ? values.reply : null,
    room: typeof values.room === "string" ? values.room : null,
  };
}

function limitFrom(text: string): number {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw usageError(`--limit must be a whole number from 1 to 100, not '${text}'`);
  return limit;
}
