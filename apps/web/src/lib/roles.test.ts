import { describe, expect, it } from "vitest";
import type { Member, Role, Room } from "@parley/client";
import { canAddPeople, canEditChannel, canRemove, roleChange } from "./roles";

const user = (id: string) => ({ id, username: id, createdAt: "2026-01-01T00:00:00.000Z" });
const member = (id: string, role: Role): Member => ({ user: user(id), joinedAt: "2026-01-01T00:00:00.000Z", online: false, role });

function room(extra: Partial<Room>): Room {
  return {
    id: "r",
    name: "r",
    createdAt: "2026-01-01T00:00:00.000Z",
    createdBy: user("o"),
    memberCount: 3,
    joined: true,
    kind: "channel",
    visibility: "private",
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

describe("roles", () => {
  it("lets the owner remove anyone but themselves, and an admin members only", () => {
    expect(canRemove("owner", member("a", "admin"), "o")).toBe(true);
    expect(canRemove("owner", member("m", "member"), "o")).toBe(true);
    expect(canRemove("owner", member("o", "owner"), "o")).toBe(false);
    expect(canRemove("admin", member("m", "member"), "a")).toBe(true);
    expect(canRemove("admin", member("b", "admin"), "a")).toBe(false);
    expect(canRemove("admin", member("o", "owner"), "a")).toBe(false);
    expect(canRemove("admin", member("a", "admin"), "a")).toBe(false);
    expect(canRemove("member", member("m", "member"), "x")).toBe(false);
    expect(canRemove(null, member("m", "member"), "x")).toBe(false);
  });

  it("lets only the owner change roles, between member and admin", () => {
    expect(roleChange("owner", member("m", "member"))).toBe("admin");
    expect(roleChange("owner", member("a", "admin"))).toBe("member");
    expect(roleChange("owner", member("o", "owner"))).toBeNull();
    expect(roleChange("admin", member("m", "member"))).toBeNull();
  });

  it("lets any member add people to a public channel, only managers to a private one, nobody to a dm", () => {
    expect(canAddPeople(room({ visibility: "public", role: "member" }))).toBe(true);
    expect(canAddPeople(room({ visibility: "public", joined: false, role: null }))).toBe(false);
    expect(canAddPeople(room({ role: "member" }))).toBe(false);
    expect(canAddPeople(room({ role: "admin" }))).toBe(true);
    expect(canAddPeople(room({ kind: "dm", role: "member" }))).toBe(false);
  });

  it("lets the owner and admins change a channel, never a dm", () => {
    expect(canEditChannel(room({ role: "owner" }))).toBe(true);
    expect(canEditChannel(room({ role: "admin" }))).toBe(true);
    expect(canEditChannel(room({ role: "member" }))).toBe(false);
    expect(canEditChannel(room({ kind: "dm", role: "member" }))).toBe(false);
  });
});
