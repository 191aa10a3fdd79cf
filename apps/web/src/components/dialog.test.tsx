import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Dialog } from "./dialog";

describe("Dialog", () => {
  it("opens as a dialog named by its title, focuses what asks for it, and Close asks to close it", async () => {
    const onClose = vi.fn();
    render(
      <Dialog title="New message" subtitle="Two of you" onClose={onClose}>
        <input aria-label="Search people" data-autofocus />
      </Dialog>,
    );
    const dialog = screen.getByRole("dialog", { name: "New message" });
    expect(dialog.hasAttribute("open")).toBe(true);
    expect(document.activeElement).toBe(screen.getByRole("textbox", { name: "Search people" }));
    await userEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
