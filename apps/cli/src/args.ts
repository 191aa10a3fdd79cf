import { usageError } from "./errors";

export type ParsedArgs = {
  command: string | null;
  positionals: string[];
  url: string | null;
  json: boolean;
  help: boolean;
  limit: number | null;
};

/**
 * A small argv parser: the command, its positionals, and the few options every command shares.
 * Options may come anywhere (`--url x`, `--url=x`); `--` ends them, so text may start with `-`.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { command: null, positionals: [], url: null, json: false, help: false, limit: null };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const value = () => {
      if (eq !== -1) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw usageError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case "--json":
        parsed.json = true;
        break;
      case "--help":
      case "-h":
        parsed.help = true;
        break;
      case "--url":
        parsed.url = value();
        break;
      case "--limit": {
        const text = value();
        const limit = Number(text);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw usageError(`--limit must be a whole number from 1 to 100, not '${text}'`);
        parsed.limit = limit;
        break;
      }
      default:
        throw usageError(`unknown option '${name}'`);
    }
  }
  parsed.command = words[0] ?? null;
  parsed.positionals = words.slice(1);
  return parsed;
}
