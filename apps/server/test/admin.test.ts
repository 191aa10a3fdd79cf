// `pnpm admin <task>` (issue 12.4): each task against this run's database (PGlite or PostgreSQL),
// with a real server beside it to show what people notice; and the real command, spawned.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PasswordHasher } from "@parley/api";
import { topics } from "@parley/api/hub";
import { describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { AdminError, AdminUsageError, runAdminTask, type AdminIo } from "../src/admin/tasks";
import { connect, databaseKind, errorCode, rejection, roomWith, signUp, sleep, tempDir, uniqueName, useTestServer } from "./harness";

const app = useTestServer();
const PASSWORD = "correct horse battery";
const hasher = new PasswordHasher();

/** Runs one task in this process; returns what it printed and the sessions it reported revoked. */
async function admin(argv: string[], answers: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const revoked: string[] = [];
  const io: AdminIo = {
    db: app.db,
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    hashPassword: (password) => hasher.hash(password, "admin"),
    prompt: (question) => Promise.resolve(answers[question] ?? null),
    // As the real command does through Redis: the servers close these sessions' sockets.
    revoked: (ids) => {
      revoked.push(...ids);
      for (const id of ids) app.server.hub.publish(topics.sessions(), id);
      return Promise.resolve();
    },
  };
  await runAdminTask(io, argv);
  return { out, err, revoked };
}

async function failing(argv: string[]): Promise<Error> {
  try {
    await admin(argv);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected admin ${argv.join(" ")} to fail`);
}

async function login(loginName: string, password = PASSWORD) {
  return connect(app.server).trpc.auth.login.mutate({ login: loginName, password });
}

describe("admin create-user", () => {
  it("creates an account that can sign in, from flags or prompts", async () => {
    const name = uniqueName("adm");
    const { out } = await admin(["create-user", "--username", name, "--email", `${name}@Example.com`, "--password", PASSWORD]);
    expect(out).toEqual([expect.stringMatching(new RegExp(`^Created ${name} <${name}@example.com> \\(id .+\\)$`))]);
    expect((await login(name)).user.email).toBe(`${name}@example.com`);

    const asked = uniqueName("adm");
    await admin(["create-user", "--username", asked], { "Email: ": `${asked}@example.com`, "Password: ": PASSWORD });
    expect((await login(asked)).user.username).toBe(asked);
  });

  it("refuses bad or taken input and creates nothing", async () => {
    const name = uniqueName("adm");
    const short = await failing(["create-user", "--username", name, "--email", `${name}@example.com`, "--password", "short"]);
    expect(short).toBeInstanceOf(AdminUsageError);
    expect(short.message).toBe("password: Password must be at least 8 characters");
    const missing = await failing(["create-user", "--username", name, "--email", `${name}@example.com`]);
    expect(missing.message).toBe("--password is missing (and there is no terminal to ask on)");
    expect(await app.db.prisma.user.count({ where: { usernameKey: name.toLowerCase() } })).toBe(0);

    const taken = await signUp(app.server, "adm");
    const conflict = await failing([
      "create-user",
      "--username",
      taken.username.toUpperCase(),
      "--email",
      `${name}@example.com`,
      "--password",
      PASSWORD,
    ]);
    expect(conflict).toBeInstanceOf(AdminError);
    expect(conflict.message).toBe(`The username '${taken.username.toUpperCase()}' is taken`);
    expect((await failing(["create-user", "--nickname", "x"])).message).toMatch(/Unknown option '--nickname'/);
  });
});

describe("admin reset-password", () => {
  it("prints a new password that works once the old one no longer does, and signs the user out everywhere", async () => {
    const u = await signUp(app.server, "reset");
    await login(u.username);
    const ids = (await app.db.prisma.session.findMany({ where: { userId: u.id }, select: { id: true } })).map((s) => s.id);
    expect(ids).toHaveLength(2);

    const { out, err, revoked } = await admin(["reset-password", u.email]);
    expect(out).toHaveLength(1);
    const password = out[0] ?? "";
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(err.join("\n")).toContain(`New password for ${u.username} (2 sessions revoked)`);
    expect(revoked.sort()).toEqual(ids.sort());
    expect(await app.db.prisma.session.count({ where: { userId: u.id } })).toBe(0);
    await sleep(100);
    expect(await errorCode(u.client.trpc.auth.me.query())).toBe("UNAUTHORIZED");
    expect(await errorCode(login(u.username))).toBe("UNAUTHORIZED");
    expect((await login(u.username, password)).user.id).toBe(u.id);

    expect(await failing(["reset-password", uniqueName("nobody")])).toBeInstanceOf(AdminError);
    expect((await failing(["reset-password"])).message).toBe("expected 1 argument");
  });
});

describe("admin deactivate", () => {
  it("stops sign-in with the wrong-password answer, revokes sessions and closes sockets, keeps messages marked deactivated", async () => {
    const u = await signUp(app.server, "gone");
    const friend = await signUp(app.server, "friend");
    const room = await roomWith(friend, u);
    await u.client.trpc.message.send.mutate({ roomId: room.id, text: "my last words" });
    const ws = new WebSocket(`${app.server.url.replace(/^http/, "ws")}/trpc`, { headers: { authorization: `Bearer ${u.token}` } });
    const closed = new Promise<number>((resolve) => ws.once("close", resolve));
    await new Promise((resolve) => ws.once("open", resolve));
    ws.send(JSON.stringify({ id: 1, method: "query", params: { path: "auth.me" } }));
    await new Promise((resolve) => ws.once("message", resolve));

    const { out } = await admin(["deactivate", u.username]);
    expect(out).toEqual([`Deactivated ${u.username}: they cannot sign in; 1 session revoked; their messages stay.`]);
    expect(await Promise.race([closed, sleep(3_000).then(() => "still open")])).toBe(4001);

    const wrong = await rejection(login(u.username, "not the password"));
    const deactivated = await rejection(login(u.username));
    expect(deactivated.data?.code).toBe("UNAUTHORIZED");
    expect(deactivated.message).toBe(wrong.message);
    expect(await errorCode(connect(app.server, u.token).trpc.auth.me.query())).toBe("UNAUTHORIZED");

    const { messages } = await friend.client.trpc.message.list.query({ roomId: room.id });
    const last = messages.find((m) => m.text === "my last words");
    expect(last?.author).toMatchObject({ id: u.id, username: u.username, deactivated: true });
    expect((await friend.client.trpc.user.get.query({ username: u.username })).deactivated).toBe(true);
    expect((await friend.client.trpc.user.get.query({ username: friend.username })).deactivated).toBeUndefined();

    // Deactivating twice changes nothing more; an unknown user is an error.
    expect((await admin(["deactivate", u.id])).out[0]).toContain("0 sessions revoked");
    expect(await failing(["deactivate", uniqueName("nobody")])).toBeInstanceOf(AdminError);
  });
});

describe("admin export-room", () => {
  it("prints every live message oldest first with author and time, one JSON object per line", async () => {
    const a = await signUp(app.server, "exp");
    const b = await signUp(app.server, "exp");
    const room = await roomWith(a, b);
    const first = await a.client.trpc.message.send.mutate({ roomId: room.id, text: "first" });
    const gone = await b.client.trpc.message.send.mutate({ roomId: room.id, text: "deleted later" });
    const third = await b.client.trpc.message.send.mutate({ roomId: room.id, text: "typo" });
    await b.client.trpc.message.delete.mutate({ messageId: gone.id });
    await b.client.trpc.message.edit.mutate({ messageId: third.id, text: "fixed" });

    const byName = await admin(["export-room", `#${room.name.toUpperCase()}`]);
    const lines = byName.out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      {
        roomId: room.id,
        id: first.id,
        author: { id: a.id, username: a.username, createdAt: expect.any(String) },
        text: "first",
        createdAt: first.createdAt,
        editedAt: null,
      },
      {
        roomId: room.id,
        id: third.id,
        author: { id: b.id, username: b.username, createdAt: expect.any(String) },
        text: "fixed",
        createdAt: third.createdAt,
        editedAt: expect.any(String),
      },
    ]);
    expect(byName.err).toEqual([`Exported 2 messages of #${room.name}.`]);
    expect((await admin(["export-room", room.id])).out).toEqual(byName.out);
    expect(await failing(["export-room", uniqueName("nowhere")])).toBeInstanceOf(AdminError);
  });
});

describe("admin stats", () => {
  it("counts users, rooms, live messages and live sessions", async () => {
    const before = JSON.parse((await admin(["stats", "--json"])).out[0] ?? "") as Record<string, number>;
    const u = await signUp(app.server, "stat");
    const room = await roomWith(u);
    await u.client.trpc.message.send.mutate({ roomId: room.id, text: "counted" });
    const after = JSON.parse((await admin(["stats", "--json"])).out[0] ?? "") as Record<string, number>;
    const grew = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
    // PGlite: this file's own database, so exact; PostgreSQL is shared with other files running.
    const expectGrowth = (key: string, by: number) =>
      databaseKind === "pglite" ? expect(grew(key)).toBe(by) : expect(grew(key)).toBeGreaterThanOrEqual(by);
    expectGrowth("users", 1);
    expectGrowth("rooms", 1);
    expectGrowth("channels", 1);
    expectGrowth("messages", 1);
    expectGrowth("sessions", 1);
    if (databaseKind === "pglite") {
      expect(after.users).toBe(await app.db.prisma.user.count());
      expect(after.messages).toBe(await app.db.prisma.message.count({ where: { deletedAt: null } }));
    }
    const human = await admin(["stats"]);
    expect(human.out[0]).toMatch(/^users +\d+ \(\d+ deactivated\)$/);
    expect(human.out).toHaveLength(4);
  });
});

describe("pnpm admin (the command)", () => {
  const root = fileURLToPath(new URL("../../..", import.meta.url));

  function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const fullEnv: Record<string, string | undefined> = { ...process.env, ...env };
    if (!env.DATABASE_URL) delete fullEnv.DATABASE_URL;
    const child = spawn("pnpm", ["admin", ...args], { cwd: root, env: fullEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  }

  it("works on DATABASE_URL or DATA_DIR, keeps stdout for results, and exits 1 or 2 on failures", async () => {
    const dir = await tempDir();
    try {
      const env: Record<string, string> =
        databaseKind === "postgres" ? { DATABASE_URL: inject("databaseUrl") ?? "" } : { DATA_DIR: dir.dir };
      const name = uniqueName("cmd");
      const created = await run(["create-user", "--username", name, "--email", `${name}@example.com`, "--password", PASSWORD], env);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(new RegExp(`^Created ${name} <${name}@example.com> \\(id [^)]+\\)\\n$`));
      const stats = await run(["stats", "--json"], env);
      expect(stats.code).toBe(0);
      const counts = JSON.parse(stats.stdout) as { users: number };
      if (databaseKind === "pglite") expect(counts.users).toBe(1);
      else expect(counts.users).toBeGreaterThanOrEqual(1);

      const unknown = await run(["frobnicate"], env);
      expect(unknown).toMatchObject({ code: 2, stdout: "" });
      expect(unknown.stderr).toContain("admin: unknown task 'frobnicate'\n");
    } finally {
      await dir.remove();
    }
  }, 180_000);
});
