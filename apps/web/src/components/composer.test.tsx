import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Composer } from "./composer";

function setup() {
  const onSend = vi.fn();
  const onTyping = vi.fn();
  render(<Composer to="#general" onSend={onSend} onTyping={onTyping} />);
  return { onSend, onTyping, box: screen.getByRole("textbox", { name: "Message" }) };
}

describe("Composer", () => {
  it("sends with Enter and clears the box", async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, "hello{Enter}");
    expect(onSend).toHaveBeenCalledWith("hello");
    expect((box as HTMLTextAreaElement).value).toBe("");
  });

  it("starts a new line with Shift+Enter", async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, "line one{Shift>}{Enter}{/Shift}line two");
    expect(onSend).not.toHaveBeenCalled();
    expect((box as HTMLTextAreaElement).value).toBe("line one\nline two");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(onSend).toHaveBeenCalledWith("line one\nline two");
  });

  it("does not send blank text", async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, "   {Enter}");
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Send" }).disabled).toBe(true);
  });

  it("tells the room someone is typing", async () => {
    const { onTyping, box } = setup();
    await userEvent.type(box, "hi");
    expect(onTyping).toHaveBeenCalled();
  });
});

const user = (id: string, username: string) => ({ id, username, createdAt: "2026-01-01T00:00:00.000Z" });
const members = [user("u2", "bob"), user("u3", "bella"), user("u4", "carl")];

describe("Composer mentions", () => {
  function mentionSetup() {
    const onSend = vi.fn();
    render(<Composer to="#general" onSend={onSend} onTyping={() => {}} members={members} />);
    return { onSend, box: screen.getByRole<HTMLTextAreaElement>("textbox", { name: "Message" }) };
  }

  it("offers the members whose names start with what follows @, as a listbox", async () => {
    const { box } = mentionSetup();
    expect(screen.queryByRole("listbox")).toBeNull();
    await userEvent.type(box, "hi @b");
    const list = screen.getByRole("listbox", { name: "Mention someone" });
    expect(screen.getAllByRole("option")).toHaveLength(2);
    expect(screen.getByRole("option", { name: "bella" })).toBeTruthy();
    expect(screen.getByRole("option", { name: "bob" }).getAttribute("aria-selected")).toBe("true");
    expect(box.getAttribute("aria-controls")).toBe(list.id);
    expect(box.getAttribute("aria-activedescendant")).toBe(screen.getByRole("option", { name: "bob" }).id);
  });

  it("moves with the arrows and picks with Enter (which does not send)", async () => {
    const { box, onSend } = mentionSetup();
    await userEvent.type(box, "hi @b{ArrowDown}");
    expect(screen.getByRole("option", { name: "bella" }).getAttribute("aria-selected")).toBe("true");
    await userEvent.type(box, "{Enter}");
    expect(box.value).toBe("hi @bella ");
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.queryByRole("listbox")).toBeNull();
    await userEvent.type(box, "there{Enter}");
    expect(onSend).toHaveBeenCalledWith("hi @bella there");
  });

  it("picks with Tab, wraps with ArrowUp, and Escape closes the list without sending", async () => {
    const { box, onSend } = mentionSetup();
    await userEvent.type(box, "@{ArrowUp}");
    expect(screen.getByRole("option", { name: "carl" }).getAttribute("aria-selected")).toBe("true");
    await userEvent.keyboard("{Tab}");
    expect(box.value).toBe("@carl ");
    await userEvent.type(box, "and @be{Escape}");
    expect(screen.queryByRole("listbox")).toBeNull();
    expect(box.value).toBe("@carl and @be");
    expect(onSend).not.toHaveBeenCalled();
  });

  it("offers nothing for an @ inside a word or a name nobody has", async () => {
    const { box } = mentionSetup();
    await userEvent.type(box, "mail me@b");
    expect(screen.queryByRole("listbox")).toBeNull();
    await userEvent.type(box, " @zed");
    expect(screen.queryByRole("listbox")).toBeNull();
  });
});

describe("Composer replies", () => {
  const replyTo = { id: "m1", author: user("u2", "bob"), text: "Where are the slides?" };

  it("shows what it answers; Escape cancels", async () => {
    const onCancelReply = vi.fn();
    render(<Composer to="#general" onSend={() => {}} onTyping={() => {}} replyTo={replyTo} onCancelReply={onCancelReply} />);
    expect(screen.getByText("Replying to", { exact: false }).textContent).toContain("Where are the slides?");
    const box = screen.getByRole("textbox", { name: "Message" });
    expect(document.activeElement).toBe(box);
    await userEvent.type(box, "{Escape}");
    expect(onCancelReply).toHaveBeenCalledTimes(1);
  });

  it("cancels with its button too", async () => {
    const onCancelReply = vi.fn();
    render(<Composer to="#general" onSend={() => {}} onTyping={() => {}} replyTo={replyTo} onCancelReply={onCancelReply} />);
    await userEvent.click(screen.getByRole("button", { name: "Cancel reply" }));
    expect(onCancelReply).toHaveBeenCalledTimes(1);
  });
});
