// The `parley` command against a real server: spawned as a child process, the way a person or a
// script runs it, with its own config directory per user.
import { readFile, stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { connect, errorCode, uniqueName } from "../../server/test/harness";
import { cliUser, PASSWORD, runCli, useCliServer, type CliUser } from "./run-cli";

const cli = useCliServer();

/** A new account, signed up through the CLI. */
async function signedUpUser(prefix: string): Promise<CliUser> {
  const user = await cliUser(cli.dir, uniqueName(prefix), cli.server.url);
  const result = await runCli(cli.bin, user, ["signup", user.name, `${user.name}@example.com`], `${PASSWORD}\n`);
  expect(result).toMatchObject({ code: 0, stderr: "" });
  return user;
}

/** The one line a failure prints, and its exit code. */
async function failure(user: CliUser, args: string[], stdin?: string) {
  const result = await runCli(cli.bin, user, args, stdin);
  expect(result.stdout).toBe("");
  expect(result.stderr.endsWith("\n") && result.stderr.split("\n").length === 2, `one line, got ${JSON.stringify(result.stderr)}`).toBe(
    true,
  );
  return { code: result.code, line: result.stderr.trimEnd() };
}

describe("parley signup, login, logout", () => {
  it("keeps the session token in a file only its owner can read", async () => {
    const alice = await signedUpUser("alice");
    const file = `${alice.configDir}/session.json`;
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(alice.configDir)).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(await readFile(file, "utf8")) as { sessions: Record<string, { token: string; username: string }> };
    const session = Object.values(stored.sessions)[0];
    expect(session?.username).toBe(alice.name);

    // The stored token is a real session on the server.
    const client = connect(cli.server, session?.token);
    expect((await client.trpc.auth.me.query()).username).toBe(alice.name);

    const whoami = await runCli(cli.bin, alice, ["whoami", "--json"]);
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ username: alice.name, email: `${alice.name}@example.com` });
  });

  it("logs in with a username or an email, and says so in one line when the password is wrong", async () => {
    const bob = await signedUpUser("bob");
    expect(await failure(bob, ["login", bob.name], "not the password\n")).toEqual({
      code: 1,
      line: "parley: Wrong username, email or password",
    });
    const byEmail = await runCli(cli.bin, bob, ["login", `${bob.name}@example.com`, "--json"], `${PASSWORD}\n`);
    expect(byEmail.code).toBe(0);
    expect(JSON.parse(byEmail.stdout)).toMatchObject({ user: { username: bob.name } });
    // For scripts, the password may also come from the environment.
    const fromEnv = await runCli(cli.bin, { ...bob, env: { ...bob.env, PARLEY_PASSWORD: PASSWORD } }, ["login", bob.name]);
    expect(fromEnv).toMatchObject({ code: 0, stdout: `Signed in as ${bob.name}.\n` });
  });

  it("logout revokes the session on the server and forgets it", async () => {
    const carol = await signedUpUser("carol");
    const file = `${carol.configDir}/session.json`;
    const token = Object.values((JSON.parse(await readFile(file, "utf8")) as { sessions: Record<string, { token: string }> }).sessions)[0]
      ?.token;

    expect(await runCli(cli.bin, carol, ["logout"])).toMatchObject({ code: 0, stdout: `Signed out ${carol.name}.\n` });
    await expect(stat(file)).rejects.toMatchObject({ code: "ENOENT" });
    expect(await errorCode(connect(cli.server, token).trpc.auth.me.query())).toBe("UNAUTHORIZED");
    expect(await failure(carol, ["rooms"])).toEqual({
      code: 1,
      line: `parley: Not signed in to ${cli.server.url}: run \`parley login\` or \`parley signup\``,
    });
    // Signing out twice is fine.
    expect(await runCli(cli.bin, carol, ["logout"])).toMatchObject({ code: 0, stdout: "Not signed in.\n" });
  });

  it("says so when the stored session was revoked elsewhere", async () => {
    const dan = await signedUpUser("dan");
    const stored = JSON.parse(await readFile(`${dan.configDir}/session.json`, "utf8")) as { sessions: Record<string, { token: string }> };
    await connect(cli.server, Object.values(stored.sessions)[0]?.token).trpc.auth.logout.mutate();
    expect(await failure(dan, ["rooms"])).toEqual({ code: 1, line: "parley: Your session has expired or was revoked: run `parley login`" });
  });

  it("rejects an invalid signup with the field's message", async () => {
    const user = await cliUser(cli.dir, uniqueName("x"), cli.server.url);
    expect(await failure(user, ["signup", "a!", "a@example.com"], `${PASSWORD}\n`)).toEqual({
      code: 1,
      line: "parley: username: Username must be 3–32 letters, digits or underscores",
    });
  });
});

describe("parley rooms, create, join, send, history", () => {
  it("creates, lists and joins rooms, sends from arguments and from stdin, and reads history", async () => {
    const alice = await signedUpUser("alice");
    const bob = await signedUpUser("bob");
    const roomName = uniqueName("Lobby");

    const created = await runCli(cli.bin, alice, ["create", roomName, "--json"]);
    expect(created.code).toBe(0);
    const room = JSON.parse(created.stdout) as { id: string; name: string; joined: boolean };
    expect(room).toMatchObject({ name: roomName, joined: true, memberCount: 1 });

    const listed = await runCli(cli.bin, bob, ["rooms", "--json"]);
    expect((JSON.parse(listed.stdout) as { id: string; joined: boolean }[]).find((r) => r.id === room.id)).toMatchObject({ joined: false });
    expect((await runCli(cli.bin, bob, ["rooms"])).stdout).toContain(`#${roomName}  1 member\n`);

    // Not a member yet: a hint, not a raw FORBIDDEN.
    expect(await failure(bob, ["send", roomName, "hi"])).toEqual({
      code: 1,
      line: `parley: You are not a member of #${roomName}: run \`parley join ${roomName}\``,
    });
    // Rooms are found by name ignoring case, with or without '#', or by id.
    expect(await runCli(cli.bin, bob, ["join", `#${roomName.toUpperCase()}`])).toMatchObject({
      code: 0,
      stdout: `Joined #${roomName} (2 members).\n`,
    });

    expect(await runCli(cli.bin, bob, ["send", room.id, "hello", "from", "bob"])).toMatchObject({ code: 0, stdout: "", stderr: "" });
    const piped = await runCli(cli.bin, alice, ["send", roomName, "-", "--json"], "line one\nline two\n");
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ text: "line one\nline two", author: { username: alice.name } });
    expect(await runCli(cli.bin, alice, ["send", roomName, "--", "-1 is a number"])).toMatchObject({ code: 0 });

    const history = await runCli(cli.bin, bob, ["history", roomName, "--limit", "2", "--json"]);
    expect(history.code).toBe(0);
    expect((JSON.parse(history.stdout) as { text: string }[]).map((m) => m.text)).toEqual(["line one\nline two", "-1 is a number"]);
    const lines = (await runCli(cli.bin, bob, ["history", roomName])).stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4); // the second message spans two lines
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  ${bob.name}: hello from bob$`));
    expect(lines[3]).toMatch(new RegExp(`  ${alice.name}: -1 is a number$`));
  });
});

describe("parley create --private, add, remove, dm", () => {
  it("makes a private channel, adds and removes people, and sends direct messages", async () => {
    const alice = await signedUpUser("alice");
    const bob = await signedUpUser("bob");
    const name = uniqueName("hush");
    const created = await runCli(cli.bin, alice, ["create", name, "--private"]);
    expect(created).toMatchObject({ code: 0, stdout: `Created the private channel #${name}.\n` });
    // Invisible to bob until he is added.
    expect((await runCli(cli.bin, bob, ["rooms"])).stdout).not.toContain(name);
    expect(await failure(bob, ["join", name])).toEqual({ code: 1, line: `parley: No room named '${name}' (see \`parley rooms\`)` });

    expect(await runCli(cli.bin, alice, ["add", name, bob.name])).toMatchObject({ code: 0, stdout: `${bob.name} is in #${name}.\n` });
    expect((await runCli(cli.bin, bob, ["rooms"])).stdout).toContain(`#${name}  2 members  (private)  (joined)\n`);
    expect((await runCli(cli.bin, bob, ["send", name, "thanks"])).code).toBe(0);
    // A plain member may not remove anyone.
    const refused = await failure(bob, ["remove", name, alice.name]);
    expect(refused.code).toBe(1);
    expect(refused.line).toMatch(/^parley: /);
    expect(await runCli(cli.bin, alice, ["remove", name, bob.name])).toMatchObject({
      code: 0,
      stdout: `${bob.name} is no longer in #${name}.\n`,
    });
    expect((await runCli(cli.bin, bob, ["rooms"])).stdout).not.toContain(name);

    const sent = await runCli(cli.bin, alice, ["dm", bob.name, "psst,", "over", "here", "--json"]);
    expect(sent.code).toBe(0);
    const message = JSON.parse(sent.stdout) as { roomId: string; text: string };
    expect(message.text).toBe("psst, over here");
    expect((await runCli(cli.bin, bob, ["rooms"])).stdout).toContain(`@${alice.name}  direct message\n`);
    const history = await runCli(cli.bin, bob, ["history", `@${alice.name}`]);
    expect(history.stdout).toContain(`${alice.name}: psst, over here`);
    expect(await failure(alice, ["dm", alice.name, "me?"])).toMatchObject({ code: 1 });
  });
});

describe("parley unread, search, send --reply", () => {
  it("lists unread rooms with mentions, finds messages and answers one", async () => {
    const alice = await signedUpUser("alice");
    const bob = await signedUpUser("bob");
    const name = uniqueName("read");
    expect((await runCli(cli.bin, alice, ["create", name])).code).toBe(0);
    expect((await runCli(cli.bin, bob, ["join", name])).code).toBe(0);
    expect(await runCli(cli.bin, bob, ["unread"])).toMatchObject({ code: 0, stdout: "Nothing unread.\n" });

    const word = `kiwi${uniqueName("w").replace(/[^a-z0-9]/gi, "")}`;
    const sent = JSON.parse((await runCli(cli.bin, alice, ["send", name, `the ${word} plan`, "--json"])).stdout) as { id: string };
    expect((await runCli(cli.bin, alice, ["send", name, `@${bob.name} can you look?`])).code).toBe(0);
    expect(await runCli(cli.bin, bob, ["unread"])).toMatchObject({ code: 0, stdout: `#${name}  2 unread (1 mention)\n` });
    const unread = JSON.parse((await runCli(cli.bin, bob, ["unread", "--json"])).stdout) as { name: string; unreadCount: number }[];
    expect(unread).toEqual([expect.objectContaining({ name, unreadCount: 2, mentionCount: 1 })]);

    const found = await runCli(cli.bin, bob, ["search", word.toUpperCase(), "PLAN"]);
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(new RegExp(`^${name}  .*  ${alice.name}: the ${word} plan  \\(id ${sent.id}\\)\n$`));
    expect((await runCli(cli.bin, bob, ["search", word, "--room", name, "--json"])).stdout).toContain(sent.id);
    expect(await runCli(cli.bin, bob, ["search", "nothing", "matches", word])).toMatchObject({
      code: 0,
      stdout: `Nothing found for 'nothing matches ${word}'.\n`,
    });

    const reply = JSON.parse((await runCli(cli.bin, bob, ["send", name, "on it", "--reply", sent.id, "--json"])).stdout) as {
      replyTo: { id: string } | null;
    };
    expect(reply.replyTo?.id).toBe(sent.id);
    // Sending read everything before it.
    expect((await runCli(cli.bin, bob, ["unread"])).stdout).toBe("Nothing unread.\n");
    expect((await runCli(cli.bin, alice, ["history", name])).stdout).toContain(
      `${bob.name}: on it  (reply to ${alice.name}: "the ${word} plan")`,
    );
    expect(await failure(bob, ["send", name, "no", "--reply", "not-a-message"])).toMatchObject({ code: 1 });
    expect(await failure(bob, ["search"])).toMatchObject({ code: 2 });
  });
});

describe("parley errors", () => {
  it("prints one line and exits 1 for failures, 2 for bad usage", async () => {
    const dave = await signedUpUser("dave");
    expect(await failure(dave, ["history", "no-such-room"])).toEqual({
      code: 1,
      line: "parley: No room named 'no-such-room' (see `parley rooms`)",
    });
    expect(await failure(dave, ["create", "   "])).toEqual({ code: 1, line: "parley: name: Room name cannot be empty" });
    expect(await failure(dave, ["frobnicate"])).toEqual({ code: 2, line: "parley: unknown command 'frobnicate' (see parley --help)" });
    expect(await failure(dave, ["send", "lobby"])).toEqual({
      code: 2,
      line: "parley: missing <text> (use - to read it from stdin) (see parley --help)",
    });
    expect(await failure(dave, ["history", "lobby", "--limit", "500"])).toEqual({
      code: 2,
      line: "parley: --limit must be a whole number from 1 to 100, not '500' (see parley --help)",
    });
    expect(await failure(dave, ["rooms", "--colour"])).toEqual({ code: 2, line: "parley: unknown option '--colour' (see parley --help)" });
  });

  it("says when the server cannot be reached", async () => {
    const user = await cliUser(cli.dir, uniqueName("eve"), "http://127.0.0.1:9");
    const result = await failure({ ...user, env: { ...user.env, PARLEY_CONNECT_TIMEOUT: "1" } }, ["login", "eve"], `${PASSWORD}\n`);
    expect(result).toEqual({
      code: 1,
      line: "parley: Cannot reach a Parley server at http://127.0.0.1:9 (is it running? use --url or PARLEY_URL)",
    });
  });

  it("reports errors as JSON on stderr with --json", async () => {
    const dave = await signedUpUser("dave");
    const result = await failure(dave, ["join", "nowhere", "--json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.line)).toEqual({ error: "No room named 'nowhere' (see `parley rooms`)", code: "NOT_FOUND" });
  });
});
