import type { RoomEvent } from "@parley/contract";
import type { Database } from "@parley/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParleyServer } from "../src/app";
import {
  closeClients,
  Collector,
  connect,
  databaseKind,
  openTestDatabase,
  signUp,
  sleep,
  startTestServer,
  started,
  tempDir,
  uniqueName,
} from "./harness";

// A restart on the same data: PGlite reopens its data directory, PostgreSQL is just there.
let dataDir: { dir: string; remove: () => Promise<void> };
let db: Database;
let server: ParleyServer;

beforeAll(async () => {
  dataDir = await tempDir();
  db = await openTestDatabase(databaseKind === "pglite" ? dataDir.dir : null);
  server = await startTestServer(db);
});

afterAll(async () => {
  await closeClients();
  await server.close();
  await db.close();
  await dataDir.remove();
});

type Tracked = { id: string; data: RoomEvent };

describe("server restart", () => {
  it("keeps users, sessions and messages, and subscribers resume with nothing lost or doubled", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    const room = await alice.client.trpc.room.create.mutate({ name: uniqueName("restart") });
    await bob.client.trpc.room.join.mutate({ roomId: room.id });

    const events = new Collector<Tracked>();
    const { onStarted, ready } = started();
    const sub = bob.client.trpc.room.events.subscribe({ roomId: room.id }, { onStarted, onData: (e) => events.push(e) });
    await ready;
    await alice.client.trpc.message.send.mutate({ roomId: room.id, text: "before restart" });
    await events.waitFor(1);

    // Stop everything, the database included, and start again on the same port and data.
    const port = server.port;
    await server.close();
    await db.close();
    db = await openTestDatabase(databaseKind === "pglite" ? dataDir.dir : null);
    server = await startTestServer(db, { PORT: String(port) });

    // Alice reconnects first and talks while bob's client is still backing off.
    const alice2 = connect(server, alice.token);
    expect((await alice2.trpc.auth.me.query()).id).toBe(alice.id);
    for (const text of ["after 1", "after 2"]) await alice2.trpc.message.send.mutate({ roomId: room.id, text });
    await events.waitFor(3, 20_000);
    await alice2.trpc.message.send.mutate({ roomId: room.id, text: "after 3" });
    await events.waitFor(4);
    await sleep(200);
    const texts = events.items.map((e) => (e.data.type === "message.created" ? e.data.message.text : e.data.type));
    expect(texts).toEqual(["before restart", "after 1", "after 2", "after 3"]);
    const history = await alice2.trpc.message.list.query({ roomId: room.id });
    expect(history.messages.map((m) => m.text)).toEqual(["before restart", "after 1", "after 2", "after 3"]);
    sub.unsubscribe();
  });
});
