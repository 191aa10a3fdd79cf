// `parley tail` against a real server: live events, and resuming across a server restart without
// losing or repeating an event, including one sent while the CLI was disconnected.
import { describe, expect, it } from "vitest";
import { createParleyClient } from "@parley/client";
import type { ParleyServer } from "@parley/server";
import { signUp, startTestServer, uniqueName, type TestUser } from "../../server/test/harness";
import { cliUser, PASSWORD, runCli, useCliServer, startCli, type CliUser } from "./run-cli";

const cli = useCliServer();

/** A CLI user who owns a fresh room, and a second member who talks in it through the client. */
async function roomWithTwoMembers(): Promise<{ alice: CliUser; bob: TestUser; roomId: string; roomName: string }> {
  const alice = await cliUser(cli.dir, uniqueName("alice"), cli.server.url);
  expect((await runCli(cli.bin, alice, ["signup", alice.name, `${alice.name}@example.com`], `${PASSWORD}\n`)).code).toBe(0);
  const roomName = uniqueName("Watch");
  const created = await runCli(cli.bin, alice, ["create", roomName, "--json"]);
  const roomId = (JSON.parse(created.stdout) as { id: string }).id;
  const bob = await signUp(cli.server, "bob");
  return { alice, bob, roomId, roomName };
}

describe("parley tail", () => {
  it("prints the room's events as they happen, until Ctrl-C", async () => {
    const { alice, bob, roomId, roomName } = await roomWithTwoMembers();
    const tail = startCli(cli.bin, ["tail", roomName], { env: alice.env });
    await tail.waitFor(({ stderr }) => stderr.includes(`Watching #${roomName} (Ctrl-C to stop)`));

    await bob.client.trpc.room.join.mutate({ roomId });
    const sent = await bob.client.trpc.message.send.mutate({ roomId, text: "hi alice" });
    await bob.client.trpc.message.edit.mutate({ messageId: sent.id, text: "hi, alice" });
    await bob.client.trpc.message.delete.mutate({ messageId: sent.id });
    await tail.waitFor(({ stdout }) => stdout.split("\n").length >= 5);

    tail.child.kill("SIGINT");
    const result = await tail.exited;
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`* ${bob.username} joined`);
    expect(lines[1]).toMatch(new RegExp(`  ${bob.username}: hi alice$`));
    expect(lines[2]).toMatch(new RegExp(`  ${bob.username} edited: hi, alice$`));
    expect(lines[3]).toBe("* a message was deleted");
    expect(lines).toHaveLength(4);
  });

  it("resumes across a server restart: nothing lost, nothing twice", async () => {
    const { alice, bob, roomId, roomName } = await roomWithTwoMembers();
    await bob.client.trpc.room.join.mutate({ roomId });
    await bob.client.close();
    const bobOn = (target: ParleyServer) => createParleyClient({ url: target.url, token: bob.token });

    const tail = startCli(cli.bin, ["tail", roomName], { env: alice.env });
    await tail.waitFor(({ stderr }) => stderr.includes("Watching"));
    let bobClient = bobOn(cli.server);
    await bobClient.trpc.message.send.mutate({ roomId, text: "before" });
    await tail.waitFor(({ stdout }) => stdout.includes("before"));
    await bobClient.close();

    // Stop the server the CLI is connected to. While it is down, another server on the same
    // database takes a message; then the first comes back on the same port.
    const port = cli.server.port;
    await cli.server.close();
    await tail.waitFor(({ stderr }) => stderr.includes("Connection lost; reconnecting…"));
    const other = await startTestServer(cli.db, { RATE_LIMITS: "off" });
    bobClient = bobOn(other);
    await bobClient.trpc.message.send.mutate({ roomId, text: "while you were away" });
    await bobClient.close();
    await other.close();
    cli.server = await startTestServer(cli.db, { RATE_LIMITS: "off", PORT: String(port) });

    await tail.waitFor(({ stderr }) => stderr.includes("Reconnected; resuming where it stopped."), 20_000);
    bobClient = bobOn(cli.server);
    await bobClient.trpc.message.send.mutate({ roomId, text: "after" });
    await tail.waitFor(({ stdout }) => stdout.includes("after"));
    await bobClient.close();

    tail.child.kill("SIGINT");
    const result = await tail.exited;
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trimEnd()
        .split("\n")
        .map((line) => line.replace(/^.*? {2}/, "")),
    ).toEqual([`${bob.username}: before`, `${bob.username}: while you were away`, `${bob.username}: after`]);
  });

  it("prints one JSON object per event with --json, ids in order", async () => {
    const { alice, bob, roomId, roomName } = await roomWithTwoMembers();
    await bob.client.trpc.room.join.mutate({ roomId });
    const tail = startCli(cli.bin, ["tail", roomName, "--json"], { env: alice.env });
    // --json keeps stderr for errors, so there is no "Watching" note: send until one arrives.
    for (let i = 0; !tail.output().stdout.includes('"probe"'); i++) {
      if (i === 100) throw new Error("tail --json never started");
      await bob.client.trpc.message.send.mutate({ roomId, text: "probe" });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const before = tail.output().stdout.trimEnd().split("\n").length;
    for (const text of ["one", "two", "three"]) await bob.client.trpc.message.send.mutate({ roomId, text });
    await tail.waitFor(({ stdout }) => stdout.includes('"three"'));
    tail.child.kill("SIGINT");
    const result = await tail.exited;
    expect(result).toMatchObject({ code: 0, stderr: "" });

    const events = result.stdout
      .trimEnd()
      .split("\n")
      .slice(before)
      .map((line) => JSON.parse(line) as { eventId: string; type: string; message: { text: string; author: { username: string } } });
    expect(events.map((e) => [e.type, e.message.text, e.message.author.username])).toEqual([
      ["message.created", "one", bob.username],
      ["message.created", "two", bob.username],
      ["message.created", "three", bob.username],
    ]);
    const ids = events.map((e) => Number(e.eventId));
    expect(ids[1]).toBe((ids[0] ?? 0) + 1);
    expect(ids[2]).toBe((ids[0] ?? 0) + 2);
  });
});
