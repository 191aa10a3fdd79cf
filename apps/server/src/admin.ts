// The `pnpm admin <task>` entry: the server's configuration (DATABASE_URL, else DATA_DIR's
// embedded database; REDIS_URL), then one task of admin/tasks.ts. Exit codes: 0 done, 1 the task
// failed, 2 bad usage.
import { createInterface } from "node:readline";
import { PasswordHasher } from "@parley/api";
import { RedisHub, topics } from "@parley/api/hub";
import { applyMigrations, openDatabase } from "@parley/db";
import { ADMIN_HELP, AdminError, AdminUsageError, isAdminTask, runAdminTask } from "./admin/tasks";
import { loadConfig } from "./env";

/** Asks on the terminal (stderr, so stdout stays for results); `hidden` echoes nothing. */
function prompt(question: string, hidden: boolean): Promise<string | null> {
  if (!process.stdin.isTTY) return Promise.resolve(null);
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (hidden) {
      // readline echoes through _writeToOutput; print the question, swallow the typing.
      const internals = rl as unknown as { _writeToOutput: (text: string) => void };
      let asked = false;
      internals._writeToOutput = (text) => {
        if (!asked) {
          asked = true;
          process.stderr.write(text);
        }
      };
    }
    rl.question(question, (answer) => {
      if (hidden) process.stderr.write("\n");
      rl.close();
      resolve(answer);
    });
  });
}

const argv = process.argv.slice(2);
if (!isAdminTask(argv[0])) {
  // Help, or a task that does not exist: no need to open the database.
  const asked = argv[0] === "help" || argv[0] === "--help" || argv[0] === "-h";
  if (asked) process.stdout.write(`${ADMIN_HELP}\n`);
  else process.stderr.write(`${argv[0] ? `admin: unknown task '${argv[0]}'\n\n` : ""}${ADMIN_HELP}\n`);
  process.exit(asked ? 0 : 2);
}

const config = loadConfig();
const db = await openDatabase(config.database);
try {
  await applyMigrations(db, config.migrationsDir);
  const hasher = new PasswordHasher();
  await runAdminTask(
    {
      db,
      out: (text) => process.stdout.write(`${text}\n`),
      err: (text) => process.stderr.write(`${text}\n`),
      hashPassword: (password) => hasher.hash(password, "admin"),
      prompt,
      async revoked(sessionIds) {
        // With Redis, every server closes these sessions' sockets at once (as on logout). Without
        // it, each server finds out at the socket's next call after its minute of grace.
        if (!config.redis || sessionIds.length === 0) return;
        const hub = await RedisHub.connect(config.redis);
        for (const id of sessionIds) hub.publish(topics.sessions(), id);
        await hub.close();
      },
    },
    argv,
  );
} catch (error) {
  if (error instanceof AdminUsageError) {
    process.stderr.write(`admin: ${error.message} (see pnpm admin help)\n`);
    process.exitCode = 2;
  } else if (error instanceof AdminError) {
    process.stderr.write(`admin: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
} finally {
  await db.close();
}
