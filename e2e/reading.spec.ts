import type { Browser, Page } from "@playwright/test";
import { call, query, signUpApi } from "./support/api";
import { createRoom, expect, joinRoom, messageRow, send, signUp, test } from "./support/fixtures";

// Reading like a team does (issue 10), as two people see it: unread counts and the mention
// badge, the tab title, a browser notification (asked for only after the switch), the "New
// messages" divider and marking read at the bottom, @ suggestions, replies, reactions, search.

/**
 * Runs in the page before the app: a stand-in for the browser's Notification that records the
 * permission requests and the notifications shown, and a tab whose visibility the test sets
 * (Playwright's pages are always visible).
 */
function stubNotificationsAndVisibility() {
  type Notes = { requests: number; shown: { title: string; body: string }[] };
  const w = window as unknown as { __notes: Notes; __setHidden: (hidden: boolean) => void; Notification: unknown };
  w.__notes = { requests: 0, shown: [] };
  let hidden = false;
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  w.__setHidden = (next: boolean) => {
    hidden = next;
    document.dispatchEvent(new Event("visibilitychange"));
  };
  class RecordingNotification {
    static permission: NotificationPermission = "default";
    static requestPermission(): Promise<NotificationPermission> {
      w.__notes.requests += 1;
      RecordingNotification.permission = "granted";
      return Promise.resolve("granted");
    }
    onclick: (() => void) | null = null;
    constructor(title: string, options?: { body?: string }) {
      w.__notes.shown.push({ title, body: options?.body ?? "" });
    }
    close() {}
  }
  w.Notification = RecordingNotification;
}

type Notes = { requests: number; shown: { title: string; body: string }[] };
const notes = (page: Page) => page.evaluate(() => (window as unknown as { __notes: Notes }).__notes);
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((h) => (window as unknown as { __setHidden: (h: boolean) => void }).__setHidden(h), hidden);

/** A second person in their own browser context, with notifications permitted and recorded. */
async function newPerson(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(["notifications"]);
  await context.addInitScript(stubNotificationsAndVisibility);
  return context.newPage();
}

const roomLink = (page: Page, name: string) => page.getByRole("navigation", { name: "Channels" }).getByRole("link", { name, exact: true });

test.describe("reading", () => {
  test("a mention: badge, title, notification after the switch, the divider, then read at the bottom; reply and react", async ({
    page,
    browser,
    baseURL,
  }) => {
    // One story with two people: longer than the suite's default minute on a busy machine.
    test.setTimeout(180_000);
    const alice = page;
    const bob = await newPerson(browser, baseURL);
    const a = await signUp(alice, "alice");
    const b = await signUp(bob, "bob");
    const room = await createRoom(alice, "reading");
    await joinRoom(bob, room);
    await send(alice, "Earlier, already read");
    await expect(messageRow(bob, "Earlier, already read")).toBeVisible();

    // Bob goes elsewhere; nothing asked the browser for permission on load.
    await bob.goto("/");
    await expect(bob.getByRole("heading", { name: "Pick a room" })).toBeVisible();
    expect((await notes(bob)).requests).toBe(0);
    // Turning notifications on is what asks.
    const bell = bob.getByRole("switch", { name: "Notifications" });
    await expect(bell).toHaveAttribute("aria-checked", "false");
    await bell.click();
    await expect(bell).toHaveAttribute("aria-checked", "true");
    expect((await notes(bob)).requests).toBe(1);
    await setHidden(bob, true);

    // Alice writes, then mentions him through the @ suggestions, by keyboard.
    await send(alice, "Context first: the launch moved");
    const box = alice.getByRole("textbox", { name: "Message", exact: true });
    await box.pressSequentially(`Can you check, @${b.username.slice(0, 4)}`, { delay: 10 });
    const suggestions = alice.getByRole("listbox", { name: "Mention someone" });
    await expect(suggestions.getByRole("option", { name: b.username })).toHaveAttribute("aria-selected", "true");
    await box.press("Enter");
    await expect(suggestions).toHaveCount(0);
    await expect(box).toHaveValue(`Can you check, @${b.username} `);
    await box.pressSequentially("today?", { delay: 10 });
    await box.press("Enter");
    const mentionText = `Can you check, @${b.username} today?`;
    await expect(messageRow(alice, mentionText)).toBeVisible();

    // Bob's sidebar: bold, two unread, one of them a mention; the tab title counts them.
    const link = roomLink(bob, room);
    await expect(link.getByLabel("2 unread messages")).toBeVisible();
    await expect(link.getByLabel("1 mention")).toBeVisible();
    await expect(link).toHaveClass(/is-unread/);
    await expect(bob).toHaveTitle("(2) Parley");
    // His hidden tab raised one notification, for the mention only.
    await expect
      .poll(async () => (await notes(bob)).shown)
      .toEqual([{ title: `${a.username} mentioned you in #${room}`, body: mentionText }]);

    // Back in the tab, he opens the room: the divider sits above the first unread message, the
    // mention is highlighted, and having it all on screen at the bottom marks it read.
    await setHidden(bob, false);
    await link.click();
    const log = bob.getByRole("log");
    const divider = log.getByText("New messages", { exact: true });
    await expect(divider).toBeVisible();
    const rows = log.locator("li");
    const texts = await rows.allInnerTexts();
    const at = texts.findIndex((t) => t.trim() === "New messages");
    expect(texts[at + 1]).toContain("Context first: the launch moved");
    expect(texts.slice(0, at).join("\n")).toContain("Earlier, already read");
    await expect(messageRow(bob, mentionText)).toHaveClass(/is-mention/);
    await expect(roomLink(bob, room).getByLabel(/unread/)).toHaveCount(0);
    await expect(bob).toHaveTitle(`#${room} · Parley`);

    // Reply: the composer shows what it answers; Escape cancels; the sent reply quotes it.
    await messageRow(bob, mentionText).hover();
    await messageRow(bob, mentionText).getByRole("button", { name: "Reply" }).click();
    const replying = bob.locator(".composer-reply");
    await expect(replying).toContainText(`Replying to ${a.username}`);
    await expect(replying).toContainText(mentionText);
    await expect(bob.getByRole("textbox", { name: "Message", exact: true })).toBeFocused();
    await bob.getByRole("textbox", { name: "Message", exact: true }).press("Escape");
    await expect(replying).toHaveCount(0);
    await messageRow(bob, mentionText).hover();
    await messageRow(bob, mentionText).getByRole("button", { name: "Reply" }).click();
    await send(bob, "On it");
    const reply = messageRow(alice, "On it");
    await expect(reply.locator(".msg-quote")).toContainText(a.username);
    await expect(reply.locator(".msg-quote")).toContainText(mentionText);
    // Bob's own reply did not count as unread for him; Alice's sidebar is unchanged too (she is
    // reading at the bottom).
    await expect(roomLink(alice, room).getByLabel(/unread/)).toHaveCount(0);
    // Clicking the quote goes to the original (the row without a quote).
    await reply.locator(".msg-quote").click();
    await expect(messageRow(alice, mentionText).filter({ hasNot: alice.locator(".msg-quote") })).toBeFocused();

    // React: Alice picks 👍 on Bob's reply; Bob sees it with her name in the tooltip.
    await reply.hover();
    await reply.getByRole("button", { name: "React" }).click();
    await alice.getByRole("dialog", { name: "Add a reaction" }).getByRole("button", { name: "👍" }).click();
    const bobsView = messageRow(bob, "On it").getByRole("group", { name: "Reactions" });
    const thumbs = bobsView.getByRole("button", { name: "👍 1" });
    await expect(thumbs).toHaveAttribute("title", `${a.username} reacted with 👍`);
    await expect(thumbs).toHaveAttribute("aria-pressed", "false");
    // Bob adds his by clicking hers; clicking his own removes it again.
    await thumbs.click();
    await expect(bobsView.getByRole("button", { name: "👍 2" })).toHaveAttribute("aria-pressed", "true");
    await expect(reply.getByRole("button", { name: "👍 2" })).toHaveAttribute("title", `you and ${b.username} reacted with 👍`);
    await bobsView.getByRole("button", { name: "👍 2" }).click();
    await expect(bobsView.getByRole("button", { name: "👍 1" })).toHaveAttribute("aria-pressed", "false");
    // Any emoji through the picker's field.
    await messageRow(bob, "On it").hover();
    await messageRow(bob, "On it").getByRole("button", { name: "React" }).click();
    await bob.getByRole("textbox", { name: "Any emoji" }).fill("🦄");
    await bob.getByRole("button", { name: "Add", exact: true }).click();
    await expect(reply.getByRole("button", { name: "🦄 1" })).toHaveAttribute("title", `${b.username} reacted with 🦄`);

    await bob.context().close();
  });

  test("many unread messages: the room opens at the divider and is marked read only at the bottom", async ({ page, baseURL }) => {
    await signUp(page, "reader");
    const room = await createRoom(page, "busy");
    await send(page, "Before the rush");
    await expect(messageRow(page, "Before the rush")).not.toContainText("Sending…");
    const dave = await signUpApi(baseURL!, "dave");
    const rooms = await query<{ id: string; name: string }[]>(baseURL!, "room.list", undefined, dave.token);
    const roomId = rooms.find((r) => r.name === room)!.id;
    await call(baseURL!, "room.join", { roomId }, dave.token);
    await page.goto("/");
    for (let i = 1; i <= 40; i++) await call(baseURL!, "message.send", { roomId, text: `update ${i}` }, dave.token);
    const link = roomLink(page, room);
    await expect(link.getByLabel("40 unread messages")).toBeVisible();
    await expect(page).toHaveTitle("(40) Parley");

    await link.click();
    // It opens at the first unread message, not at the bottom…
    await expect(page.getByRole("log").getByText("New messages", { exact: true })).toBeInViewport();
    await expect(messageRow(page, "update 1")).toBeInViewport();
    await expect(messageRow(page, "update 40")).not.toBeInViewport();
    // …and nothing is read until the reader gets there.
    await page.waitForTimeout(1_000);
    await expect(link.getByLabel("40 unread messages")).toBeVisible();
    await page.getByRole("log").hover();
    await page.mouse.wheel(0, 10_000);
    await expect(messageRow(page, "update 40")).toBeInViewport();
    await expect(link.getByLabel(/unread/)).toHaveCount(0);
    await expect(page).toHaveTitle(`#${room} · Parley`);
    // Staying at the bottom, new messages are read as they come.
    await call(baseURL!, "message.send", { roomId, text: "update 41" }, dave.token);
    await expect(messageRow(page, "update 41")).toBeVisible();
    await page.waitForTimeout(1_000);
    await expect(link.getByLabel(/unread/)).toHaveCount(0);

    // Another room, then back (the app kept this room's history): the divider is above what
    // came meanwhile.
    await createRoom(page, "elsewhere");
    await call(baseURL!, "message.send", { roomId, text: "while away 1" }, dave.token);
    await call(baseURL!, "message.send", { roomId, text: "while away 2" }, dave.token);
    await expect(link.getByLabel("2 unread messages")).toBeVisible();
    await link.click();
    const texts = page.getByRole("log").locator("li");
    await expect(page.getByRole("log").getByText("New messages", { exact: true })).toBeVisible();
    const all = await texts.allInnerTexts();
    const at = all.findIndex((t) => t.trim() === "New messages");
    expect(all[at + 1]).toContain("while away 1");
    expect(all[at - 1]).toContain("update 41");
    await expect(link.getByLabel(/unread/)).toHaveCount(0);
  });

  test("an event that is not a message while reading, then messages while away: the divider sits above the new ones only", async ({
    page,
    baseURL,
  }) => {
    await signUp(page, "returner");
    const room = await createRoom(page, "calm");
    const erin = await signUpApi(baseURL!, "erin");
    const rooms = await query<{ id: string; name: string }[]>(baseURL!, "room.list", undefined, erin.token);
    const roomId = rooms.find((r) => r.name === room)!.id;
    await call(baseURL!, "room.join", { roomId }, erin.token);
    const first = await call<{ id: string }>(baseURL!, "message.send", { roomId, text: "read one" }, erin.token);
    await call(baseURL!, "message.send", { roomId, text: "read two" }, erin.token);
    await expect(messageRow(page, "read two")).toBeVisible();
    const link = roomLink(page, room);
    await expect(link.getByLabel(/unread/)).toHaveCount(0);
    // A reaction comes while the reader is here, reading: nothing is unread, but the history the
    // app keeps has moved on.
    await call(baseURL!, "message.react", { messageId: first.id, emoji: "👍" }, erin.token);
    await expect(messageRow(page, "read one").getByRole("button", { name: "👍 1" })).toBeVisible();

    // Elsewhere, two messages come; back in the room, only they are below the divider.
    await createRoom(page, "meanwhile");
    await call(baseURL!, "message.send", { roomId, text: "while away 1" }, erin.token);
    await call(baseURL!, "message.send", { roomId, text: "while away 2" }, erin.token);
    await expect(link.getByLabel("2 unread messages")).toBeVisible();
    await link.click();
    await expect(messageRow(page, "while away 2")).toBeVisible();
    const log = page.getByRole("log");
    await expect(log.getByText("New messages", { exact: true })).toBeVisible();
    const all = await log.locator("li").allInnerTexts();
    const at = all.findIndex((t) => t.trim() === "New messages");
    expect(all[at + 1]).toContain("while away 1");
    expect(all[at - 1]).toContain("read two");
  });

  test("search finds a message in an older page and opens the room there", async ({ page, baseURL }) => {
    await signUp(page, "searcher");
    const room = await createRoom(page, "archive");
    // Someone else fills the room over the API: the message sought, then more than a page on top.
    const carol = await signUpApi(baseURL!, "carol");
    const rooms = await query<{ id: string; name: string }[]>(baseURL!, "room.list", undefined, carol.token);
    const roomId = rooms.find((r) => r.name === room)!.id;
    await call(baseURL!, "room.join", { roomId }, carol.token);
    await call(baseURL!, "message.send", { roomId, text: "The quarterly Zebra report is in the shared drive" }, carol.token);
    for (let i = 0; i < 70; i++) await call(baseURL!, "message.send", { roomId, text: `filler ${i}` }, carol.token);
    await expect(messageRow(page, "filler 69")).toBeVisible();
    // Elsewhere, so that opening the room is the search's doing.
    await page.goto("/");

    const search = page.getByRole("textbox", { name: "Search messages" });
    // Whole words only: the start of one finds nothing, and says so.
    await search.fill("zebr");
    await search.press("Enter");
    await expect(page.getByText(`No messages with "zebr"`)).toBeVisible();
    await search.fill("zebra QUARTERLY");
    await search.press("Enter");
    const results = page.getByRole("list", { name: "Search results" });
    const hit = results.getByRole("listitem").filter({ hasText: "shared drive" });
    await expect(hit).toHaveCount(1);
    await expect(hit).toContainText(`#${room}`);
    await expect(hit).toContainText(carol.username);
    await expect(hit.locator("time")).toBeVisible();
    await expect(hit.locator("mark")).toHaveText(["quarterly", "Zebra"]);
    await hit.getByRole("button").click();
    await expect(results).toHaveCount(0);
    await expect(page.getByRole("heading", { level: 1, name: room })).toBeVisible();
    const found = messageRow(page, "The quarterly Zebra report is in the shared drive");
    await expect(found).toBeInViewport();
    await expect(found).toBeFocused();
  });
});
