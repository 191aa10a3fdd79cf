#!/usr/bin/env node
// Screenshots of the web app for the README and docs/screenshots/: starts the built server on
// a fresh database, seeds a believable conversation over the API, and photographs the main
// screens in Debian's Chromium at 1280 px and 375 px, light and dark. Run after `pnpm run build`:
//
//   node scripts/screenshots.mjs
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = path.join(root, "docs", "screenshots");
const executablePath = process.env.PARLEY_CHROMIUM ?? "/usr/bin/chromium";
const PASSWORD = "correct horse battery staple";

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const main = path.join(root, "apps", "server", "dist", "main.js");
  if (!existsSync(main)) throw new Error("Build first: pnpm run build");
  const dataDir = await mkdtemp(path.join(tmpdir(), "parley-shots-"));
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    cwd: root,
    // The server logs to stdout: warnings and errors only, shown here (an unread pipe would fill up).
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: "",
      RATE_LIMITS: "off",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error("The server exited");
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Calls a procedure over HTTP and returns its result's data.
 * @param {string} url
 * @param {string} procedure
 * @param {unknown} input
 * @param {string} [token]
 * @returns {Promise<unknown>}
 */
async function call(url, procedure, input, token) {
  const response = await fetch(`${url}/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input ?? null),
  });
  const body = /** @type {{ result?: { data: unknown }, error?: { message: string } }} */ (await response.json());
  if (!body.result) throw new Error(`${procedure}: ${body.error?.message}`);
  return body.result.data;
}

/**
 * People, rooms and a conversation that reads like a real team's.
 * @param {string} url
 */
async function seed(url) {
  /** @type {(name: string) => Promise<string>} the new person's session token */
  const signup = async (name) => {
    const data = await call(url, "auth.signup", { username: name, email: `${name}@example.com`, password: PASSWORD });
    return /** @type {{ token: string }} */ (data).token;
  };
  const people = { maya: await signup("maya"), leo: await signup("leo"), sam: await signup("sam"), priya: await signup("priya") };
  /** @type {(name: string, owner: string, extra?: { visibility?: string, topic?: string }) => Promise<string>} the new room's id */
  const create = async (name, owner, extra = {}) =>
    /** @type {{ id: string }} */ (await call(url, "room.create", { name, ...extra }, owner)).id;
  const rooms = {
    "design-review": await create("design-review", people.maya, { topic: "Work in progress, critiques welcome" }),
    general: await create("general", people.leo),
    "launch-plans": await create("launch-plans", people.maya, {
      visibility: "private",
      topic: "Dates, owners and the go/no-go list for v2",
    }),
    "release-train": await create("release-train", people.sam),
    random: await create("random", people.priya),
    support: await create("support", people.sam),
  };
  // A private channel: Maya owns it, Leo is an admin, Sam a member; Priya is not in it.
  for (const username of ["leo", "sam"]) await call(url, "room.addMember", { roomId: rooms["launch-plans"], username }, people.maya);
  await call(url, "room.setRole", { roomId: rooms["launch-plans"], username: "leo", role: "admin" }, people.maya);
  await call(url, "message.send", { roomId: rooms["launch-plans"], text: "Go/no-go is Thursday at 10." }, people.maya);
  for (const token of Object.values(people)) {
    for (const roomId of [rooms["design-review"], rooms.general]) await call(url, "room.join", { roomId }, token);
  }
  await call(url, "room.join", { roomId: rooms["release-train"] }, people.maya);
  // [who, text, the index of the message it replies to]
  /** @type {[keyof typeof people, string, number?][]} */
  const script = [
    ["leo", "Morning! The new onboarding flow is up on staging."],
    ["leo", "Link for anyone who wants to click through: https://staging.example.com/onboarding"],
    ["priya", "Nice. The empty states read much better now."],
    ["sam", "One thing: on a 375 px phone the second step's button sits under the keyboard."],
    ["maya", "Good catch. I'll move the primary action into the header on small screens."],
    ["priya", "Also: typing <b>bold</b> shows exactly that, tags and all. Just what we want."],
    ["leo", "Ha, yes. Markup is just text."],
    ["maya", "Pushed a fix. @sam, can you check again on your phone?\nSame link as before."],
    ["sam", "Looks right now. The button stays visible and the copy fits on one line.", 7],
    ["priya", "@maya shipping it with tomorrow's release then?"],
  ];
  /** @type {string[]} */
  const sent = [];
  for (const [who, text, replyTo] of script) {
    const reply = replyTo === undefined ? {} : { replyToId: sent[replyTo] };
    const message = /** @type {{ id: string }} */ (
      await call(url, "message.send", { roomId: rooms["design-review"], text, ...reply }, people[who])
    );
    sent.push(message.id);
  }
  // Reactions on Sam's answer.
  for (const [who, emoji] of /** @type {[keyof typeof people, string][]} */ ([
    ["maya", "🎉"],
    ["leo", "🎉"],
    ["priya", "👍"],
  ])) {
    await call(url, "message.react", { messageId: sent[8], emoji }, people[who]);
  }
  // Something waiting for Maya elsewhere: unread in #general, a mention in #release-train.
  await call(
    url,
    "message.send",
    { roomId: rooms["release-train"], text: "@maya the v2 train leaves Thursday; anything to add?" },
    people.sam,
  );
  for (const [who, text] of /** @type {[keyof typeof people, string][]} */ ([
    ["leo", "Lunch at 12:30 anyone?"],
    ["sam", "In. The usual place?"],
  ])) {
    await call(url, "message.send", { roomId: rooms.general, text }, people[who]);
  }
  // Direct messages: Maya with Priya, then with Leo (the newest first in her sidebar).
  for (const [from, to, text] of /** @type {[keyof typeof people, string, string][]} */ ([
    ["priya", "maya", "Do you have the icon set somewhere I can grab it?"],
    ["leo", "maya", "Can we swap our 1:1 to Friday?"],
  ])) {
    const dm = /** @type {{ id: string }} */ (await call(url, "dm.open", { username: to }, people[from]));
    await call(url, "message.send", { roomId: dm.id, text }, people[from]);
  }
  return { people, rooms };
}

/**
 * A browser context that carries `token` as its session cookie.
 * @param {import("playwright-core").Browser} browser
 * @param {string} url
 * @param {string} token
 * @param {import("playwright-core").BrowserContextOptions} options
 */
async function signedIn(browser, url, token, options) {
  const context = await browser.newContext({ baseURL: url, deviceScaleFactor: 2, ...options });
  await context.addCookies([{ name: "parley_session", value: token, url, httpOnly: true, sameSite: "Lax" }]);
  return context;
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--font-render-hinting=none",
    ],
  });
  try {
    const { people, rooms } = await seed(server.url);
    const roomPath = `/rooms/${rooms["design-review"]}`;
    /** @type {(page: import("playwright-core").Page, name: string) => Promise<void>} */
    const shoot = async (page, name) => {
      // Finite CSS animations (a menu dropping in) are run to their end first.
      await page.screenshot({ path: path.join(outDir, name), animations: "disabled" });
      console.log(`wrote docs/screenshots/${name}`);
    };

    // Leo sits in the room and starts typing, so Maya sees presence and "leo is typing…".
    const leo = await (await signedIn(browser, server.url, people.leo, { viewport: { width: 1280, height: 800 } })).newPage();
    await leo.goto(roomPath);
    await leo.getByRole("textbox", { name: "Message", exact: true }).waitFor();
    const keepTyping = async () => {
      // The app sends at most one typing event per 2 s; let the last one age out first.
      await leo.waitForTimeout(2_100);
      await leo.getByRole("textbox", { name: "Message", exact: true }).fill("");
      await leo.getByRole("textbox", { name: "Message", exact: true }).pressSequentially("Yes, let's", { delay: 30 });
    };

    for (const [scheme, suffix] of /** @type {const} */ ([
      ["light", ""],
      ["dark", "-dark"],
    ])) {
      const desktop = await // 1x: the README shows it under 700 px wide, so 1280 px stays sharp, at half the bytes of 2x.
      (
        await signedIn(browser, server.url, people.maya, {
          viewport: { width: 1280, height: 800 },
          colorScheme: scheme,
          deviceScaleFactor: 1,
        })
      ).newPage();
      await desktop.goto(roomPath);
      await desktop.getByRole("list", { name: "Online" }).getByText("leo").waitFor();
      await keepTyping();
      await desktop.getByText("leo is typing…").waitFor();
      await shoot(desktop, `chat-desktop${suffix}.png`);

      // The private channel, its members with their roles, and the owner adding someone.
      if (scheme === "light") {
        await desktop.goto(`/rooms/${rooms["launch-plans"]}`);
        // A member row's one menu: what the owner may do to sam.
        await desktop.getByRole("button", { name: "More actions for sam" }).click();
        await desktop.getByRole("menuitem", { name: "Make admin" }).waitFor();
        await shoot(desktop, "member-menu-desktop.png");
        await desktop.keyboard.press("Escape");
        await desktop.getByRole("button", { name: "Add people" }).click();
        await desktop.getByRole("textbox", { name: "Search people" }).fill("pri");
        await desktop.getByRole("region", { name: "Members" }).getByRole("button", { name: "priya" }).waitFor();
        await shoot(desktop, "members-desktop.png");
        await desktop.keyboard.press("Escape");

        // Browse channels: every channel with its topic and member count, joined or not.
        await desktop.getByRole("button", { name: "Browse channels" }).click();
        await desktop.getByRole("dialog", { name: "Browse channels" }).getByRole("listitem").first().waitFor();
        await shoot(desktop, "browse-desktop.png");
        await desktop.keyboard.press("Escape");

        // The account menu, then the sessions it lists (this browser and the seeding's calls).
        await desktop.getByRole("button", { name: "Account", exact: true }).click();
        await desktop.getByRole("menuitem", { name: "Sessions" }).waitFor();
        await shoot(desktop, "account-desktop.png");
        await desktop.getByRole("menuitem", { name: "Sessions" }).click();
        await desktop.getByRole("list", { name: "Sessions" }).waitFor();
        await shoot(desktop, "sessions-desktop.png");
        await desktop.keyboard.press("Escape");
      }

      const phone = await (
        await signedIn(browser, server.url, people.maya, {
          viewport: { width: 375, height: 812 },
          colorScheme: scheme,
          isMobile: true,
          hasTouch: true,
        })
      ).newPage();
      await phone.goto(roomPath);
      await phone.getByRole("list", { name: "Online" }).getByText("leo").waitFor();
      await keepTyping();
      await phone.getByText("leo is typing…").waitFor();
      await shoot(phone, `chat-phone${suffix}.png`);
      await phone.goto("/");
      await phone.getByRole("navigation", { name: "Rooms" }).waitFor();
      await shoot(phone, `rooms-phone${suffix}.png`);
      await desktop.context().close();
      await phone.context().close();
    }

    for (const [width, height, name] of /** @type {const} */ ([
      [1280, 800, "login-desktop.png"],
      [375, 812, "login-phone.png"],
    ])) {
      // 1x on the wide one: its gradient would make a 2x image needlessly heavy.
      const context = await browser.newContext({
        baseURL: server.url,
        viewport: { width, height },
        deviceScaleFactor: width > 800 ? 1 : 2,
      });
      const page = await context.newPage();
      await page.goto("/");
      await page.getByRole("button", { name: "Log in" }).waitFor();
      await shoot(page, name);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
