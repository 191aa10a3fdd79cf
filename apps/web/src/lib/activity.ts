import type { Activity, User } from "@parley/client";

// Who is online and who is typing in one room, from room.activity. Pure, so it is easy to test.

/** How long "… is typing" stays after the last typing event. */
export const TYPING_SHOWN_MS = 4_000;

export type ActivityState = {
  online: User[];
  /** userId → the user and when their typing line expires (ms since epoch). */
  typing: Record<string, { user: User; until: number }>;
};

export const emptyActivity: ActivityState = { online: [], typing: {} };

function byName(a: User, b: User): number {
  return a.username.localeCompare(b.username, undefined, { sensitivity: "base" });
}

/** Applies one activity event at time `now`. */
export function reduceActivity(state: ActivityState, activity: Activity, now: number): ActivityState {
  switch (activity.type) {
    case "presence.snapshot":
      return { ...state, online: [...activity.online].sort(byName) };
    case "presence.online":
      if (state.online.some((u) => u.id === activity.user.id)) return state;
      return { ...state, online: [...state.online, activity.user].sort(byName) };
    case "presence.offline":
      return {
        online: state.online.filter((u) => u.id !== activity.user.id),
        typing: withoutTypist(state.typing, activity.user.id),
      };
    case "typing":
      return { ...state, typing: { ...state.typing, [activity.user.id]: { user: activity.user, until: now + TYPING_SHOWN_MS } } };
  }
}

/** A typist whose message arrived, or who went offline, is no longer typing. */
export function withoutTypist(typing: ActivityState["typing"], userId: string): ActivityState["typing"] {
  if (!(userId in typing)) return typing;
  const { [userId]: _gone, ...rest } = typing;
  return rest;
}

/** Drops typing lines that have expired by `now`. */
export function expireTyping(state: ActivityState, now: number): ActivityState {
  const live = Object.entries(state.typing).filter(([, t]) => t.until > now);
  if (live.length === Object.keys(state.typing).length) return state;
  return { ...state, typing: Object.fromEntries(live) };
}

/** Current typists, in the order of their names. */
export function typists(state: ActivityState): User[] {
  return Object.values(state.typing)
    .map((t) => t.user)
    .sort(byName);
}
