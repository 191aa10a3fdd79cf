import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { createRoom, expect, messageRow, send, signUp, test } from "./support/fixtures";

// axe (axe-core) on every main screen, in the light and the dark theme: no serious or critical
// violation of WCAG 2.1 A/AA. What axe reports comes with its rule, the element and the fix, so
// a failure here says what to change.

/** The serious and critical violations on the page as it is now, in a form that reads well. */
async function violations(page: Page, include?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
  if (include) builder = builder.include(include);
  const { violations: found } = await builder.analyze();
  return found
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(" ")}${detail(n.any[0]?.data)}`).join(", ")}`);
}

/** For a contrast failure, the colours and the ratio axe measured. */
function detail(data: unknown): string {
  if (!data || typeof data !== "object" || !("contrastRatio" in data)) return "";
  const { fgColor, bgColor, contrastRatio } = data as { fgColor: string; bgColor: string; contrastRatio: number };
  return ` [${fgColor} on ${bgColor}: ${contrastRatio}]`;
}

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`accessibility, ${colorScheme} theme`, () => {
    test.use({ colorScheme });
    // axe reads the whole page several times per test: slow on a busy two-core machine.
    test.setTimeout(180_000);

    test("sign-in and sign-up screens", async ({ page }) => {
      await page.goto("/");
      await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();
      expect(await violations(page), "sign-in").toEqual([]);
      await page.getByRole("button", { name: "Sign up" }).click();
      await expect(page.getByLabel("Email")).toBeVisible();
      expect(await violations(page), "sign-up").toEqual([]);
    });

    test("chat, reply, reaction and emoji pickers, settings dialogs", async ({ page }) => {
      await signUp(page, "axe");
      await createRoom(page, "axe");
      await send(page, "Hello, accessible world");
      const row = messageRow(page, "Hello, accessible world");
      await expect(row).not.toContainText("Sending…");
      expect(await violations(page), "chat").toEqual([]);

      // Replying: the quote above the composer.
      await row.hover();
      await row.getByRole("button", { name: "Reply" }).click();
      await expect(page.getByRole("button", { name: "Cancel reply" })).toBeVisible();
      expect(await violations(page), "reply").toEqual([]);
      await page.getByRole("button", { name: "Cancel reply" }).click();

      // The reaction picker with the full emoji picker open.
      await row.hover();
      await row.getByRole("button", { name: "React" }).click();
      const react = page.getByRole("dialog", { name: "Add a reaction" });
      await react.getByRole("button", { name: "All emoji" }).click();
      await expect(react.getByRole("tab").first()).toBeVisible();
      expect(await violations(page), "reaction picker").toEqual([]);
      await page.keyboard.press("Escape");

      // The composer's emoji picker and its :shortcode list.
      await page.getByRole("button", { name: "Emoji", exact: true }).click();
      await expect(page.getByRole("dialog", { name: "Emoji picker" }).getByRole("tab").first()).toBeVisible();
      expect(await violations(page), "composer emoji picker").toEqual([]);
      await page.keyboard.press("Escape");
      await page.getByRole("textbox", { name: "Message", exact: true }).fill(":smil");
      await expect(page.getByRole("listbox", { name: "Emoji" })).toBeVisible();
      expect(await violations(page), "shortcode list").toEqual([]);
      await page.getByRole("textbox", { name: "Message", exact: true }).fill("");

      // Settings: the account menu and its dialogs.
      await page.getByRole("button", { name: "Account" }).click();
      await expect(page.getByRole("menuitem", { name: "Sessions" })).toBeVisible();
      expect(await violations(page), "account menu").toEqual([]);
      await page.getByRole("menuitem", { name: "Sessions" }).click();
      await expect(page.getByRole("list", { name: "Sessions" })).toBeVisible();
      expect(await violations(page), "sessions dialog").toEqual([]);
      await page.keyboard.press("Escape");
      await page.getByRole("button", { name: "Account" }).click();
      await page.getByRole("menuitem", { name: "Change password" }).click();
      await expect(page.getByRole("dialog", { name: "Change password" })).toBeVisible();
      expect(await violations(page), "change password dialog").toEqual([]);
    });
  });
}
