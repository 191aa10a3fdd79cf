import { call, signUpApi, uniqueName } from "./support/api";
import { expect, logIn, messageRow, openRoom, test } from "./support/fixtures";
import { networkTap } from "./support/network";

test("scrolling up loads older history without the view jumping", async ({ page, baseURL }) => {
  const server = baseURL ?? "";
  // 120 messages by three people, written over HTTP (each stays well inside the server's
  // per-person rate limit): three pages of 50 for the browser.
  const user = await signUpApi(server, "hist");
  const others = [await signUpApi(server, "hist"), await signUpApi(server, "hist")];
  const room = await call<{ id: string; name: string }>(server, "room.create", { name: uniqueName("history") }, user.token);
  const roomName = room.name;
  for (const other of others) await call(server, "room.join", { roomId: room.id }, other.token);
  const authors = [user, ...others];
  for (let i = 1; i <= 120; i++) {
    const author = authors[i % authors.length] ?? user;
    await call(server, "message.send", { roomId: room.id, text: `message ${i}`, clientMsgId: `seed-${i}` }, author.token);
  }

  await logIn(page, user.username);
  await openRoom(page, roomName);
  const log = page.getByRole("log");

  // The newest page, newest at the bottom and in view.
  await expect(messageRow(page, "message 120")).toBeInViewport();
  await expect(messageRow(page, "message 71")).toBeAttached();
  await expect(messageRow(page, "message 70")).toHaveCount(0);

  // Scroll to the top: the page before loads, and "message 71" stays where the reader saw it.
  // (Scrolled and measured in one script turn, before the app can react to the scroll.)
  const row71 = messageRow(page, "message 71");
  const seenAt = await row71.evaluate((row) => {
    const scroller = row.closest('[role="log"]');
    if (scroller) scroller.scrollTop = 0;
    return row.getBoundingClientRect().top;
  });
  await expect(messageRow(page, "message 21")).toBeAttached();
  await expect(messageRow(page, "message 21")).not.toBeInViewport();
  const nowAt = await row71.evaluate((row) => row.getBoundingClientRect().top);
  expect(Math.abs(nowAt - seenAt)).toBeLessThan(4);

  // With the mouse wheel, up to the very first message and the start of the room.
  await log.hover();
  await expect(async () => {
    await page.mouse.wheel(0, -4000);
    await expect(messageRow(page, "message 1")).toBeInViewport({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByText(`This is the very beginning of #${roomName}.`)).toBeVisible();

  // All 120, each once, in order.
  const texts = await log.locator(".msg-text").allTextContents();
  expect(texts).toEqual(Array.from({ length: 120 }, (_, i) => `message ${i + 1}`));
});

test("a message that arrives while older history is loading is not lost", async ({ page, baseURL }) => {
  const server = baseURL ?? "";
  const reader = await signUpApi(server, "reader");
  const writer = await signUpApi(server, "writer");
  const room = await call<{ id: string; name: string }>(server, "room.create", { name: uniqueName("race") }, writer.token);
  await call(server, "room.join", { roomId: room.id }, reader.token);
  for (let i = 1; i <= 55; i++) {
    await call(server, "message.send", { roomId: room.id, text: `old ${i}`, clientMsgId: `old-${i}` }, writer.token);
  }

  const network = await networkTap(page);
  await logIn(page, reader.username);
  await openRoom(page, room.name);
  await expect(messageRow(page, "old 55")).toBeVisible();

  // The older page takes a while; a new message arrives in the meantime.
  network.slowDown("message.list", 1_500);
  await page.getByRole("log").evaluate((el) => (el.scrollTop = 0));
  await expect(page.getByText("Loading older messages…")).toBeVisible();
  await call(server, "message.send", { roomId: room.id, text: "arrived during the load" }, writer.token);
  await expect(messageRow(page, "old 1")).toBeAttached();
  await expect(messageRow(page, "arrived during the load")).toHaveCount(1);
  const texts = await page.getByRole("log").locator(".msg-text").allTextContents();
  expect(texts).toEqual([...Array.from({ length: 55 }, (_, i) => `old ${i + 1}`), "arrived during the load"]);
});
