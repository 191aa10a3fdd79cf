import { describe, expect, it } from "vitest";
import { emptyActivity, expireTyping, reduceActivity, TYPING_SHOWN_MS, typists } from "./activity";

const alice = { id: "u1", username: "alice", createdAt: "2026-01-01T00:00:00.000Z" };
const bob = { id: "u2", username: "Bob", createdAt: "2026-01-01T00:00:00.000Z" };

describe("room activity", () => {
  it("starts from the snapshot and follows presence", () => {
    let state = reduceActivity(emptyActivity, { type: "presence.snapshot", roomId: "r", online: [bob] }, 0);
    state = reduceActivity(state, { type: "presence.online", roomId: "r", user: alice }, 0);
    state = reduceActivity(state, { type: "presence.online", roomId: "r", user: alice }, 0);
    expect(state.online.map((u) => u.username)).toEqual(["alice", "Bob"]);
    state = reduceActivity(state, { type: "presence.offline", roomId: "r", user: bob }, 0);
    expect(state.online.map((u) => u.username)).toEqual(["alice"]);
  });

  it("shows a typist for a few seconds after their last typing event", () => {
    let state = reduceActivity(emptyActivity, { type: "typing", roomId: "r", user: bob }, 1_000);
    expect(typists(expireTyping(state, 1_000 + TYPING_SHOWN_MS - 1))).toEqual([bob]);
    state = reduceActivity(state, { type: "typing", roomId: "r", user: bob }, 3_000);
    expect(typists(expireTyping(state, 1_000 + TYPING_SHOWN_MS + 1))).toEqual([bob]);
    expect(typists(expireTyping(state, 3_000 + TYPING_SHOWN_MS))).toEqual([]);
  });

  it("forgets the typing of someone who went offline", () => {
    let state = reduceActivity(emptyActivity, { type: "typing", roomId: "r", user: bob }, 0);
    state = reduceActivity(state, { type: "presence.offline", roomId: "r", user: bob }, 0);
    expect(typists(state)).toEqual([]);
  });
});
