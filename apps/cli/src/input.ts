// Reading what the user types: message text from stdin, and passwords without echo.

/** All of stdin as text (for `parley send <room> -`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The first line of stdin: how scripts pass a password (`echo "$PW" | parley login ada`). */
async function readLine(): Promise<string> {
  const text = await readStdin();
  return text.split(/\r?\n/)[0] ?? "";
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let answer = "";
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const done = (error: Error | null) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") return done(null);
        if (char === "\u0003") return done(new Error("cancelled")); // Ctrl-C
        if (char === "\u007f" || char === "\b") answer = answer.slice(0, -1);
        else answer += char;
      }
    };
    stdin.on("data", onData);
  });
}

/**
 * A password: from PARLEY_PASSWORD, else a hidden prompt on a terminal (asked twice when
 * `confirm`), else the first line of stdin.
 */
export async function readPassword(fromEnv: string | null, confirm: boolean): Promise<string> {
  if (fromEnv !== null) return fromEnv;
  if (!process.stdin.isTTY) return readLine();
  const password = await promptHidden("Password: ");
  if (confirm && (await promptHidden("Password (again): ")) !== password) throw new Error("The passwords do not match");
  return password;
}

/**
 * `parley passwd`'s two passwords: the current one from PARLEY_PASSWORD and the new one from
 * PARLEY_NEW_PASSWORD, else hidden prompts on a terminal (the new one asked twice), else the
 * first two lines of stdin.
 */
export async function readPasswordChange(env: {
  password: string | null;
  newPassword: string | null;
}): Promise<{ currentPassword: string; newPassword: string }> {
  if (env.password !== null && env.newPassword !== null) return { currentPassword: env.password, newPassword: env.newPassword };
  if (!process.stdin.isTTY) {
    const [first = "", second = ""] = (await readStdin()).split(/\r?\n/);
    return env.password !== null
      ? { currentPassword: env.password, newPassword: env.newPassword ?? first }
      : { currentPassword: first, newPassword: env.newPassword ?? second };
  }
  const currentPassword = env.password ?? (await promptHidden("Current password: "));
  if (env.newPassword !== null) return { currentPassword, newPassword: env.newPassword };
  const newPassword = await promptHidden("New password: ");
  if ((await promptHidden("New password (again): ")) !== newPassword) throw new Error("The passwords do not match");
  return { currentPassword, newPassword };
}
