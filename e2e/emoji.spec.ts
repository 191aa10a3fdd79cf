import { createRoom, expect, messageRow, signUp, test } from "./support/fixtures";

// The emoji picker (emoji-picker-element, loaded on first use, its data served by Parley) in the
// reaction picker and the composer, and `:shortcode` completion in the composer.
test.describe("emoji", () => {
  test("a :shortcode completes to its emoji, the composer's picker inserts one, and All emoji reacts", async ({ page }) => {
    const consoleErrors: string[] = [];
    page.on("pageerror", (error) => consoleErrors.push(error.message));
    await signUp(page, "emo");
    await createRoom(page, "emoji");
    const box = page.getByRole("textbox", { name: "Message", exact: true });

    // `:tad` offers 🎉 as :tada:; Enter picks it (and does not send).
    await box.fill("Shipped :tad");
    const list = page.getByRole("listbox", { name: "Emoji" });
    await expect(list.getByRole("option", { name: /:tada:/ })).toBeVisible();
    await box.press("Enter");
    await expect(box).toHaveValue("Shipped 🎉");
    await expect(list).toHaveCount(0);

    // The composer's "Emoji" button: search, pick, and the emoji lands at the caret.
    await page.getByRole("button", { name: "Emoji", exact: true }).click();
    const picker = page.getByRole("dialog", { name: "Emoji picker" });
    await expect(picker.getByRole("combobox", { name: "Search" })).toBeFocused();
    await picker.getByRole("combobox", { name: "Search" }).fill("rocket");
    await picker
      .getByRole("option", { name: /rocket/i })
      .first()
      .click();
    await expect(box).toHaveValue("Shipped 🎉🚀");
    await expect(box).toBeFocused();
    await box.press("Enter");
    const row = messageRow(page, "Shipped 🎉🚀");
    await expect(row).toBeVisible();

    // React through "All emoji": a category tab, then an emoji from it.
    await row.hover();
    await row.getByRole("button", { name: "React" }).click();
    const reactDialog = page.getByRole("dialog", { name: "Add a reaction" });
    await reactDialog.getByRole("button", { name: "All emoji" }).click();
    await reactDialog.getByRole("combobox", { name: "Search" }).fill("unicorn");
    await reactDialog
      .getByRole("option", { name: /unicorn/i })
      .first()
      .click();
    await expect(row.getByRole("group", { name: "Reactions" }).getByRole("button", { name: "🦄 1" })).toBeVisible();
    expect(consoleErrors).toEqual([]);
  });
});
