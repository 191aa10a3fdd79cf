import { test as base, expect, type Page } from "@playwright/test";
import { PASSWORD, uniqueName } from "./api";
import { ServerProcess } from "./server";

/**
 * `server`: one real server per worker (the suite runs with one worker), on a fresh database.
 * `baseURL` points every page at it.
 */
export const test = base.extend<object, { server: ServerProcess }>({
  server: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await ServerProcess.start();
      await use(server);
      await server.dispose();
    },
    { scope: "worker", timeout: 90_000 },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.url);
  },
});

export { expect };

export type Person = { username: string; email: string; password: string };

/** Signs a new person up through the first screen, by the accessible names only. */
export async function signUp(page: Page, prefix: string): Promise<Person> {
  const person = { username: uniqueName(prefix), email: "", password: PASSWORD };
  person.email = `${person.username}@example.com`;
  await page.goto("/");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByLabel("Username").fill(person.username);
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
  return person;
}

/** Logs in through the first screen with a username or an email. */
export async function logIn(page: Page, login: string, password = PASSWORD): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Username or email").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
}

/** Creates a room from the sidebar; the app opens it. */
export async function createRoom(page: Page, prefix = "room"): Promise<string> {
  const name = uniqueName(prefix);
  await page.getByRole("button", { name: "Create channel" }).click();
  await page.getByLabel("Room name").fill(name);
  await page.getByRole("button", { name: "Create room" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  return name;
}

/**
 * Opens a room: from the "Rooms" navigation when the person is in it, else (the sidebar lists
 * joined rooms only) through "Browse channels".
 */
export async function openRoom(page: Page, name: string): Promise<void> {
  const link = page.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name, exact: true });
  if (await link.isVisible()) {
    await link.click();
  } else {
    await page.getByRole("button", { name: "Browse channels" }).click();
    const dialog = page.getByRole("dialog", { name: "Browse channels" });
    await dialog.getByLabel("Search channels").fill(name);
    await dialog.getByRole("link", { name, exact: true }).click();
  }
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

/** Opens a room and joins it. */
export async function joinRoom(page: Page, name: string): Promise<void> {
  await openRoom(page, name);
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByRole("button", { name: "Leave" })).toBeVisible();
}

/** Types and sends a message with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  await page.getByRole("textbox", { name: "Message", exact: true }).fill(text);
  await page.getByRole("textbox", { name: "Message", exact: true }).press("Enter");
}

/** The log's row holding exactly `text` (confirmed or pending). */
export function messageRow(page: Page, text: string) {
  return page
    .getByRole("log")
    .getByRole("listitem")
    .filter({ has: page.getByText(text, { exact: true }) });
}
