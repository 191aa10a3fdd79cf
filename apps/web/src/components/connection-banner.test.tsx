import { act, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ConnectionContext } from "../hooks/use-connection";
import type { Connection, ConnectionSnapshot } from "../lib/connection";
import { ConnectionBanner } from "./connection-banner";

/** A stand-in for the page's Connection: only the store the banner reads. */
function fakeConnection(initial: Partial<ConnectionSnapshot>) {
  let snapshot = { epoch: 0, state: "open", hasOpened: true, switching: false, database: "available", ...initial } as ConnectionSnapshot;
  const listeners = new Set<() => void>();
  const connection = {
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
  } as unknown as Connection;
  const update = (patch: Partial<ConnectionSnapshot>) =>
    act(() => {
      snapshot = { ...snapshot, ...patch };
      for (const listener of listeners) listener();
    });
  return { connection, update };
}

describe("ConnectionBanner", () => {
  it("says the database is reconnecting while a send waits for it, then that it is back", () => {
    const { connection, update } = fakeConnection({});
    render(
      <ConnectionContext.Provider value={connection}>
        <ConnectionBanner />
      </ConnectionContext.Provider>,
    );
    expect(screen.getByRole("status").textContent).toBe("");
    update({ database: "unavailable" });
    expect(screen.getByRole("status").textContent).toContain("Reconnecting to the database…");
    expect(screen.getByRole("status").textContent).not.toContain("Connection lost");
    update({ database: "available" });
    expect(screen.getByRole("status").textContent).toBe("Back online.");
  });

  it("says the connection is lost when the socket is down, whatever the database", () => {
    const { connection } = fakeConnection({ state: "connecting", database: "unavailable" });
    render(
      <ConnectionContext.Provider value={connection}>
        <ConnectionBanner />
      </ConnectionContext.Provider>,
    );
    expect(screen.getByRole("status").textContent).toContain("Connection lost.");
  });
});
