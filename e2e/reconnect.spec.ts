import type { Browser, Page } from "@playwright/test";
import { call, query, signUpApi } from "./support/api";
import { createRoom, expect, joinRoom, messageRow, send, signUp, test } from "./support/fixtures";
import { networkTap } from "./support/network";

async function newPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  return context.newPage();
}

/** Marks the page; `stillSamePage` is false after any reload or navigation. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { parleyMark: boolean }).parleyMark = true));
}
async function stillSamePage(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { parleyMark?: boolean }).parleyMark === true);
}

/** The texts of the log's messages, in order. */
async function logTexts(page: Page): Promise<string[]> {
  return page.getByRole("log").locator(".msg-text").allTextContents();
}

function banner(page: Page) {
  return page.getByRole("status").getByText(/Reconnecting/);
}

test("two people keep chatting through a server restart: banner, catch-up, nothing lost or doubled", async ({
  page,
  browser,
  baseURL,
  server,
}) => {
  test.setTimeout(90_000);
  const alice = page;
  const bob = await newPage(browser, baseURL);
  const a = await signUp(alice, "alice");
  const b = await signUp(bob, "bob");
  const room = await createRoom(alice, "restart");
  await joinRoom(bob, room);
  await expect(alice.getByRole("list", { name: "Online" })).toContainText(b.username);

  // A third member who writes over HTTP the moment the server is back.
  const carol = await signUpApi(server.url, "carol");
  const rooms = await query<{ id: string; name: string }[]>(server.url, "room.list", undefined, carol.token);
  const roomId = rooms.find((r) => r.name === room)?.id;
  expect(roomId).toBeTruthy();
  await call(server.url, "room.join", { roomId }, carol.token);

  await send(alice, "before the restart");
  await expect(messageRow(bob, "before the restart")).toBeVisible();
  await markPage(alice);
  await markPage(bob);

  await server.stop();
  await expect(banner(alice)).toBeVisible();
  await expect(banner(bob)).toBeVisible();

  // Sent while the server is down: shown at once as pending.
  await send(alice, "sent while the server was down");
  await expect(messageRow(alice, "sent while the server was down")).toContainText("Sending…");

  await server.startAgain();
  for (let i = 1; i <= 3; i++) {
    await call(server.url, "message.send", { roomId, text: `from carol ${i}` }, carol.token);
  }

  await expect(banner(alice)).toBeHidden({ timeout: 30_000 });
  await expect(banner(bob)).toBeHidden({ timeout: 30_000 });

  const expected = ["before the restart", "sent while the server was down", "from carol 1", "from carol 2", "from carol 3"];
  for (const viewer of [alice, bob]) {
    await expect(async () => {
      const texts = await logTexts(viewer);
      expect([...texts].sort()).toEqual([...expected].sort());
      // Carol's come in the order she wrote them.
      expect(texts.filter((t) => t.startsWith("from carol"))).toEqual(["from carol 1", "from carol 2", "from carol 3"]);
    }).toPass({ timeout: 15_000 });
    expect(await stillSamePage(viewer)).toBe(true);
  }
  await expect(messageRow(alice, "sent while the server was down")).not.toContainText("Sending…");

  // And the conversation simply goes on, both ways, with presence back.
  await send(bob, "still here?");
  await expect(messageRow(alice, "still here?")).toBeVisible();
  await send(alice, "yes!");
  await expect(messageRow(bob, "yes!")).toBeVisible();
  await expect(bob.getByRole("list", { name: "Online" })).toContainText(a.username);
  await bob.context().close();
});

test("after a network drop the room catches up on messages, edits and deletions without a reload", async ({ page, browser, baseURL }) => {
  const alice = page;
  const bob = await newPage(browser, baseURL);
  const network = await networkTap(bob);
  await signUp(alice, "alice");
  await signUp(bob, "bob");
  const room = await createRoom(alice, "dropouts");
  await joinRoom(bob, room);
  await send(alice, "one");
  await expect(messageRow(bob, "one")).toBeVisible();
  await markPage(bob);

  await network.drop();
  await expect(banner(bob)).toBeVisible();

  // While Bob is away: two new messages, an edit and a deletion.
  await send(alice, "two");
  await send(alice, "three");
  await expect(messageRow(alice, "three")).not.toContainText("Sending…");
  await messageRow(alice, "one").getByRole("button", { name: "Edit" }).click();
  await alice.getByRole("textbox", { name: "Edit text" }).fill("one, edited");
  await alice.getByRole("textbox", { name: "Edit text" }).press("Enter");
  await expect(messageRow(alice, "one, edited")).toBeVisible();
  await messageRow(alice, "two").getByRole("button", { name: "Delete" }).click();
  await expect(messageRow(alice, "two")).toHaveCount(0);

  await network.restore();
  await expect(banner(bob)).toBeHidden({ timeout: 30_000 });
  await expect(bob.getByRole("log").locator(".msg-text")).toHaveText(["one, edited (edited)", "three"]);
  expect(await stillSamePage(bob)).toBe(true);
  await bob.context().close();
});
