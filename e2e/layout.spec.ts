import type { Locator, Page } from "@playwright/test";
import { createRoom, expect, messageRow, send, signUp, test } from "./support/fixtures";

/** Presses Tab until `target` has the focus (a keyboard user's way there). */
async function tabTo(page: Page, target: Locator, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

/** Nothing sticks out sideways: the page never scrolls horizontally. */
async function noHorizontalOverflow(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

test.describe("phone, keyboard and colour schemes", () => {
  test.use({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });

  test("works on a 375 px phone: rooms and the open room are two screens", async ({ page }) => {
    const me = await signUp(page, "phone");
    expect(await noHorizontalOverflow(page)).toBe(true);
    const room = await createRoom(page, "pocket");

    // The room fills the screen; the room list is one tap away.
    await expect(page.getByRole("navigation", { name: "Rooms" })).toBeHidden();
    await expect(page.getByRole("list", { name: "Online" })).toContainText(me.username);
    await send(page, `a long one: ${"word ".repeat(80)}and ${"x".repeat(300)}`);
    await page.getByRole("textbox", { name: "Message", exact: true }).fill("sent with the button");
    await page.getByRole("button", { name: "Send" }).tap();
    await expect(messageRow(page, "sent with the button")).toBeInViewport();
    await expect(page.getByRole("button", { name: "Send" })).toBeInViewport();
    expect(await noHorizontalOverflow(page)).toBe(true);

    await page.getByRole("link", { name: "All rooms" }).tap();
    await expect(page.getByRole("navigation", { name: "Rooms" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Log out" })).toBeInViewport();
    await page.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: room }).tap();
    await expect(messageRow(page, "sent with the button")).toBeVisible();
  });
});

test("everything by keyboard alone", async ({ page }) => {
  await page.goto("/");
  // The first field has the focus; Tab reaches the switch to the sign-up form.
  await tabTo(page, page.getByRole("button", { name: "Sign up" }));
  await page.keyboard.press("Enter");
  const name = `keys_${Date.now().toString(36)}`;
  await expect(page.getByLabel("Username")).toBeFocused();
  await page.keyboard.type(name);
  await page.keyboard.press("Tab");
  await page.keyboard.type(`${name}@example.com`);
  await page.keyboard.press("Tab");
  await page.keyboard.type("correct horse battery staple");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();

  // Signed up, the focus is in the app (here the sidebar), not on the page.
  await expect(page.locator("body")).not.toBeFocused();
  await tabTo(page, page.getByRole("button", { name: "Create channel" }));
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Room name")).toBeFocused();
  await page.keyboard.type(`kbd_${Date.now().toString(36)}`);
  await page.keyboard.press("Enter");
  // An opened room puts the cursor in the composer.
  await expect(page.getByRole("textbox", { name: "Message", exact: true })).toBeFocused();
  await page.keyboard.type("typed, not clicked");
  await page.keyboard.press("Enter");
  await expect(messageRow(page, "typed, not clicked")).not.toContainText("Sending…");

  // Arrow Up in the empty composer edits the last message.
  await page.keyboard.press("ArrowUp");
  await expect(page.getByRole("textbox", { name: "Edit text" })).toBeFocused();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("typed and edited");
  await page.keyboard.press("Enter");
  await expect(messageRow(page, "typed and edited")).toContainText("(edited)");
  // Saved or cancelled, the edit gives the focus back to the composer.
  await expect(page.getByRole("textbox", { name: "Message", exact: true })).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(page.getByRole("textbox", { name: "Edit text" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("textbox", { name: "Edit text" })).toHaveCount(0);
  await expect(page.getByRole("textbox", { name: "Message", exact: true })).toBeFocused();

  // In the log, arrows move between messages and Tab reaches that message's actions: Reply and
  // React on every message, then Edit and Delete on your own.
  await page.getByRole("log").focus();
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Reply" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "React" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Edit" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Delete" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(messageRow(page, "typed and edited")).toHaveCount(0);

  await tabTo(page, page.getByRole("button", { name: "Leave" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Join" })).toBeVisible();
  await tabTo(page, page.getByRole("button", { name: "Log out" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();
});

for (const scheme of ["light", "dark"] as const) {
  test(`follows the ${scheme} colour scheme`, async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, colorScheme: scheme });
    const page = await context.newPage();
    await signUp(page, scheme);
    await createRoom(page, scheme);
    await send(page, "how does this look?");
    const luminance = (color: string) => {
      const [r = 0, g = 0, b = 0] = (color.match(/\d+(\.\d+)?/g) ?? []).map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    const background = await page.locator(".chat-main").evaluate((el) => getComputedStyle(el).backgroundColor);
    const text = await messageRow(page, "how does this look?")
      .locator(".msg-text")
      .evaluate((el) => getComputedStyle(el).color);
    if (scheme === "dark") {
      expect(luminance(background)).toBeLessThan(0.2);
      expect(luminance(text)).toBeGreaterThan(0.7);
    } else {
      expect(luminance(background)).toBeGreaterThan(0.9);
      expect(luminance(text)).toBeLessThan(0.35);
    }
    await context.close();
  });
}
