import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Room } from "@parley/client";
import { RoomList } from "./room-list";

const maya = { id: "u1", username: "maya", createdAt: "2026-01-01T00:00:00.000Z" };

function room(id: string, name: string, extra: Partial<Room> = {}): Room {
  return {
    id,
    name,
    createdAt: "2026-01-01T00:00:00.000Z",
    createdBy: maya,
    memberCount: 3,
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

describe("RoomList", () => {
  it("is a navigation named by its title whose links are named exactly by the rooms", () => {
    const rooms = [room("c1", "general"), room("c2", "secret", { visibility: "private" })];
    render(<RoomList id="channels" title="Channels" rooms={rooms} activeRoomId="c2" empty="none" />);
    const nav = screen.getByRole("navigation", { name: "Channels" });
    const links = within(nav).getAllByRole("link");
    expect(links.map((link) => link.textContent)).toEqual(["#general", "secret"]);
    expect(within(nav).getByRole("link", { name: "general" }).getAttribute("href")).toBe("/rooms/c1");
    const secret = within(nav).getByRole("link", { name: "secret" });
    expect(secret.getAttribute("aria-current")).toBe("page");
    // A lock instead of "#", and a description, for the private one only.
    expect(secret.getAttribute("title")).toBe("Private channel");
    expect(secret.querySelector("svg")).not.toBeNull();
    expect(within(nav).getByRole("link", { name: "general" }).getAttribute("title")).toBeNull();
  });

  it("lists dms by the other person's name, in the order given, with the action beside the title", () => {
    const dms = [
      room("d1", "leo", { kind: "dm", visibility: "private", peer: maya }),
      room("d2", "ann", { kind: "dm", visibility: "private", peer: maya }),
    ];
    render(
      <RoomList
        id="dms"
        title="Direct messages"
        rooms={dms}
        activeRoomId={null}
        empty="none"
        action={<button type="button">New message</button>}
      />,
    );
    const nav = screen.getByRole("navigation", { name: "Direct messages" });
    expect(
      within(nav)
        .getAllByRole("link")
        .map((link) => link.getAttribute("href")),
    ).toEqual(["/rooms/d1", "/rooms/d2"]);
    expect(within(nav).getByRole("link", { name: "leo" })).toBeTruthy();
    expect(within(nav).getByRole("button", { name: "New message" })).toBeTruthy();
  });

  it("says so when there is nothing to list", () => {
    render(<RoomList id="dms" title="Direct messages" rooms={[]} activeRoomId={null} empty="Nobody yet." />);
    expect(screen.getByText("Nobody yet.")).toBeTruthy();
    expect(screen.queryAllByRole("link")).toHaveLength(0);
  });
});

describe("RoomList unread counts", () => {
  it("shows a bold count labelled in words, and an @ badge for mentions, keeping the link's name", () => {
    const rooms = [
      room("c1", "general", { unreadCount: 3 }),
      room("c2", "launch", { unreadCount: 2, mentionCount: 1 }),
      room("c3", "quiet"),
    ];
    render(<RoomList id="channels" title="Channels" rooms={rooms} activeRoomId={null} empty="none" />);
    const nav = screen.getByRole("navigation", { name: "Channels" });
    const general = within(nav).getByRole("link", { name: "general" });
    expect(general.className).toContain("is-unread");
    expect(within(general).getByLabelText("3 unread messages").textContent).toBe("3");
    expect(within(general).queryByLabelText(/mention/)).toBeNull();
    // The count describes the link; its name stays the room's.
    expect(general.getAttribute("aria-describedby")).toBe(within(general).getByLabelText("3 unread messages").parentElement?.id);

    const launch = within(nav).getByRole("link", { name: "launch" });
    expect(within(launch).getByLabelText("1 mention").className).toContain("is-mention");
    expect(within(launch).getByLabelText("2 unread messages")).toBeTruthy();

    const quiet = within(nav).getByRole("link", { name: "quiet" });
    expect(quiet.className).not.toContain("is-unread");
    expect(within(quiet).queryByLabelText(/unread/)).toBeNull();
  });

  it("counts nothing for a room the user is not in", () => {
    render(
      <RoomList
        id="channels"
        title="Channels"
        rooms={[room("c1", "open", { joined: false, unreadCount: 4 })]}
        activeRoomId={null}
        empty="none"
      />,
    );
    expect(screen.queryByLabelText(/unread/)).toBeNull();
  });
});
