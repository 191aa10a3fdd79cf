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
