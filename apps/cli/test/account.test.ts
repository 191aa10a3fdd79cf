// `parley passwd`, `parley sessions` and `parley revoke` against a real server, spawned as a person
// or a script runs them.
import { describe, expect, it } from "vitest";
import { uniqueName } from "../../server/test/harness";
import { cliUser, PASSWORD, runCli, useCliServer, type CliUser } from "./run-cli";

const cli = useCliServer();

type SessionLine = { id: string; userAgent: string | null; current: boolean; createdAt: string; lastSeenAt: string };

/** One account signed in twice: `here` signed up, `there` (its own config directory) logged in. */
async function twoDevices(prefix: string): Promise<{ name: string; here: CliUser; there: CliUser }> {
  const name = uniqueName(prefix);
  const here = await cliUser(cli.dir, name, cli.server.url);
  const there = await cliUser(cli.dir, `${name}_2`, cli.server.url);
  expect((await runCli(cli.bin, here, ["signup", name, `${name}@example.com`], `${PASSWORD}\n`)).code).toBe(0);
  expect((await runCli(cli.bin, there, ["login", name], `${PASSWORD}\n`)).code).toBe(0);
  return { name, here, there };
}

async function sessionsOf(user: CliUser): Promise<SessionLine[]> {
  const result = await runCli(cli.bin, user, ["sessions", "--json"]);
  expect(result).toMatchObject({ code: 0, stderr: "" });
  return JSON.parse(result.stdout) as SessionLine[];
}

describe("parley sessions and revoke", () => {
  it("lists the sessions newest first with this one marked, and revokes another one", async () => {
    const { here, there } = await twoDevices("ses");
    const list = await sessionsOf(here);
    expect(list.map((s) => s.current)).toEqual([false, true]);
    expect(list.every((s) => s.userAgent?.startsWith("parley-cli (Node "))).toBe(true);
    const human = await runCli(cli.bin, here, ["sessions"]);
    expect(human.stdout.trimEnd().split("\n")).toHaveLength(2);
    expect(human.stdout).toMatch(/parley-cli .*\(this session\)\n$/);

    const other = list[0]?.id ?? "";
    expect(await runCli(cli.bin, here, ["revoke", other])).toMatchObject({ code: 0, stdout: `Revoked session ${other}.\n` });
    const whoami = await runCli(cli.bin, there, ["whoami"]);
    expect(whoami).toMatchObject({ code: 1, stderr: "parley: Your session has expired or was revoked: run `parley login`\n" });
    expect((await sessionsOf(here)).map((s) => s.id)).not.toContain(other);
  });

  it("says NOT_FOUND in one line for an id that is not one of yours, and needs the id", async () => {
    const { here, there } = await twoDevices("ses");
    const theirs = (await sessionsOf(there)).find((s) => s.current)?.id ?? "";
    const stranger = await cliUser(cli.dir, uniqueName("str"), cli.server.url);
    expect((await runCli(cli.bin, stranger, ["signup", stranger.name, `${stranger.name}@example.com`], `${PASSWORD}\n`)).code).toBe(0);
    const result = await runCli(cli.bin, stranger, ["revoke", theirs, "--json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toEqual({ error: `No session with id '${theirs}'`, code: "NOT_FOUND" });
    expect((await runCli(cli.bin, here, ["whoami"])).code).toBe(0);
    expect((await runCli(cli.bin, there, ["whoami"])).code).toBe(0);
    expect(await runCli(cli.bin, here, ["revoke"])).toMatchObject({
      code: 2,
      stderr: "parley: missing <session id> (see parley --help)\n",
    });
  });
});

describe("parley passwd", () => {
  it("refuses a wrong current password in one line, then changes it and signs the other sessions out", async () => {
    const { name, here, there } = await twoDevices("pw");
    expect(await runCli(cli.bin, here, ["passwd"], "not my password\nbrand new secret\n")).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "parley: The current password is wrong\n",
    });
    expect((await runCli(cli.bin, there, ["whoami"])).code).toBe(0);
    expect(await runCli(cli.bin, here, ["passwd"], `${PASSWORD}\nshort\n`)).toMatchObject({
      code: 1,
      stderr: "parley: newPassword: Password must be at least 8 characters\n",
    });

    expect(await runCli(cli.bin, here, ["passwd"], `${PASSWORD}\nbrand new secret\n`)).toMatchObject({
      code: 0,
      stdout: "Password changed. Your other sessions were signed out.\n",
    });
    expect((await runCli(cli.bin, here, ["whoami"])).code).toBe(0);
    expect((await runCli(cli.bin, there, ["whoami"])).code).toBe(1);
    expect((await runCli(cli.bin, there, ["login", name], `${PASSWORD}\n`)).code).toBe(1);
    const fromEnv = { ...there, env: { ...there.env, PARLEY_PASSWORD: "brand new secret" } };
    expect((await runCli(cli.bin, fromEnv, ["login", name])).code).toBe(0);
  });
});
