import { cp, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { applyMigrations, openDatabase } from "@parley/db";
import { describe, expect, it } from "vitest";
import { tempDir, testConfig } from "./harness";

// Upgrading a database that holds v1 data: the conversations migration must keep every room
// working as a public channel owned by its creator.

describe("the conversations migration", () => {
  it("turns v1 rooms into public channels owned by their creator, or by their longest-standing member", async () => {
    const all = testConfig().migrationsDir;
    const names = (await readdir(all, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
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

      for (const name of names.slice(conversations)) await cp(path.join(all, name), path.join(dir, name), { recursive: true });
      expect(await applyMigrations(db, dir)).toEqual(names.slice(conversations));

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
  });
});
