// Type-checked with TypeScript's defaults and no Node types at all (no tsconfig, no --types):
// the published declarations must stand on their own. Never run.
import { createParleyClient, type Room } from "@parley/client";
const parley = createParleyClient({ url: "http://127.0.0.1:1" });
const trpc = parley.trpc;
export async function names(): Promise<string[]> {
  const rooms: Room[] = await trpc.room.list.query();
  // @ts-expect-error roomId must be a string
  await trpc.room.get.query({ roomId: 42 });
  await parley.close();
  return rooms.map((r) => r.name);
}
