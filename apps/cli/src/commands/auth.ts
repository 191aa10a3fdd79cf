import type { CommandContext } from "../context";
import { expectArgs } from "../context";
import { CliError } from "../errors";
import { readPassword } from "../input";

/** `parley signup <username> <email>`: creates an account and keeps its session. */
export async function signup(ctx: CommandContext): Promise<void> {
  const [username, email] = expectArgs(ctx, ["username", "email"] as const);
  const password = await readPassword(ctx.env.password, true);
  const { client } = await ctx.connect({ signedIn: false });
  try {
    const { user, token } = await client.trpc.auth.signup.mutate({ username, email, password });
    await ctx.store.set(ctx.url, { token, username: user.username });
    ctx.print({ user }, `Signed up and signed in as ${user.username}.`);
  } finally {
    await client.close();
  }
}

/** `parley login <username|email>`: signs in and keeps the session. */
export async function login(ctx: CommandContext): Promise<void> {
  const [name] = expectArgs(ctx, ["username or email"] as const);
  const password = await readPassword(ctx.env.password, false);
  const { client } = await ctx.connect({ signedIn: false });
  try {
    const { user, token } = await client.trpc.auth.login.mutate({ login: name, password });
    await ctx.store.set(ctx.url, { token, username: user.username });
    ctx.print({ user }, `Signed in as ${user.username}.`);
  } finally {
    await client.close();
  }
}

/** `parley logout`: revokes the session on the server and forgets it here. */
export async function logout(ctx: CommandContext): Promise<void> {
  expectArgs(ctx, [] as const);
  const session = await ctx.store.get(ctx.url);
  if (!session) {
    ctx.print({ ok: true }, "Not signed in.");
    return;
  }
  let connection;
  try {
    connection = await ctx.connect({ signedIn: true });
  } catch (error) {
    // The token is forgotten either way; say that the server still has it.
    await ctx.store.delete(ctx.url);
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`Signed out here, but the server could not revoke the session: ${reason}`, 1, "CONNECTION");
  }
  try {
    await connection.client.trpc.auth.logout.mutate();
    await ctx.store.delete(ctx.url);
    ctx.print({ ok: true }, `Signed out ${session.username}.`);
  } finally {
    await connection.client.close();
  }
}

/** `parley whoami`: the signed-in user, as the server sees them. */
export async function whoami(ctx: CommandContext): Promise<void> {
  expectArgs(ctx, [] as const);
  const { client } = await ctx.connect({ signedIn: true });
  try {
    const me = await client.trpc.auth.me.query();
    ctx.print(me, `${me.username} <${me.email}> on ${ctx.url}`);
  } finally {
    await client.close();
  }
}
