import type { Activity } from "@parley/contract";
import { describe, expect, it } from "vitest";
import { Collector, connect, roomWith, signUp, sleep, started, type TestUser, useTestServer } from "./harness";

const app = useTestServer();

async function watch(client: TestUser["client"], roomId: string) {
  const items = new Collector<Activity>();
  const { onStarted, ready } = started();
  const sub = client.trpc.room.activity.subscribe({ roomId }, { onStarted, onData: items.push });
  await ready;
  await items.waitFor(1);
  return { items, sub };
}

const names = (users: { username: string }[]) => users.map((u) => u.username).sort();

describe("room.activity presence", () => {
  it("starts with a snapshot, announces newcomers, and announces leavers when their last tab closes", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await roomWith(alice, bob);

    const a = await watch(alice.client, room.id);
    expect(a.items.items[0]).toEqual({ type: "presence.snapshot", roomId: room.id, online: [expect.objectContaining({ id: alice.id })] });

    const bobTab1 = await watch(bob.client, room.id);
    const snapshot = bobTab1.items.items[0];
    expect(snapshot?.type).toBe("presence.snapshot");
    expect(snapshot?.type === "presence.snapshot" && names(snapshot.online)).toEqual(names([alice, bob]));
    await a.items.waitFor(2);
    expect(a.items.items[1]).toEqual({
      type: "presence.online",
      roomId: room.id,
      user: { id: bob.id, username: bob.username, createdAt: expect.any(String) },
    });
    const members = await alice.client.trpc.room.members.query({ roomId: room.id });
    expect(members.every((m) => m.online)).toBe(true);

    // A second tab: no new announcement; closing the first tab does not make bob go offline.
    const bobSecondClient = connect(app.server, bob.token);
    const bobTab2 = await watch(bobSecondClient, room.id);
    expect(bobTab2.items.items[0]?.type).toBe("presence.snapshot");
    bobTab1.sub.unsubscribe();
    await sleep(300);
    expect(a.items.items.map((i) => i.type)).toEqual(["presence.snapshot", "presence.online"]);
    expect((await alice.client.trpc.room.members.query({ roomId: room.id })).find((m) => m.user.id === bob.id)?.online).toBe(true);

    // Closing the last tab's socket (not a polite unsubscribe) takes bob offline.
    await bobSecondClient.close();
    await a.items.waitFor(3);
    expect(a.items.items[2]).toMatchObject({ type: "presence.offline", user: { id: bob.id } });
    expect((await alice.client.trpc.room.members.query({ roomId: room.id })).find((m) => m.user.id === bob.id)?.online).toBe(false);
    a.sub.unsubscribe();
  });

  it("sends typing to everyone in the room but the typist, in all of the typist's tabs", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await roomWith(alice, bob);
    const a = await watch(alice.client, room.id);
    const b1 = await watch(bob.client, room.id);
    const b2 = await watch(connect(app.server, bob.token), room.id);
    await a.items.waitFor(2); // bob online
    expect(await bob.client.trpc.room.typing.mutate({ roomId: room.id })).toEqual({ ok: true });
    await a.items.waitFor(3);
    expect(a.items.items.at(-1)).toEqual({
      type: "typing",
      roomId: room.id,
      user: { id: bob.id, username: bob.username, createdAt: expect.any(String) },
    });
    await sleep(200);
    expect(b1.items.items.some((i) => i.type === "typing")).toBe(false);
    expect(b2.items.items.some((i) => i.type === "typing")).toBe(false);
    await alice.client.trpc.room.typing.mutate({ roomId: room.id });
    await b1.items.waitFor(2);
    await b2.items.waitFor(2);
    expect(b1.items.items.at(-1)).toMatchObject({ type: "typing", user: { id: alice.id } });
  });

  it("leaves nobody online when a subscription is stopped, or its socket closed, before it started", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await roomWith(alice, bob);
    const a = await watch(alice.client, room.id);
    // Stop at once (React StrictMode mounts, unmounts and mounts again): never even announced.
    for (let i = 0; i < 5; i++) bob.client.trpc.room.activity.subscribe({ roomId: room.id }, {}).unsubscribe();
    await sleep(300);
    expect(a.items.items.map((i) => i.type)).toEqual(["presence.snapshot"]);
    // Subscribe and drop the socket at once.
    const fleeting = connect(app.server, bob.token);
    fleeting.trpc.room.activity.subscribe({ roomId: room.id }, {});
    await sleep(20);
    await fleeting.close();
    await sleep(800);
    const members = await alice.client.trpc.room.members.query({ roomId: room.id });
    expect(members.find((m) => m.user.id === bob.id)?.online).toBe(false);
  });

  it("takes a user offline when they leave the room", async () => {
    const alice = await signUp(app.server);
    const bob = await signUp(app.server);
    const room = await roomWith(alice, bob);
    const a = await watch(alice.client, room.id);
    const b = await watch(bob.client, room.id);
    await a.items.waitFor(2);
    await bob.client.trpc.room.leave.mutate({ roomId: room.id });
    await a.items.waitFor(3);
    expect(a.items.items[2]).toMatchObject({ type: "presence.offline", user: { id: bob.id } });
    b.sub.unsubscribe();
  });
});
