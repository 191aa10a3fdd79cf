import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ReactionBar, ReactionPicker, reactedBy } from "./reactions";

const names: Record<string, string> = { u1: "me", u2: "bob", u3: "carl" };
const nameOf = (id: string) => names[id] ?? null;

describe("ReactionBar", () => {
  it("shows each emoji with its count and who reacted in the tooltip; pressed when the reader is among them", () => {
    render(
      <ReactionBar
        meId="u1"
        nameOf={nameOf}
        onToggle={() => {}}
        reactions={[
          { emoji: "👍", userIds: ["u2", "u1"] },
          { emoji: "🎉", userIds: ["u3", "u9"] },
        ]}
      />,
    );
    const group = screen.getByRole("group", { name: "Reactions" });
    const thumbs = screen.getByRole("button", { name: "👍 2" });
    expect(group.contains(thumbs)).toBe(true);
    expect(thumbs.getAttribute("aria-pressed")).toBe("true");
    expect(thumbs.getAttribute("title")).toBe("bob and you reacted with 👍");
    const party = screen.getByRole("button", { name: "🎉 2" });
    expect(party.getAttribute("aria-pressed")).toBe("false");
    // Someone no longer in the room is still counted.
    expect(party.getAttribute("title")).toBe("carl and someone reacted with 🎉");
  });

  it("says whether the click removes the reader's own reaction or adds one", async () => {
    const onToggle = vi.fn();
    render(
      <ReactionBar
        meId="u1"
        nameOf={nameOf}
        onToggle={onToggle}
        reactions={[
          { emoji: "👍", userIds: ["u1"] },
          { emoji: "👀", userIds: ["u2"] },
        ]}
      />,
    );
    await userEvent.click(screen.getByRole("button", { name: "👍 1" }));
    expect(onToggle).toHaveBeenLastCalledWith("👍", true);
    await userEvent.click(screen.getByRole("button", { name: "👀 1" }));
    expect(onToggle).toHaveBeenLastCalledWith("👀", false);
  });

  it("shows nothing without reactions", () => {
    render(<ReactionBar meId="u1" nameOf={nameOf} onToggle={() => {}} reactions={[]} />);
    expect(screen.queryByRole("group")).toBeNull();
  });

  it("names many people shortly", () => {
    expect(reactedBy(["a"])).toBe("a");
    expect(reactedBy(["a", "b", "c"])).toBe("a, b and c");
    expect(reactedBy(["a", "b", "c", "d", "e"])).toBe("a, b, c and 2 others");
  });
});

describe("ReactionPicker", () => {
  it("picks a common emoji, or any typed in its field", async () => {
    const onPick = vi.fn();
    render(<ReactionPicker onPick={onPick} onClose={() => {}} />);
    const dialog = screen.getByRole("dialog", { name: "Add a reaction" });
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "👍" }));
    await userEvent.click(screen.getByRole("button", { name: "🎉" }));
    expect(onPick).toHaveBeenLastCalledWith("🎉");
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Add" }).disabled).toBe(true);
    await userEvent.type(screen.getByRole("textbox", { name: "Any emoji" }), " 🦄 {Enter}");
    expect(onPick).toHaveBeenLastCalledWith("🦄");
    expect(dialog).toBeTruthy();
  });

  it("closes with Escape and with a click outside", async () => {
    const onClose = vi.fn();
    render(
      <div>
        <button type="button">elsewhere</button>
        <ReactionPicker onPick={() => {}} onClose={onClose} />
      </div>,
    );
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByRole("button", { name: "elsewhere" }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });
});
