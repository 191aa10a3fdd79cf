// `pnpm admin <task>`: an operator's tasks, run on the database directly (no server needed).
// Each task reads its arguments with node:util's parseArgs and writes what scripts read to
// `out` (stdout) and what a person reads to `err` (stderr).
import { randomBytes } from "node:crypto";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { signupInput } from "@parley/contract";
import { admin, sessions, type Database, UniqueViolationError, users } from "@parley/db";

export type AdminIo = {
  db: Database;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Hashes a password (argon2id, as signups do). */
  hashPassword: (password: string) => Promise<string>;
  /** Asks for a value on the terminal (`hidden`: no echo); null when there is no terminal. */
  prompt: (question: string, hidden: boolean) => Promise<string | null>;
  /** Tells running servers to close these sessions' sockets (through Redis when there is one). */
  revoked: (sessionIds: string[]) => Promise<void>;
};

/** A mistake in how a task was called or what it was given: printed as one line, exit code 2. */
export class AdminUsageError extends Error {
  override name = "AdminUsageError";
}

/** Something the task could not do (an unknown user, a taken name): one line, exit code 1. */
export class AdminError extends Error {
  override name = "AdminError";
}

export const ADMIN_HELP = `Usage: pnpm admin <task> [options]

Tasks (on the database in DATABASE_URL, else the embedded one in DATA_DIR):
  create-user [--username U] [--email E] [--password P]
                           create an account (asks for what is missing, the password hidden)
  reset-password <user>    set a new random password, print it, and sign the user out everywhere
  deactivate <user>        the user can no longer sign in; sessions revoked; messages kept
  export-room <room>       every live message, oldest first, one JSON object per line (stdout)
  stats [--json]           how many users, rooms, messages and sessions there are

<user> is a username, an email or an id; <room> a channel's name (with or without #) or an id.`;

function parse(argv: string[], options: NonNullable<ParseArgsConfig["options"]>, positionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new AdminUsageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.positionals.length !== positionals) {
    throw new AdminUsageError(
      positionals === 0
        ? `unexpected argument '${parsed.positionals[0]}'`
        : `expected ${positionals} argument${positionals > 1 ? "s" : ""}`,
    );
  }
  return parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
}

async function userOrFail(io: AdminIo, key: string) {
  const user = await admin.findUser(io.db, key);
  if (!user) throw new AdminError(`No user '${key}'`);
  return user;
}

async function revokeAll(io: AdminIo, userId: string): Promise<number> {
  const ids = await sessions.deleteUserSessions(io.db, userId);
  await io.revoked(ids);
  return ids.length;
}

async function createUser(io: AdminIo, argv: string[]): Promise<void> {
  const { values } = parse(argv, { username: { type: "string" }, email: { type: "string" }, password: { type: "string" } }, 0);
  const ask = async (name: string, question: string, hidden: boolean) => {
    const given = values[name];
    if (typeof given === "string") return given;
    const answer = await io.prompt(question, hidden);
    if (answer === null) throw new AdminUsageError(`--${name} is missing (and there is no terminal to ask on)`);
    return answer;
  };
  const input = {
    username: await ask("username", "Username: ", false),
    email: await ask("email", "Email: ", false),
    password: await ask("password", "Password: ", true),
  };
  const parsed = signupInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AdminUsageError(`${String(issue?.path[0] ?? "input")}: ${issue?.message ?? "invalid"}`);
  }
  try {
    const user = await users.createUser(io.db, { ...parsed.data, passwordHash: await io.hashPassword(parsed.data.password) });
    io.out(`Created ${user.username} <${user.email}> (id ${user.id})`);
  } catch (error) {
    if (error instanceof UniqueViolationError) {
      throw new AdminError(
        error.fields.includes("email") ? "That email is already registered" : `The username '${input.username}' is taken`,
      );
    }
    throw error;
  }
}

async function resetPassword(io: AdminIo, argv: string[]): Promise<void> {
  const { positionals } = parse(argv, {}, 1);
  const user = await userOrFail(io, positionals[0] ?? "");
  // 16 characters of base64url: 96 random bits, easy to read out or paste once.
  const password = randomBytes(12).toString("base64url");
  await users.setPasswordHash(io.db, user.id, await io.hashPassword(password));
  const revoked = await revokeAll(io, user.id);
  io.err(
    `New password for ${user.username} (${revoked} session${revoked === 1 ? "" : "s"} revoked); give it to them once and have them change it (Account → Change password, or parley passwd):`,
  );
  io.out(password);
}

async function deactivate(io: AdminIo, argv: string[]): Promise<void> {
  const { positionals } = parse(argv, {}, 1);
  const user = await userOrFail(io, positionals[0] ?? "");
  await users.deactivateUser(io.db, user.id);
  const revoked = await revokeAll(io, user.id);
  io.out(`Deactivated ${user.username}: they cannot sign in; ${revoked} session${revoked === 1 ? "" : "s"} revoked; their messages stay.`);
}

async function exportRoom(io: AdminIo, argv: string[]): Promise<void> {
  const { positionals } = parse(argv, {}, 1);
  const key = positionals[0] ?? "";
  const room = await admin.findRoom(io.db, key);
  if (!room) throw new AdminError(`No room '${key}'`);
  let count = 0;
  for await (const message of admin.roomMessages(io.db, room.id)) {
    io.out(JSON.stringify({ roomId: room.id, ...message }));
    count++;
  }
  io.err(`Exported ${count} message${count === 1 ? "" : "s"} of ${room.kind === "dm" ? "a direct message" : `#${room.name}`}.`);
}

async function stats(io: AdminIo, argv: string[]): Promise<void> {
  const { values } = parse(argv, { json: { type: "boolean" } }, 0);
  const s = await admin.stats(io.db);
  if (values.json) return io.out(JSON.stringify(s));
  io.out(`users     ${s.users} (${s.deactivatedUsers} deactivated)`);
  io.out(`rooms     ${s.rooms} (${s.channels} channels, ${s.dms} direct messages)`);
  io.out(`messages  ${s.messages}`);
  io.out(`sessions  ${s.sessions}`);
}

const TASKS: Record<string, (io: AdminIo, argv: string[]) => Promise<void>> = {
  "create-user": createUser,
  "reset-password": resetPassword,
  deactivate,
  "export-room": exportRoom,
  stats,
};

/** Whether `argv` names a task (checked before the database is opened). */
export function isAdminTask(name: string | undefined): boolean {
  return name !== undefined && Object.hasOwn(TASKS, name);
}

/** Runs one task; throws AdminUsageError or AdminError for the entry point to print. */
export async function runAdminTask(io: AdminIo, argv: string[]): Promise<void> {
  const [task, ...rest] = argv;
  if (!task || task === "help" || task === "--help" || task === "-h") {
    io.out(ADMIN_HELP);
    if (!task) throw new AdminUsageError("name a task");
    return;
  }
  const run = TASKS[task];
  if (!run) throw new AdminUsageError(`unknown task '${task}'`);
  await run(io, rest);
}
