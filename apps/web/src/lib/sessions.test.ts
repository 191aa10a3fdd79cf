import type { SessionInfo } from "@parley/client";
import { describe, expect, it } from "vitest";
import { sessionLabels, timeAgo } from "./sessions";

const session = (id: string, device: string, userAgent: string, browserVersion: string): SessionInfo => ({
  id,
  device,
  userAgent,
  browserVersion,
  createdAt: "2026-12-01T10:00:00.000Z",
  lastSeenAt: "2026-12-01T10:00:00.000Z",
  current: false,
});

describe("sessionLabels", () => {
  it("adds the browser version only where one name covers different User-Agents", () => {
    const labels = sessionLabels([
      session("a", "Chrome on Linux", "Chrome/131", "131.0.0.0"),
      session("b", "Chrome on Linux", "Chrome/129", "129.0.1.2"),
      session("c", "Firefox on macOS", "Firefox/128", "128.0"),
      session("d", "Safari on iOS", "Safari/17", "17.4"),
      session("e", "Safari on iOS", "Safari/17", "17.4"),
    ]);
    expect(labels.get("a")).toEqual({ name: "Chrome on Linux", version: "131.0.0.0" });
    expect(labels.get("b")).toEqual({ name: "Chrome on Linux", version: "129.0.1.2" });
    expect(labels.get("c")).toEqual({ name: "Firefox on macOS", version: null });
    expect(labels.get("d")).toEqual({ name: "Safari on iOS", version: null });
  });
});

describe("timeAgo", () => {
  const now = new Date("2026-12-08T12:00:00Z");
  it("says a last use as a person would", () => {
    expect(timeAgo("2026-12-08T11:59:30Z", now)).toBe("just now");
    expect(timeAgo("2026-12-08T11:55:00Z", now)).toBe("5 minutes ago");
    expect(timeAgo("2026-12-08T09:00:00Z", now)).toBe("3 hours ago");
    expect(timeAgo("2026-12-07T11:00:00Z", now)).toBe("yesterday");
    expect(timeAgo("2026-11-17T12:00:00Z", now)).toBe("3 weeks ago");
  });
});
