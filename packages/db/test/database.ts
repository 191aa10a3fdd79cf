// What every repository test file shares: its suite once per database (PGlite, PostgreSQL), a
// database opened once per file and emptied before each test, and a few makers of rows.
import { randomBytes } from "node:crypto";
import { publicUser, type Me, type Message, type Room, type User } from "@parley/contract";
import { afterAll, beforeAll, beforeEach, describe, inject } from "vitest";
import { openDatabase, type Database } from "../src/database";
import { applyMigrations } from "../src/migrate";
import { createMessages } from "../src/messages";
import { createRoom } from "../src/rooms";
import { createUser } from "../src/users";
import { MIGRATIONS_DIR } from "./global-setup";

/**
 * Declares `suite` once per database of the run. `db()` is that database: an in-memory PGlite
 * opened once for the file (initdb takes seconds), or a pool on the run's PostgreSQL database;
 * every table is emptied before each test, so no test sees another's rows.
 */
export function describeEachDatabase(name: string, suite: (db: () => Database) => void): void {
  for (const backend of inject("dbBackends")) {
    describe(`${name} [${backend}]`, () => {
      let db: Database | undefined;
      beforeAll(async () => {
        if (backend === "pglite") {
          db = await openDatabase({ kind: "pglite", dataDir: null });
          await applyMigrations(db, MIGRATIONS_DIR);
        } else {
          const url = inject("dbPostgresUrl");
          if (!url) throw new Error("global-setup.ts made no PostgreSQL database");
          db = await openDatabase({ kind: "postgres", url, poolSize: 4 });
        }
      });
      afterAll(async () => {
        await db?.close();
      });
      beforeEach(async () => {
        // Deleting the rooms and then the users cascades to every other table; on a few rows
        // DELETE is several times faster than TRUNCATE (which makes new files for each table).
        await db?.sql.exec("DELETE FROM rooms; DELETE FROM users");
      });
      suite(() => {
        if (!db) throw new Error("the database is not open yet");
        return db;
      });
    });
  }
}

/** A new user named `username` (a random suffix keeps names apart when it is omitted). */
export function makeUser(db: Database, username = `u_${randomBytes(4).toString("hex")}`): Promise<Me> {
  return createUser(db, { username, email: `${username.toLowerCase()}@example.com`, passwordHash: "hash" });
}

/** A new public channel (or private, with `visibility`) owned by `creator`. */
export async function makeRoom(
  db: Database,
  creator: User,
  name = `r_${randomBytes(4).toString("hex")}`,
  visibility: Room["visibility"] = "public",
): Promise<Room> {
  return (await createRoom(db, { name, creator, visibility })).room;
}

/** Sends `text` as `author` and returns the stored message (the send must succeed). */
export async function send(
  db: Database,
  roomId: string,
  author: User,
  text: string,
  extra: { mentions?: User[]; clientMsgId?: string } = {},
): Promise<Message> {
  const [outcome] = await createMessages(db, roomId, [
    { author: publicUser(author), text, clientMsgId: extra.clientMsgId ?? null, mentions: (extra.mentions ?? []).map(publicUser) },
  ]);
  if (outcome?.status !== "created") throw new Error(`send failed: ${outcome?.status ?? "no outcome"}`);
  return outcome.message;
}

/** The room's newest event id. */
export async function headOf(db: Database, roomId: string): Promise<bigint> {
  const room = await db.prisma.room.findUniqueOrThrow({ where: { id: roomId }, select: { lastEventSeq: true } });
  return room.lastEventSeq;
}
