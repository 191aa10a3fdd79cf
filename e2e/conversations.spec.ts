import type { Browser, Page } from "@playwright/test";
import { signUpApi, uniqueName } from "./support/api";
import { expect, messageRow, openRoom, send, signUp, test } from "./support/fixtures";

// Conversations (issue 9) as two people see them: private channels, the member list with its
// roles, removal, the topic, and direct messages, every change arriving live.

/** A second person in their own browser context (own cookies, own socket). */
async function newPerson(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  return context.newPage();
}

const channels = (page: Page) => page.getByRole("navigation", { name: "Channels" });
const dms = (page: Page) => page.getByRole("navigation", { name: "Direct messages" });
/** The member list beside the conversation (a wide screen shows it; a narrow one, a dialog). */
const members = (page: Page) => page.getByRole("region", { name: "Members" });
const memberRow = (page: Page, username: string) =>
  members(page)
    .getByRole("listitem")
    .filter({ has: page.getByText(username, { exact: true }) });

/** Picks `action` ("Make admin", "Remove <username>") from a member row's "More actions" menu. */
async function memberAction(page: Page, username: string, action: string): Promise<void> {
  const row = memberRow(page, username);
  await row.getByRole("button", { name: `More actions for ${username}` }).click();
  await row.getByRole("menuitem", { name: action, exact: true }).click();
}

/** Removes a member through the menu, confirming in the dialog that asks first. */
async function removeMember(page: Page, username: string): Promise<void> {
  await memberAction(page, username, `Remove ${username}`);
  const confirm = page.getByRole("dialog", { name: `Remove ${username}?` });
  await confirm.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(confirm).toHaveCount(0);
}

/** Creates a private channel from the sidebar; the app opens it. */
async function createPrivateChannel(page: Page, prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await page.getByRole("button", { name: "Create channel" }).click();
  await page.getByLabel("Room name").fill(name);
  await page.getByRole("checkbox", { name: "Private" }).check();
  await page.getByRole("button", { name: "Create room" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  return name;
}

/** Adds `username` with "Add people" and its search-as-you-type picker. */
async function addPerson(page: Page, username: string): Promise<void> {
  await page.getByRole("button", { name: "Add people" }).click();
  const search = page.getByRole("textbox", { name: "Search people" });
  await expect(search).toBeFocused();
  // The start of the name is enough: the picker offers whoever it matches.
  await search.pressSequentially(username.slice(0, -2), { delay: 15 });
  await members(page).getByRole("button", { name: username, exact: true }).click();
  await expect(memberRow(page, username)).toContainText("Member");
  // Done: the picker closes and the focus goes back to "Add people".
  await expect(search).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Add people" })).toBeFocused();
}

test.describe("conversations", () => {
  test("a private channel: add someone, chat, make them admin, remove them; it leaves their sidebar live", async ({
    page,
    browser,
    baseURL,
  }) => {
    // One story with two people and confirmed removals: longer than the default minute on a busy machine.
    test.setTimeout(150_000);
    const alice = page;
    const bob = await newPerson(browser, baseURL);
    const a = await signUp(alice, "alice");
    const b = await signUp(bob, "bob");

    const room = await createPrivateChannel(alice, "secret");
    // A lock, not a "#", marks it in her sidebar; the link's name is still just the room's name.
    const link = channels(alice).getByRole("link", { name: room, exact: true });
    await expect(link).toHaveAttribute("title", "Private channel");
    await expect(link.locator("svg")).toBeVisible();
    // Nobody else sees it.
    await expect(channels(bob)).toBeVisible();
    await expect(channels(bob).getByRole("link", { name: room })).toHaveCount(0);

    // The owner sees herself as owner, and adds Bob: the room appears in his sidebar at once.
    await addPerson(alice, b.username);
    await expect(memberRow(alice, a.username)).toContainText("Owner");
    await expect(memberRow(alice, a.username).getByRole("button", { name: /Remove/ })).toHaveCount(0);
    await expect(memberRow(alice, a.username).getByRole("button", { name: /^More actions/ })).toHaveCount(0);
    await channels(bob).getByRole("link", { name: room, exact: true }).click();
    await expect(bob.getByRole("heading", { level: 1, name: room })).toBeVisible();

    // They chat.
    await send(alice, "Just us in here");
    await expect(messageRow(bob, "Just us in here")).toBeVisible();
    await send(bob, "Nice and quiet");
    await expect(messageRow(alice, "Nice and quiet")).toBeVisible();

    // Bob, a member, sees the list but cannot manage it.
    await expect(memberRow(bob, a.username)).toContainText("Owner");
    await expect(bob.getByRole("button", { name: "Add people" })).toHaveCount(0);
    await expect(members(bob).getByRole("button", { name: /^Remove/ })).toHaveCount(0);
    await expect(members(bob).getByRole("button", { name: "Make admin" })).toHaveCount(0);
    await expect(members(bob).getByRole("button", { name: /^More actions/ })).toHaveCount(0);

    // The owner makes him an admin: his list shows it live.
    await memberAction(alice, b.username, "Make admin");
    await expect(memberRow(alice, b.username)).toContainText("Admin");
    await expect(memberRow(bob, b.username)).toContainText("Admin");
    // As an admin he may add people now, but may not remove the owner.
    await expect(bob.getByRole("button", { name: "Add people" })).toBeVisible();
    await expect(memberRow(bob, a.username).getByRole("button", { name: /^Remove/ })).toHaveCount(0);

    // The owner removes him (a first click only asks): the room leaves his sidebar live, and he
    // is told who did it.
    await memberAction(alice, b.username, `Remove ${b.username}`);
    const confirm = alice.getByRole("dialog", { name: `Remove ${b.username}?` });
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toHaveCount(0);
    await expect(memberRow(alice, b.username)).toHaveCount(1);
    await removeMember(alice, b.username);
    await expect(memberRow(alice, b.username)).toHaveCount(0);
    await expect(channels(bob).getByRole("link", { name: room })).toHaveCount(0);
    await expect(bob.getByRole("alert")).toHaveText(new RegExp(`You were removed from #${room} by ${a.username}`));
    await expect(bob.getByRole("heading", { level: 1, name: room })).toHaveCount(0);
    await expect(bob.getByRole("textbox", { name: "Message", exact: true })).toHaveCount(0);
    await bob.getByRole("button", { name: "Dismiss" }).click();
    await expect(bob.getByRole("alert")).toHaveCount(0);

    // Its address now looks like any room that does not exist.
    await bob.goto(new URL(alice.url()).pathname);
    await expect(bob.getByRole("heading", { name: "This room doesn't exist" })).toBeVisible();

    // Added again, it comes back by itself; removed while he looks elsewhere, it still goes.
    await addPerson(alice, b.username);
    await expect(bob.getByRole("heading", { level: 1, name: room })).toBeVisible();
    await bob.goto("/");
    await expect(channels(bob).getByRole("link", { name: room, exact: true })).toBeVisible();
    await removeMember(alice, b.username);
    await expect(channels(bob).getByRole("link", { name: room })).toHaveCount(0);
    await bob.context().close();
  });

  test("the sidebar lists joined channels only; Browse channels finds the others by name or topic, with member counts, and joins", async ({
    page,
    browser,
    baseURL,
  }) => {
    const alice = page;
    const bob = await newPerson(browser, baseURL);
    await signUp(alice, "alice");
    await signUp(bob, "bob");
    const name = uniqueName("garden");
    await alice.getByRole("button", { name: "Create channel" }).click();
    const create = alice.getByRole("dialog", { name: "Create channel" });
    await expect(create.getByLabel("Room name")).toBeFocused();
    await create.getByLabel("Room name").fill(name);
    await create.getByLabel("Topic").fill("Tomatoes and other crops");
    await create.getByRole("button", { name: "Create room" }).click();
    await expect(create).toHaveCount(0);
    await expect(alice.getByRole("heading", { level: 1, name })).toBeVisible();
    // No member count in the sidebar: only the name.
    await expect(channels(alice).getByRole("link", { name, exact: true })).toHaveText(`#${name}`);

    // Bob is not in it: not in his sidebar, but in Browse channels, found by its topic.
    await expect(channels(bob)).toBeVisible();
    await expect(channels(bob).getByRole("link", { name })).toHaveCount(0);
    await bob.getByRole("button", { name: "Browse channels" }).click();
    const browse = bob.getByRole("dialog", { name: "Browse channels" });
    await expect(browse.getByLabel("Search channels")).toBeFocused();
    await browse.getByLabel("Search channels").fill("tomatoes");
    const item = browse.getByRole("listitem").filter({ has: bob.getByRole("link", { name, exact: true }) });
    await expect(item).toContainText("1 member");
    await expect(item).toContainText("Tomatoes and other crops");
    await browse.getByLabel("Search channels").fill("no such thing anywhere");
    await expect(browse.getByRole("status")).toHaveText('No channel matches "no such thing anywhere".');
    await browse.getByLabel("Search channels").fill(name);
    await item.getByRole("button", { name: `Join ${name}` }).click();
    await expect(browse).toHaveCount(0);
    await expect(bob.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(bob.getByRole("button", { name: "Leave" })).toBeVisible();
    await expect(channels(bob).getByRole("link", { name, exact: true })).toBeVisible();
    await bob.context().close();
  });

  test("the topic shows under the room's name and changes live for everyone", async ({ page, browser, baseURL }) => {
    const alice = page;
    const bob = await newPerson(browser, baseURL);
    await signUp(alice, "alice");
    await signUp(bob, "bob");
    const name = uniqueName("plans");
    await alice.getByRole("button", { name: "Create channel" }).click();
    await alice.getByLabel("Room name").fill(name);
    await alice.getByRole("button", { name: "Create room" }).click();
    await expect(alice.getByRole("heading", { level: 1, name })).toBeVisible();
    await openRoom(bob, name);
    await bob.getByRole("button", { name: "Join" }).click();
    await expect(bob.getByRole("button", { name: "Leave" })).toBeVisible();
    // Only the owner and admins may change it.
    await expect(bob.getByRole("button", { name: "Change topic" })).toHaveCount(0);

    await alice.getByRole("button", { name: "Change topic" }).click();
    await alice.getByRole("textbox", { name: "Topic" }).fill("Where the roadmap gets argued about");
    await alice.getByRole("textbox", { name: "Topic" }).press("Enter");
    await expect(alice.getByText("Where the roadmap gets argued about")).toBeVisible();
    await expect(bob.getByText("Where the roadmap gets argued about")).toBeVisible();
    await bob.context().close();
  });

  test("a dm started from the member list arrives live in the other person's sidebar; New message finds it again", async ({
    page,
    browser,
    baseURL,
  }) => {
    const alice = page;
    const bob = await newPerson(browser, baseURL);
    const a = await signUp(alice, "alice");
    const b = await signUp(bob, "bob");
    await createPrivateChannel(alice, "team");
    await addPerson(alice, b.username);

    // Alice clicks Bob's name in the member list and messages him.
    await memberRow(alice, b.username).getByRole("button", { name: b.username, exact: true }).click();
    await memberRow(alice, b.username)
      .getByRole("button", { name: `Message ${b.username}` })
      .click();
    await expect(alice.getByRole("heading", { level: 1, name: b.username })).toBeVisible();
    await expect(dms(alice).getByRole("link", { name: b.username, exact: true })).toHaveAttribute("aria-current", "page");
    // A dm has nobody to add and nothing to leave.
    await expect(alice.getByRole("button", { name: "Leave" })).toHaveCount(0);
    await expect(members(alice)).toHaveCount(0);

    // It is in Bob's "Direct messages" at once, under Alice's name.
    await expect(dms(bob).getByRole("link", { name: a.username, exact: true })).toBeVisible();
    await send(alice, "Got a minute?");
    await dms(bob).getByRole("link", { name: a.username, exact: true }).click();
    await expect(bob.getByRole("heading", { level: 1, name: a.username })).toBeVisible();
    await expect(messageRow(bob, "Got a minute?")).toBeVisible();
    await send(bob, "Sure");
    await expect(messageRow(alice, "Sure")).toBeVisible();

    // "New message" with someone already in a dm opens that same dm.
    await bob.getByRole("button", { name: "New message" }).click();
    const dialog = bob.getByRole("dialog", { name: "New message" });
    await expect(dialog.getByRole("textbox", { name: "Search people" })).toBeFocused();
    await dialog.getByRole("textbox", { name: "Search people" }).fill(a.username);
    await dialog.getByRole("textbox", { name: "Search people" }).press("Enter");
    await expect(dialog).toHaveCount(0);
    await expect(bob.getByRole("heading", { level: 1, name: a.username })).toBeVisible();
    await expect(dms(bob).getByRole("link")).toHaveCount(1);
    await bob.context().close();
  });

  test("New message: search people as you type and start a conversation", async ({ page, browser, baseURL }) => {
    const alice = page;
    const carol = await newPerson(browser, baseURL);
    await signUp(alice, "alice");
    const c = await signUp(carol, "carol");

    await alice.getByRole("button", { name: "New message" }).click();
    const dialog = alice.getByRole("dialog", { name: "New message" });
    const search = dialog.getByRole("textbox", { name: "Search people" });
    await search.pressSequentially(c.username.slice(0, 8), { delay: 15 });
    await dialog.getByRole("button", { name: c.username, exact: true }).click();
    await expect(alice.getByRole("heading", { level: 1, name: c.username })).toBeVisible();
    await send(alice, "Hello from a dm");
    await expect(dms(carol).getByRole("link", { name: /^alice_/ })).toBeVisible();

    // Somebody who does not exist: the server's answer is shown in the dialog.
    await alice.getByRole("button", { name: "New message" }).click();
    await search.fill("nobody_by_this_name");
    await expect(dialog.getByText('Nobody whose name starts with "nobody_by_this_name"')).toBeVisible();
    await search.press("Enter");
    await expect(dialog.getByRole("alert")).toContainText("No user named");
    await alice.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await carol.context().close();
  });

  test.describe("on a phone", () => {
    test.use({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });

    test("the member list opens from the room's header, with the same controls", async ({ page, server }) => {
      const ben = await signUpApi(server.url, "ben");
      await signUp(page, "owner");
      const room = await createPrivateChannel(page, "pocket");
      // No room for it beside the conversation: the header's "Members" opens it.
      await expect(page.getByRole("button", { name: "Add people" })).toHaveCount(0);
      await page.getByRole("button", { name: "Members" }).tap();
      const dialog = page.getByRole("dialog", { name: `Members of #${room}` });
      await dialog.getByRole("button", { name: "Add people" }).tap();
      await dialog.getByRole("textbox", { name: "Search people" }).fill(ben.username);
      await dialog.getByRole("textbox", { name: "Search people" }).press("Enter");
      const row = dialog.getByRole("listitem").filter({ has: page.getByText(ben.username, { exact: true }) });
      await expect(row).toContainText("Member");
      await row.getByRole("button", { name: `More actions for ${ben.username}` }).tap();
      await row.getByRole("menuitem", { name: "Make admin" }).tap();
      await expect(row).toContainText("Admin");
      await row.getByRole("button", { name: `More actions for ${ben.username}` }).tap();
      await row.getByRole("menuitem", { name: `Remove ${ben.username}` }).tap();
      await page
        .getByRole("dialog", { name: `Remove ${ben.username}?` })
        .getByRole("button", { name: "Remove", exact: true })
        .tap();
      await expect(row).toHaveCount(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await dialog.getByRole("button", { name: "Close" }).tap();
      await expect(dialog).toHaveCount(0);
    });
  });
});
