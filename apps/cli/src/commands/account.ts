import { errorCode, type SessionInfo } from "@parley/client";
import Bowser from "bowser";
import type { CommandContext } from "../context";
import { expectArgs } from "../context";
import { CliError } from "../errors";
import { shortTime } from "../format";
import { readPasswordChange } from "../input";

/** "Chrome on Linux", "parley-cli", or "unknown device": a session's User-Agent as a name. */
export function deviceName(userAgent: string | null): string {
  if (!userAgent) return "unknown device";
  const { browser, os } = Bowser.parse(userAgent);
  if (!browser.name) return userAgent.split(/[\s/]/)[0] || "unknown device";
  return os.name ? `${browser.name} on ${os.name}` : browser.name;
}

export function formatSession(session: SessionInfo): string {
  const marker = session.current ? "  (this session)" : "";
  return `${session.id}  ${deviceName(session.userAgent)}  last seen ${shortTime(session.lastSeenAt)}, signed in ${shortTime(session.createdAt)}${marker}`;
}

/** `parley passwd`: changes the password; every other session is signed out, this one stays. */
export async function passwd(ctx: CommandContext): Promise<void> {
  expectArgs(ctx, [] as const);
  const { client } = await ctx.connect({ signedIn: true });
  try {
    // The session is checked first, so that UNAUTHORIZED below can only mean the password.
    await client.trpc.auth.me.query();
    const input = await readPasswordChange(ctx.env);
    try {
      await client.trpc.auth.changePassword.mutate(input);
    } catch (error) {
      if (errorCode(error) === "UNAUTHORIZED") throw new CliError("The current password is wrong", 1, "UNAUTHORIZED");
      throw error;
    }
    ctx.print({ ok: true }, "Password changed. Your other sessions were signed out.");
  } finally {
    await client.close();
  }
}

/** `parley sessions`: the account's sessions, newest first, this one marked. */
export async function sessions(ctx: CommandContext): Promise<void> {
  expectArgs(ctx, [] as const);
  const { client } = await ctx.connect({ signedIn: true });
  try {
    const list = await client.trpc.auth.sessions.query();
    ctx.print(list, list.map(formatSession));
  } finally {
    await client.close();
  }
}

/** `parley revoke <id>`: signs one session out (its id from `parley sessions`). */
export async function revoke(ctx: CommandContext): Promise<void> {
  const [sessionId] = expectArgs(ctx, ["session id"] as const);
  const { client, session } = await ctx.connect({ signedIn: true });
  try {
    const current = (await client.trpc.auth.sessions.query()).find((s) => s.current);
    await client.trpc.auth.revokeSession.mutate({ sessionId });
    // Revoking this very session is a logout: forget its token too.
    if (current?.id === sessionId && session) await ctx.store.delete(ctx.url);
    ctx.print({ ok: true }, current?.id === sessionId ? "Revoked this session; you are signed out." : `Revoked session ${sessionId}.`);
  } finally {
    await client.close();
  }
}
