import { createRoom, expect, joinRoom, messageRow, send, signUp, test } from "./support/fixtures";
import { networkTap } from "./support/network";

test.describe("sending", () => {
  test("a send whose reply the dropped connection lost is retried once back, and stored once", async ({ page, browser, baseURL }) => {
    const bob = page;
    const network = await networkTap(bob);
    await signUp(bob, "bob");
    const room = await createRoom(bob, "lossy");
    const aliceContext = await browser.newContext({ baseURL });
    const alice = await aliceContext.newPage();
    await signUp(alice, "alice");
    await joinRoom(alice, room);

    // The message reaches the server, but the connection dies before the reply gets back.
    network.loseNextSendReply();
    await send(bob, "only once, please");
    await expect(messageRow(alice, "only once, please")).toBeVisible();
    await network.drop();
    await expect(bob.getByRole("status")).toContainText("Reconnecting");

    // Back online, the app sends it again with the same clientMsgId: the server keeps one.
    await network.restore();
    await expect(bob.getByRole("status")).not.toContainText("Reconnecting", { timeout: 30_000 });
    await expect(messageRow(bob, "only once, please")).toHaveCount(1);
    await expect(messageRow(bob, "only once, please")).not.toContainText(/Sending…|Not sent/);
    await send(bob, "and the next one");
    await expect(messageRow(alice, "and the next one")).toBeVisible();
    await alice.reload();
    await expect(messageRow(alice, "only once, please")).toHaveCount(1);
    await aliceContext.close();
  });

  test("a refused send says so and offers a retry that works", async ({ page }) => {
    const network = await networkTap(page);
    await signUp(page, "eve");
    await createRoom(page, "refused");

    network.refuseNextSend({ code: "TOO_MANY_REQUESTS", message: "Too many requests; slow down and try again" });
    await send(page, "try me again");
    const row = messageRow(page, "try me again");
    await expect(row.getByRole("alert")).toContainText("Too many attempts");
    await row.getByRole("button", { name: "Retry" }).click();
    await expect(row).not.toContainText(/Sending…|Too many/);
    await expect(row).toHaveCount(1);
    await page.reload();
    await expect(messageRow(page, "try me again")).toHaveCount(1);
  });
});
