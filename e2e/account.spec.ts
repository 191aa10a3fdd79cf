import { expect, logIn, signUp, test } from "./support/fixtures";

const CHROME_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FIREFOX_ON_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0";

test.describe("the account menu", () => {
  test("lists the sessions, revokes another device, and changes the password signing the others out", async ({ browser, baseURL }) => {
    const laptop = await browser.newContext({ baseURL, userAgent: FIREFOX_ON_MAC });
    const desktop = await browser.newContext({ baseURL, userAgent: CHROME_ON_LINUX });
    const here = await laptop.newPage();
    const there = await desktop.newPage();
    const person = await signUp(here, "acct");
    await logIn(there, person.username);

    // Sessions: both devices, this one marked and without a Revoke button.
    await here.getByRole("button", { name: "Account" }).click();
    await here.getByRole("menuitem", { name: "Sessions" }).click();
    const sessions = here.getByRole("list", { name: "Sessions" });
    await expect(sessions.getByRole("listitem")).toHaveCount(2);
    await expect(sessions.getByRole("listitem").first()).toContainText("Chrome on Linux");
    const current = sessions.getByRole("listitem").filter({ hasText: "This device" });
    await expect(current).toContainText("Firefox on macOS");
    await expect(current.getByRole("button")).toHaveCount(0);

    await sessions.getByRole("button", { name: "Revoke Chrome on Linux" }).click();
    await expect(sessions.getByRole("listitem")).toHaveCount(1);
    // The revoked device is signed out (its socket closes and its next call is refused).
    await expect(there.getByRole("button", { name: "Log in" })).toBeVisible({ timeout: 15_000 });
    // …and told why, with no "Back online." as if only the network had dropped.
    await expect(there.locator(".auth-notice")).toHaveText(/^This session was revoked/);
    await expect(there.getByText("Back online.")).toHaveCount(0);
    await here.getByRole("button", { name: "Close" }).click();

    // Change password: a wrong current password says so in its field.
    await logIn(there, person.username);
    await here.getByRole("button", { name: "Account" }).click();
    await here.getByRole("menuitem", { name: "Change password" }).click();
    const dialog = here.getByRole("dialog", { name: "Change password" });
    await dialog.getByLabel("Current password").fill("not my password");
    await dialog.getByLabel("New password").fill("a much newer secret");
    await dialog.getByRole("button", { name: "Change password" }).click();
    await expect(dialog.getByLabel("Current password")).toHaveAccessibleDescription("The current password is wrong");

    await dialog.getByLabel("Current password").fill(person.password);
    await dialog.getByRole("button", { name: "Change password" }).click();
    await expect(dialog.getByRole("status")).toContainText("other devices were signed out");
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(here.getByRole("button", { name: "Log out" })).toBeVisible();
    await expect(there.getByRole("button", { name: "Log in" })).toBeVisible({ timeout: 15_000 });
    await expect(there.locator(".auth-notice")).toHaveText(/^Your password was changed on another device/);
    await logIn(there, person.username, "a much newer secret");

    await laptop.close();
    await desktop.close();
  });

  test("opens with the keyboard and closes with Escape", async ({ page }) => {
    await signUp(page, "keys");
    await page.getByRole("button", { name: "Account" }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("menuitem", { name: "Change password" })).toBeFocused();
    await page.keyboard.press("ArrowDown");
    await expect(page.getByRole("menuitem", { name: "Sessions" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("menu")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Account" })).toBeFocused();
  });
});
