import { cp, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { applyMigrations, openDatabase } from "@parley/db";
import { describe, expect, it } from "vitest";
import { tempDir, testConfig } from "./harness";

// Upgrading a database that holds v1 data: the conversations migration must keep every room
// working as a public channel owned by its creator.

describe("the conversations and reading migrations", () => {
  it(
    "turns v1 rooms into public channels owned by their creator, or by their longest-standing member; the reading migration numbers existing messages",
    { timeout: 180_000 },
    async () => {
      const all = testConfig().migrationsDir;
      const names = (await readdir(all, { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
      const conversations = names.findIndex((n) => n.endsWith("_conversations"));
      expect(conversations).toBeGreaterThan(0);
      const scratch = await tempDir();
      const db = await openDatabase({ kind: "pglite", dataDir: null });
      try {
        const dir = path.join(scratch.dir, "migrations");
        await mkdir(dir);
        for (const name of names.slice(0, conversations)) await cp(path.join(all, name), path.join(dir, name), { recursive: true });
        await applyMigrations(db, dir);

        // v1 data: room r1 made by u1 (still in it, joined by u2); r2 made by u1, who left (u3 joined before u2).
        await db.sql.exec(`
        INSERT INTO users (id, username, username_key, email, password_hash) VALUES
          ('u1', 'Ann', 'ann', 'ann@x.test', 'h'), ('u2', 'Ben', 'ben', 'ben@x.test', 'h'), ('u3', 'Cat', 'cat', 'cat@x.test', 'h');
        INSERT INTO rooms (id, name, name_key, created_by_id) VALUES ('r1', 'General', 'general', 'u1'), ('r2', 'Left', 'left', 'u1');
        INSERT INTO memberships (room_id, user_id, joined_at) VALUES
          ('r1', 'u1', '2026-01-01T00:00:00Z'), ('r1', 'u2', '2026-01-02T00:00:00Z'),
          ('r2', 'u3', '2026-01-03T00:00:00Z'), ('r2', 'u2', '2026-01-04T00:00:00Z');
      `);

        const reading = names.findIndex((n) => n.endsWith("_reading"));
        expect(reading).toBeGreaterThan(conversations);
        for (const name of names.slice(conversations, reading)) await cp(path.join(all, name), path.join(dir, name), { recursive: true });
        expect(await applyMigrations(db, dir)).toEqual(names.slice(conversations, reading));

        // v2 messages before the reading migration: m2 was edited (its message.created event is
        // gone, a message.updated took its place) and m4 deleted.
        await db.sql.exec(`
        INSERT INTO messages (id, room_id, author_id, text, created_at, deleted_at) VALUES
          ('m1', 'r1', 'u1', 'hello world', '2026-01-05T00:00:00Z', NULL),
          ('m2', 'r1', 'u2', 'edited words', '2026-01-06T00:00:00Z', NULL),
          ('m3', 'r1', 'u1', 'third one', '2026-01-07T00:00:00Z', NULL),
          ('m4', 'r1', 'u2', '', '2026-01-08T00:00:00Z', '2026-01-09T00:00:00Z');
        INSERT INTO room_events (room_id, seq, type, payload, message_id) VALUES
          ('r1', 1, 'message.created', '{}', 'm1'), ('r1', 3, 'message.created', '{}', 'm3'),
          ('r1', 5, 'message.updated', '{}', 'm2'), ('r1', 6, 'message.deleted', '{}', NULL);
        UPDATE rooms SET last_event_seq = 6 WHERE id = 'r1';
      `);
        for (const name of names.slice(reading)) await cp(path.join(all, name), path.join(dir, name), { recursive: true });
        expect(await applyMigrations(db, dir)).toEqual(names.slice(reading));
        // Ordinals in history order; event ids that never go backwards (m2 takes m1's); everyone
        // has read everything; deleted messages are out of search.
        expect(
          await db.sql.query(
            "SELECT id, ord::int, event_seq::int, deleted_ord::int, search IS NOT NULL AS searchable FROM messages ORDER BY seq",
          ),
        ).toEqual([
          { id: "m1", ord: 1, event_seq: 1, deleted_ord: null, searchable: true },
          { id: "m2", ord: 2, event_seq: 1, deleted_ord: null, searchable: true },
          { id: "m3", ord: 3, event_seq: 3, deleted_ord: null, searchable: true },
          { id: "m4", ord: 4, event_seq: 3, deleted_ord: 4, searchable: false },
        ]);
        expect(await db.sql.query("SELECT id, message_count::int, last_message_at IS NOT NULL AS has_last FROM rooms ORDER BY id")).toEqual(
          [
            { id: "r1", message_count: 4, has_last: true },
            { id: "r2", message_count: 0, has_last: false },
          ],
        );
        expect(await db.sql.query("SELECT DISTINCT last_read_seq::int, last_read_ord::int FROM memberships WHERE room_id = 'r1'")).toEqual([
          { last_read_seq: 6, last_read_ord: 4 },
        ]);

        const rooms = await db.sql.query<{ id: string; kind: string; visibility: string; topic: string }>(
          "SELECT id, kind, visibility, topic FROM rooms ORDER BY id",
        );
        expect(rooms).toEqual([
          { id: "r1", kind: "channel", visibility: "public", topic: "" },
          { id: "r2", kind: "channel", visibility: "public", topic: "" },
        ]);
        const roles = await db.sql.query<{ room_id: string; user_id: string; role: string }>(
          "SELECT room_id, user_id, role FROM memberships ORDER BY room_id, user_id",
        );
        expect(roles).toEqual([
          { room_id: "r1", user_id: "u1", role: "owner" },
          { room_id: "r1", user_id: "u2", role: "member" },
          { room_id: "r2", user_id: "u2", role: "member" },
          { room_id: "r2", user_id: "u3", role: "owner" },
        ]);
      } finally {
        await db.close();
        await scratch.remove();
      }
    },
  );
});
