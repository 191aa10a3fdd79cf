// parley: a terminal client for Parley, built only on @parley/client. Every command prints one
// clear line on failure (stderr) and exits non-zero: 1 for errors, 2 for bad usage.
import { parseArgs, type ParsedArgs } from "./args";
import { login, logout, signup, whoami } from "./commands/auth";
import { dm, history, search, send } from "./commands/messages";
import { add, create, join, remove, rooms, unread } from "./commands/rooms";
import { tail } from "./commands/tail";
import { createContext, type CommandContext } from "./context";
import { readEnv } from "./env";
import { describeError, usageError } from "./errors";

const HELP = `Usage: parley <command> [options]

Commands:
  signup <username> <email>     create an account and sign in (asks for a password)
  login <username|email>        sign in (asks for a password)
  logout                        sign out and revoke the session
  whoami                        show who is signed in
  rooms                         list your rooms and the public channels (#name, @user for dms)
  create <name> [--private]     create a channel (--private: only people you add can see it)
  join <room>                   join a public channel (by name or id)
  add <room> <user>             add someone to a channel
  remove <room> <user>          remove someone from a channel (owners and admins)
  send <room> <text…>           post a message; text "-" reads it from stdin
                                (--reply <messageId>: answer that message)
  dm <user> <text…>             send someone a direct message
  history <room> [--limit N]    show the latest messages (default 20, at most 100)
  tail <room>                   print the room's events as they happen, until Ctrl-C
  unread                        your rooms with unread messages (and mentions of you)
  search <words…> [--room R]    messages with every word, newest first (--limit N, at most 50)

Options:
  --url <address>   the server (default: $PARLEY_URL, else http://127.0.0.1:3000)
  --json            print JSON for scripts (one object per line for tail)
  --private         (create) make the channel private
  --reply <id>      (send) the message this one answers (ids: history --json, search)
  --room <room>     (search) search one room only
  -h, --help        show this help

Passwords come from $PARLEY_PASSWORD, else a prompt on a terminal, else the first line of stdin.
The session token is kept in $PARLEY_CONFIG_DIR, else $XDG_CONFIG_HOME/parley, else ~/.config/parley (mode 0600).`;

/** Commands that run without a stored session (the rest send one). */
const WITHOUT_SESSION = new Set(["signup", "login"]);

const COMMANDS: Record<string, (ctx: CommandContext) => Promise<void>> = {
  signup,
  login,
  logout,
  whoami,
  rooms,
  create,
  join,
  add,
  remove,
  send,
  dm,
  history,
  tail,
  unread,
  search,
};

async function run(argv: readonly string[]): Promise<void> {
  let args: ParsedArgs | null = null;
  try {
    args = parseArgs(argv);
    if (args.help || args.command === "help" || args.command === null) {
      process.stdout.write(`${HELP}\n`);
      if (args.command === null && !args.help) process.exitCode = 2;
      return;
    }
    const command = COMMANDS[args.command];
    if (!command) throw usageError(`unknown command '${args.command}'`);
    await command(createContext(args, readEnv()));
  } catch (error) {
    const failure = describeError(error, args?.command ? !WITHOUT_SESSION.has(args.command) : false);
    process.stderr.write(
      args?.json ? `${JSON.stringify({ error: failure.message, code: failure.code })}\n` : `parley: ${failure.message}\n`,
    );
    process.exitCode = failure.exitCode;
  }
}

await run(process.argv.slice(2));
