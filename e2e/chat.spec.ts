import type { Browser, Page } from "@playwright/test";
import { createRoom, expect, joinRoom, messageRow, send, signUp, test } from "./support/fixtures";

/** A second person in their own browser context (own cookies, own socket). */
async function newPerson(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  return context.newPage();
}

test.describe("two people chatting", () => {
  test("create, join, chat both ways, presence, typing, edit, delete, reload, leave", async ({ page, browser, baseURL }) => {
    const alice = page;
    const bob = await newPerson(browser, baseURL);
    const a = await signUp(alice, "alice");
    const b = await signUp(bob, "bob");

    const room = await createRoom(alice, "general");
    // Bob's room list shows it (no reload needed), and he joins.
    await joinRoom(bob, room);

    // Presence: each sees the other online.
    await expect(alice.getByRole("list", { name: "Online" })).toContainText(b.username);
    await expect(bob.getByRole("list", { name: "Online" })).toContainText(a.username);

    // Alice sends with Enter: it shows at once for her and arrives live for Bob.
    await send(alice, "Hi Bob, welcome!");
    await expect(messageRow(alice, "Hi Bob, welcome!")).toBeVisible();
    await expect(messageRow(bob, "Hi Bob, welcome!")).toBeVisible();

    // Bob types: Alice sees it; then he sends with the Send button and the line goes.
    await bob.getByRole("textbox", { name: "Message", exact: true }).pressSequentially("Thanks", { delay: 20 });
    await expect(alice.getByText(`${b.username} is typing…`)).toBeVisible();
    await bob.getByRole("textbox", { name: "Message", exact: true }).pressSequentially("! Line one");
    await bob.getByRole("textbox", { name: "Message", exact: true }).press("Shift+Enter");
    await bob.getByRole("textbox", { name: "Message", exact: true }).pressSequentially("Line two");
    await bob.getByRole("button", { name: "Send" }).click();
    await expect(bob.getByRole("textbox", { name: "Message", exact: true })).toHaveValue("");
    const twoLines = alice.getByRole("log").locator(".msg-text", { hasText: "Thanks! Line one" });
    await expect(twoLines).toHaveText("Thanks! Line one\nLine two");
    await expect(alice.getByText(`${b.username} is typing…`)).toHaveCount(0);

    // Alice edits her message; Bob sees the new text, marked edited.
    await messageRow(alice, "Hi Bob, welcome!").hover();
    await messageRow(alice, "Hi Bob, welcome!").getByRole("button", { name: "Edit" }).click();
    const editor = alice.getByRole("textbox", { name: "Edit text" });
    await editor.fill("Hi Bob, welcome to the room!");
    await editor.press("Enter");
    await expect(messageRow(bob, "Hi Bob, welcome to the room!")).toContainText("(edited)");
    await expect(messageRow(bob, "Hi Bob, welcome!")).toHaveCount(0);

    // Only your own messages offer Edit and Delete.
    const bobsRow = messageRow(alice, "Thanks! Line one\nLine two");
    await expect(bobsRow).toHaveCount(1);
    await expect(bobsRow.getByRole("button", { name: "Edit" })).toHaveCount(0);
    await expect(messageRow(alice, "Hi Bob, welcome to the room!").getByRole("button", { name: "Edit" })).toHaveCount(1);

    // Alice deletes it; it leaves both views.
    await send(alice, "This one goes away");
    await expect(messageRow(bob, "This one goes away")).toBeVisible();
    await messageRow(alice, "This one goes away").getByRole("button", { name: "Delete" }).click();
    await expect(messageRow(alice, "This one goes away")).toHaveCount(0);
    await expect(messageRow(bob, "This one goes away")).toHaveCount(0);

    // A reload shows the same history, in order, and the room is still joined.
    await bob.reload();
    await expect(bob.getByRole("button", { name: "Leave" })).toBeVisible();
    const log = bob.getByRole("log");
    await expect(log.locator(".msg-text")).toHaveText(["Hi Bob, welcome to the room! (edited)", "Thanks! Line one\nLine two"]);

    // Bob leaves: he is offered Join again, and Alice no longer sees him online.
    await bob.getByRole("button", { name: "Leave" }).click();
    await expect(bob.getByRole("button", { name: "Join" })).toBeVisible();
    await expect(bob.getByRole("log")).toHaveCount(0);
    await expect(alice.getByRole("list", { name: "Online" })).not.toContainText(b.username);
    await bob.context().close();
  });

  test("markup stays text, links are safe, long words wrap", async ({ page }) => {
    await signUp(page, "mark");
    await createRoom(page, "markup");
    const markup = `<img src=x onerror="document.title='pwned'"><b>bold?</b>`;
    await send(page, markup);
    await expect(messageRow(page, markup)).toBeVisible();
    await expect(page.getByRole("log").locator("img, b")).toHaveCount(0);
    expect(await page.title()).not.toBe("pwned");

    await send(page, "read https://example.com/docs?x=1 please");
    const link = page.getByRole("log").getByRole("link", { name: "https://example.com/docs?x=1" });
    await expect(link).toHaveAttribute("rel", "noopener noreferrer");
    await expect(link).toHaveAttribute("target", "_blank");

    const long = "a".repeat(600);
    await send(page, long);
    const row = messageRow(page, long);
    await expect(row).toBeVisible();
    const logBox = await page.getByRole("log").boundingBox();
    const rowBox = await row.boundingBox();
    expect(rowBox && logBox && rowBox.x + rowBox.width <= logBox.x + logBox.width + 1).toBe(true);
    expect(await page.getByRole("log").evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  });
});
