import type { ParleyClient, Room } from "@parley/client";
import type { CommandContext } from "../context";
import { expectArgs } from "../context";
import { CliError } from "../errors";
import { formatMembers, formatRoom, formatUnread } from "../format";

/**
 * A room by id, or by name ignoring case: `#name` is a channel, `@user` the dm with that person,
 * a bare name a channel if there is one, else a dm.
 */
export async function findRoom(trpc: ParleyClient["trpc"], ref: string): Promise<Room> {
  const rooms = await trpc.room.list.query();
  const name = ref.replace(/^[#@]/, "").toLowerCase();
  const named = (kind: Room["kind"]) => rooms.find((r) => r.kind === kind && r.name.toLowerCase() === name);
  const room =
    rooms.find((r) => r.id === ref) ??
    (ref.startsWith("@") ? named("dm") : ref.startsWith("#") ? named("channel") : (named("channel") ?? named("dm")));
  if (!room) throw new CliError(`No room named '${ref}' (see \`parley rooms\`)`, 1, "NOT_FOUND");
  return room;
}

/** The room, if the caller is a member; a clear hint otherwise (the server would say FORBIDDEN). */
export async function findJoinedRoom(trpc: ParleyClient["trpc"], ref: string): Promise<Room> {
  const room = await findRoom(trpc, ref);
  if (!room.joined) throw new CliError(`You are not a member of #${room.name}: run \`parley join ${room.name}\``, 1, "FORBIDDEN");
  return room;
}

/** `parley rooms`: every room on the server. */
export async function rooms(ctx: CommandContext): Promise<void> {
  expectArgs(ctx, [] as const);
  const { client } = await ctx.connect({ signedIn: true });
  try {
    const list = await client.trpc.room.list.query();
    ctx.print(list, list.length > 0 ? list.map(formatRoom) : "No rooms yet: create one with `parley create <name>`.");
  } finally {
    await client.close();
  }
}

/** `parley unread`: the caller's rooms with unread messages, and how many mention them. */
export async function unread(ctx: CommandContext): Promise<void> {
  expectArgs(ctx, [] as const);
  const { client } = await ctx.connect({ signedIn: true });
  try {
    const list = (await client.trpc.room.list.query()).filter((room) => room.joined && room.unreadCount > 0);
    ctx.print(list, list.length > 0 ? list.map(formatUnread) : "Nothing unread.");
  } finally {
    await client.close();
  }
}

/** `parley create <name> [--private]`: a new channel, owned by the caller. */
export async function create(ctx: CommandContext): Promise<void> {
  const [name] = expectArgs(ctx, ["name"] as const);
  const { client } = await ctx.connect({ signedIn: true });
  try {
    const room = await client.trpc.room.create.mutate({ name, visibility: ctx.args.private ? "private" : "public" });
    ctx.print(room, `Created ${room.visibility === "private" ? "the private channel " : ""}#${room.name}.`);
  } finally {
    await client.close();
  }
}

/** `parley join <room>`: joins a room by name or id (joining twice is fine). */
export async function join(ctx: CommandContext): Promise<void> {
  const [ref] = expectArgs(ctx, ["room"] as const);
  const { client } = await ctx.connect({ signedIn: true });
  try {
    const found = await findRoom(client.trpc, ref);
    const room = await client.trpc.room.join.mutate({ roomId: found.id });
    ctx.print(room, `Joined #${room.name} (${formatMembers(room.memberCount)}).`);
  } finally {
    await client.close();
  }
}

/** `parley add <room> <user>`: adds someone to a channel (a private one: owners and admins only). */
export async function add(ctx: CommandContext): Promise<void> {
  const [ref, username] = expectArgs(ctx, ["room", "user"] as const);
  const { client } = await ctx.connect({ signedIn: true });
  try {
    const room = await findRoom(client.trpc, ref);
    const member = await client.trpc.room.addMember.mutate({ roomId: room.id, username: username.replace(/^@/, "") });
    ctx.print(member, `${member.user.username} is in #${room.name}.`);
  } finally {
    await client.close();
  }
}

/** `parley remove <room> <user>`: takes someone out of a channel (owners and admins). */
export async function remove(ctx: CommandContext): Promise<void> {
  const [ref, username] = expectArgs(ctx, ["room", "user"] as const);
  const { client } = await ctx.connect({ signedIn: true });
  try {
    const room = await findRoom(client.trpc, ref);
    const result = await client.trpc.room.removeMember.mutate({ roomId: room.id, username: username.replace(/^@/, "") });
    ctx.print(result, `${username.replace(/^@/, "")} is no longer in #${room.name}.`);
  } finally {
    await client.close();
  }
}
