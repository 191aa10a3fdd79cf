import { describe, expect, it } from "vitest";
import type { Room } from "@parley/client";
import { bumpDm, notJoined, splitRooms, upsertRoom, withoutMembership } from "./room-list";

const maya = { id: "u1", username: "maya", createdAt: "2026-01-01T00:00:00.000Z" };

function room(id: string, name: string, extra: Partial<Room> = {}): Room {
  return {
    id,
    name,
    createdAt: "2026-01-01T00:00:00.000Z",
    createdBy: maya,
    memberCount: 2,
    joined: true,
    kind: "channel",
    visibility: "public",
    topic: "",
    role: "member",
    peer: null,
    unreadCount: 0,
    mentionCount: 0,
    lastReadEventId: null,
    lastMessageAt: null,
    ...extra,
  };
}

const dm = (id: string, name: string) => room(id, name, { kind: "dm", visibility: "private", role: "member" });
const names = (rooms: Room[]) => rooms.map((r) => r.name);

describe("room list cache", () => {
  const list = [room("c1", "alpha"), room("c2", "Delta"), dm("d1", "leo"), dm("d2", "ann")];

  it("puts a new channel in its place by name, ignoring case, before the dms", () => {
    expect(names(upsertRoom(list, room("c3", "beta")))).toEqual(["alpha", "beta", "Delta", "leo", "ann"]);
    expect(names(upsertRoom(list, room("c4", "zulu")))).toEqual(["alpha", "Delta", "zulu", "leo", "ann"]);
  });

  it("moves a renamed channel and keeps one copy", () => {
    const renamed = upsertRoom(list, room("c1", "omega", { topic: "new" }));
    expect(names(renamed)).toEqual(["Delta", "omega", "leo", "ann"]);
    expect(renamed.find((r) => r.id === "c1")?.topic).toBe("new");
  });

  it("puts a newly opened dm first among the dms, and keeps a known one where it is", () => {
    expect(names(upsertRoom(list, dm("d3", "zoe")))).toEqual(["alpha", "Delta", "zoe", "leo", "ann"]);
    expect(names(upsertRoom(list, { ...dm("d2", "ann"), memberCount: 2 }))).toEqual(["alpha", "Delta", "leo", "ann"]);
  });

  it("moves a dm with a new message to the top of the dms", () => {
    expect(names(bumpDm(list, "d2"))).toEqual(["alpha", "Delta", "ann", "leo"]);
    expect(names(bumpDm(list, "c2"))).toEqual(names(list));
  });

  it("drops a private room or dm the caller lost, and keeps a public channel as not joined", () => {
    const secret = room("c5", "secret", { visibility: "private", role: "admin" });
    expect(names(withoutMembership([...list, secret], "c5"))).toEqual(names(list));
    const kept = withoutMembership(list, "c1");
    expect(kept[0]).toMatchObject({ id: "c1", joined: false, role: null, memberCount: 1 });
    expect(names(withoutMembership(list, "d1"))).toEqual(["alpha", "Delta", "ann"]);
  });

  it("counts a member out only once", () => {
    const left = notJoined(room("c1", "alpha"));
    expect(notJoined(left)).toMatchObject({ memberCount: 1, joined: false });
  });

  it("splits channels from dms, in the server's order", () => {
    expect(splitRooms(list)).toEqual({ channels: list.slice(0, 2), dms: list.slice(2) });
  });
});
