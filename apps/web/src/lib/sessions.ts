import type { SessionInfo } from "@parley/client";

/** How a session row names its device; `name` is also the "Revoke <name>" button's. */
export type SessionLabel = { name: string; version: string | null };

/**
 * Names each session by the device the server named. Where two sessions share a name but their
 * User-Agents differ ("Chrome on Linux" twice), the browser version tells them apart, so it is
 * shown for those; identical User-Agents (two windows of one browser) stay as they are.
 */
export function sessionLabels(sessions: SessionInfo[]): Map<string, SessionLabel> {
  const agentsByName = new Map<string, Set<string | null>>();
  const nameOf = (s: SessionInfo) => s.device ?? "Unknown device";
  for (const s of sessions) {
    const agents = agentsByName.get(nameOf(s)) ?? new Set();
    agents.add(s.userAgent);
    agentsByName.set(nameOf(s), agents);
  }
  return new Map(
    sessions.map((s) => {
      const ambiguous = (agentsByName.get(nameOf(s))?.size ?? 0) > 1;
      return [s.id, { name: nameOf(s), version: ambiguous ? (s.browserVersion ?? null) : null }];
    }),
  );
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago": a last use as a person says it. */
export function timeAgo(iso: string, now: Date = new Date()): string {
  const seconds = Math.max(0, (now.getTime() - Date.parse(iso)) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (seconds >= size) return format.format(-Math.floor(seconds / size), unit);
  }
  return "just now";
}
