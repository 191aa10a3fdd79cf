import { expect, it } from "vitest";
import {
  createSession,
  deleteExpiredSessions,
  deleteSession,
  deleteUserSession,
  deleteUserSessions,
  existingSessionIds,
  extendSession,
  findSession,
  listSessions,
  touchSession,
} from "../src/sessions";
import { deactivateUser } from "../src/users";
import { describeEachDatabase, makeUser } from "./database";

describeEachDatabase("sessions", (db) => {
  const hour = 3_600_000;
  const later = (ms: number, from = new Date()) => new Date(from.getTime() + ms);

  it("finds a live session by its token hash, and not an expired one or a deactivated user's", async () => {
    const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
    const live = await createSession(db(), { userId: ann.id, tokenHash: "h-live", expiresAt: later(hour), userAgent: "test" });
    await createSession(db(), { userId: ann.id, tokenHash: "h-old", expiresAt: later(-1000) });
    await createSession(db(), { userId: bob.id, tokenHash: "h-bob", expiresAt: later(hour) });
    expect(await findSession(db(), "h-live")).toMatchObject({ id: live.id, user: { id: ann.id, email: "ann@example.com" } });
    expect(await findSession(db(), "h-old")).toBeNull();
    expect(await findSession(db(), "h-unknown")).toBeNull();
    await deactivateUser(db(), bob.id);
    expect(await findSession(db(), "h-bob")).toBeNull();
  });

  it("refuses a second session with the same token hash", async () => {
    const ann = await makeUser(db(), "ann");
    await createSession(db(), { userId: ann.id, tokenHash: "same", expiresAt: later(hour) });
    await expect(createSession(db(), { userId: ann.id, tokenHash: "same", expiresAt: later(hour) })).rejects.toThrow();
    expect(await db().prisma.session.count()).toBe(1);
  });

  it("extends a session and records its use at most once per interval", async () => {
    const ann = await makeUser(db(), "ann");
    const { id } = await createSession(db(), { userId: ann.id, tokenHash: "h", expiresAt: later(hour) });
    const created = (await findSession(db(), "h"))!.lastSeenAt;
    await extendSession(db(), id, later(2 * hour));
    expect((await findSession(db(), "h"))!.expiresAt.getTime()).toBeGreaterThan(later(hour).getTime());
    const soon = later(1000, created);
    expect(await touchSession(db(), id, soon, 60_000)).toBe(true);
    expect((await findSession(db(), "h"))!.lastSeenAt).toEqual(created);
    const afterAMinute = later(61_000, created);
    expect(await touchSession(db(), id, afterAMinute, 60_000)).toBe(true);
    expect((await findSession(db(), "h"))!.lastSeenAt).toEqual(afterAMinute);
    await deleteSession(db(), id);
    expect(await touchSession(db(), id, later(10 * 60_000, created))).toBe(false);
  });

  it("lists a user's live sessions newest first", async () => {
    const ann = await makeUser(db(), "ann");
    const first = await createSession(db(), { userId: ann.id, tokenHash: "a", expiresAt: later(hour), userAgent: "first" });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await createSession(db(), { userId: ann.id, tokenHash: "b", expiresAt: later(hour) });
    await createSession(db(), { userId: ann.id, tokenHash: "c", expiresAt: later(-1000) });
    const list = await listSessions(db(), ann.id);
    expect(list.map((s) => [s.id, s.userAgent])).toEqual([
      [second.id, null],
      [first.id, "first"],
    ]);
  });

  it("deletes one session, only the owner's, all but one, or the expired ones", async () => {
    const [ann, bob] = [await makeUser(db(), "ann"), await makeUser(db(), "bob")];
    const a1 = await createSession(db(), { userId: ann.id, tokenHash: "a1", expiresAt: later(hour) });
    const a2 = await createSession(db(), { userId: ann.id, tokenHash: "a2", expiresAt: later(hour) });
    const a3 = await createSession(db(), { userId: ann.id, tokenHash: "a3", expiresAt: later(hour) });
    const b1 = await createSession(db(), { userId: bob.id, tokenHash: "b1", expiresAt: later(-1000) });

    expect(await deleteUserSession(db(), bob.id, a1.id)).toBe(false);
    expect(await deleteUserSession(db(), ann.id, a1.id)).toBe(true);
    expect(await deleteSession(db(), a1.id)).toBe(false);
    expect((await deleteUserSessions(db(), ann.id, a2.id)).sort()).toEqual([a3.id]);
    expect(await existingSessionIds(db(), [a1.id, a2.id, a3.id, b1.id])).toEqual(new Set([a2.id, b1.id]));
    expect(await deleteExpiredSessions(db())).toBe(1);
    expect(await deleteUserSessions(db(), ann.id)).toEqual([a2.id]);
    expect(await existingSessionIds(db(), [a2.id, b1.id])).toEqual(new Set());
    expect(await existingSessionIds(db(), [])).toEqual(new Set());
  });
});
