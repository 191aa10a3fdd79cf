import type { Locator, Page } from "@playwright/test";
import { createRoom, expect, messageRow, signUp, test } from "./support/fixtures";

// Everything here after the setup is done with the keyboard alone: Tab and Shift+Tab to move,
// arrows inside the message log, Enter to act. No click, no hover.

/** Presses `key` until `target` has the focus (at most `max` times); fails if it never does. */
async function pressUntilFocused(page: Page, key: string, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(key);
  }
  await expect(target).toBeFocused();
}

test.describe("keyboard only", () => {
  test("send, switch rooms, reply and react without a mouse", async ({ page }) => {
    await signUp(page, "keys");
    const first = await createRoom(page, "first");
    const second = await createRoom(page, "second");
    const composer = page.getByRole("textbox", { name: "Message", exact: true });

    // Sending: the open room's composer has the focus; type and press Enter.
    await expect(composer).toBeFocused();
    await page.keyboard.type("Typed, not clicked");
    await page.keyboard.press("Enter");
    await expect(messageRow(page, "Typed, not clicked")).toBeVisible();

    // Switching rooms: Shift+Tab back to the sidebar's link of the first room, then Enter.
    const rooms = page.getByRole("navigation", { name: "Rooms" });
    await pressUntilFocused(page, "Shift+Tab", rooms.getByRole("link", { name: first, exact: true }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { level: 1, name: first })).toBeVisible();
    await pressUntilFocused(page, "Tab", composer);
    await page.keyboard.type("Hello first room");
    await page.keyboard.press("Enter");
    const row = messageRow(page, "Hello first room");
    await expect(row).toBeVisible();

    // Replying: into the log, Up to the message, Tab to its Reply, Enter, type, Enter.
    const log = page.getByRole("log");
    await pressUntilFocused(page, "Shift+Tab", log);
    await page.keyboard.press("ArrowUp");
    await expect(row).toBeFocused();
    await pressUntilFocused(page, "Tab", row.getByRole("button", { name: "Reply" }), 5);
    await page.keyboard.press("Enter");
    await expect(composer).toBeFocused();
    await page.keyboard.type("A reply by keyboard");
    await page.keyboard.press("Enter");
    const reply = messageRow(page, "A reply by keyboard");
    await expect(reply.locator(".msg-quote")).toContainText("Hello first room");

    // Reacting: Up to the reply, Tab to React, Enter; the picker's first emoji has the focus.
    await pressUntilFocused(page, "Shift+Tab", log);
    await page.keyboard.press("End");
    await expect(reply).toBeFocused();
    await pressUntilFocused(page, "Tab", reply.getByRole("button", { name: "React" }), 5);
    await page.keyboard.press("Enter");
    const picker = page.getByRole("dialog", { name: "Add a reaction" });
    await expect(picker.getByRole("button", { name: "👍" })).toBeFocused();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect(reply.getByRole("group", { name: "Reactions" }).getByRole("button", { name: "❤️ 1" })).toBeVisible();
    await expect(picker).toHaveCount(0);

    // And back to the second room the same way.
    await pressUntilFocused(page, "Shift+Tab", rooms.getByRole("link", { name: second, exact: true }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { level: 1, name: second })).toBeVisible();
    await expect(messageRow(page, "Typed, not clicked")).toBeVisible();
  });
});
