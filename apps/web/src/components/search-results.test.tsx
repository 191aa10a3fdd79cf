import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Message, SearchHit } from "@parley/client";
import { SearchResults } from "./search-results";

const carol = { id: "u3", username: "carol", createdAt: "2026-01-01T00:00:00.000Z" };

function hit(id: string, roomId: string, roomName: string, text: string): SearchHit {
  const message: Message = {
    id,
    roomId,
    author: carol,
    text,
    createdAt: "2026-03-02T10:05:00.000Z",
    editedAt: null,
    clientMsgId: null,
    replyTo: null,
    mentions: [],
    reactions: [],
  };
  return { message, roomName };
}

describe("SearchResults", () => {
  it("is a list named Search results; each hit shows room, author, time and the words marked", () => {
    const hits = [
      hit("m1", "r1", "general", "The Zebra report, see https://example.com/zebra"),
      hit("m2", "d1", "leo", "zebras are not a zebra"),
    ];
    render(<SearchResults query="zebra REPORT" hits={hits} kindOf={(id) => (id === "d1" ? "dm" : "channel")} onOpen={() => {}} />);
    const list = screen.getByRole("list", { name: "Search results" });
    const items = within(list).getAllByRole("listitem");
    expect(items).toHaveLength(2);
    expect(items[0]!.textContent).toContain("#general");
    expect(items[0]!.textContent).toContain("carol");
    expect(items[0]!.querySelector("time")?.getAttribute("dateTime")).toBe("2026-03-02T10:05:00.000Z");
    // An address is one run: its words are not marked.
    expect(Array.from(items[0]!.querySelectorAll("mark")).map((m) => m.textContent)).toEqual(["Zebra", "report"]);
    // Inside a button, an address stays text.
    expect(items[0]!.querySelector("a")).toBeNull();
    // A dm is named by its person, without "#"; only whole words are marked.
    expect(items[1]!.textContent).toContain("leo");
    expect(items[1]!.textContent).not.toContain("#leo");
    expect(Array.from(items[1]!.querySelectorAll("mark")).map((m) => m.textContent)).toEqual(["zebra"]);
  });

  it("opens the hit that is chosen", async () => {
    const onOpen = vi.fn();
    const hits = [hit("m1", "r1", "general", "first zebra"), hit("m2", "r1", "general", "second zebra")];
    render(<SearchResults query="zebra" hits={hits} kindOf={() => "channel"} onOpen={onOpen} />);
    await userEvent.click(screen.getByRole("button", { name: /second/ }));
    expect(onOpen).toHaveBeenCalledWith(hits[1]);
  });
});
