import type { Role } from "@parley/contract";
import { rooms } from "@parley/db";
import { describe, expect, it } from "vitest";
import { Refused } from "../lib/refused";
import { allow, guarded, guards, rules } from "./access";

const ROOM = "00000000-0000-4000-8000-000000000001";

/** A room as a rule reads it: `roles` of those involved. */
function room(roles: Record<string, Role>, visibility: "public" | "private" = "public", kind: "channel" | "dm" = "channel") {
  return { kind, visibility, role: null, roleOf: (id: string) => roles[id] ?? null };
}

/** What `guarded` answers when the guard refuses under the lock. */
async function underLock(guard: rooms.Guard, state: ReturnType<typeof room>): Promise<unknown> {
  return guarded(ROOM, () => {
    if (guard(state) === "not-found") throw new rooms.GuardRefused("not-found");
    return Promise.resolve("written");
  }).catch((error: unknown) => error);
}

describe("permission rules", () => {
  it("give one answer before the write and under the room's lock", async () => {
    const cases = [
      {
        rule: rules.remove("a", "o"),
        guard: guards.remove("a", "o"),
        state: room({ a: "admin", o: "owner" }),
        message: "The owner cannot be removed",
      },
      {
        rule: rules.remove("a", "b"),
        guard: guards.remove("a", "b"),
        state: room({ a: "admin", b: "admin" }),
        message: "Only the owner can remove an admin",
      },
      {
        rule: rules.setRole("a", "b"),
        guard: guards.setRole("a", "b"),
        state: room({ a: "admin", b: "member" }),
        message: "Only the room's owner can change roles",
      },
      {
        rule: rules.update("m"),
        guard: guards.update("m"),
        state: room({ m: "member" }),
        message: "Only the room's owner or an admin can change it",
      },
      { rule: rules.add("x"), guard: guards.add("x"), state: room({}), message: "Join the room first" },
      {
        rule: rules.leave(),
        guard: guards.leave(),
        state: room({ a: "member" }, "private", "dm"),
        message: "A direct message cannot be left",
      },
    ];
    for (const { rule, guard, state, message } of cases) {
      expect(rule(state)).toMatchObject({ message });
      // Under the lock the refusal rolls the write back (a GuardRefused), carrying the same answer.
      expect(() => guard(state)).toThrow(rooms.GuardRefused);
      const answer = await underLock(guard, state);
      expect(answer).toBeInstanceOf(Refused);
      expect(answer).toMatchObject({ message, code: (rule(state) as Refused).code });
    }
  });

  it("answer a room the caller may not know as no room at all, and let the allowed through", async () => {
    const hidden = room({}, "private");
    expect(() => allow(ROOM, rules.add("x"), "x", { kind: "channel", visibility: "private", role: null })).toThrow(
      `No room with id '${ROOM}'`,
    );
    expect(await underLock(guards.setRole("x", "y"), hidden)).toMatchObject({ code: "NOT_FOUND", message: `No room with id '${ROOM}'` });
    expect(await underLock(guards.remove("o", "a"), room({ o: "owner", a: "admin" }))).toBe("written");
    expect(() =>
      allow(ROOM, rules.remove("o", "a"), "o", { kind: "channel", visibility: "public", role: "owner" }, { a: "admin" }),
    ).not.toThrow();
  });
});
