import type { ParleyClient, Room } from "@parley/client";
import type { CommandContext } from "../context";
import { expectArgs } from "../context";
import { CliError } from "../errors";
import { formatMembers, formatRoom } from "../format";

/** A room by id, or by name ignoring case (a leading `#` is fine). */
export async function findRoom(trpc: ParleyClient["trpc"], ref: string): Promise<Room> {
  const rooms = await trpc.room.list.query();
  const name = ref.replace(/^#/, "").toLowerCase();
  const room = rooms.find((r) => r.id === ref) ?? rooms.find((r) => r.name.toLowerCase() === name);
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

/** `parley create <name>`: a new room, with the caller as its first member. */
export async function create(ctx: CommandContext): Promise<void> {
  const [name] = expectArgs(ctx, ["name"] as const);
  const { client } = await ctx.connect({ signedIn: true });
  try {
    const room = await client.trpc.room.create.mutate({ name });
    ctx.print(room, `Created #${room.name}.`);
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
