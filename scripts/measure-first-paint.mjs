#!/usr/bin/env node
// Measures the built web app's first paint in Chromium over a throttled link and prints it:
// first contentful paint and time to the room list (a signed-in reload of the chat view),
// first contentful paint of the sign-in page, and the gzip size of the JavaScript each screen
// loads. It starts the built server (apps/server/dist/main.js) on a fresh PGlite directory, so
// run `pnpm run build` first. Figures are printed, never asserted: a shared machine's timings
// vary. Options: --latency=150 (ms, one way as Chrome's emulation counts it) --kbps=1600 --runs=3
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("..", import.meta.url));
const serverMain = path.join(root, "apps", "server", "dist", "main.js");
/** @type {Record<string, number>} */
const options = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, "").split("=");
    return [key, Number(value)];
  }),
);
const latency = options.latency ?? 150;
const kbps = options.kbps ?? 1600;
const runs = options.runs ?? 3;

/**
 * A port nothing listens on right now.
 * @returns {Promise<number>}
 */
async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts the built server on a fresh data directory; resolves once /readyz answers. */
async function startServer() {
  if (!existsSync(serverMain)) throw new Error(`${serverMain} is missing: run \`pnpm run build\` first.`);
  const dataDir = await mkdtemp(path.join(tmpdir(), "parley-paint-"));
  const port = await freePort();
  const child = spawn(process.execPath, [serverMain], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, DATABASE_URL: "", NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
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
 * A tRPC mutation over HTTP; returns its data or throws with the server's message.
 * @param {string} url @param {string} procedure @param {unknown} input @param {string} [token]
 * @returns {Promise<any>}
 */
async function call(url, procedure, input, token) {
  const response = await fetch(`${url}/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input),
  });
  const body = /** @type {{ result?: { data: unknown }; error?: { message: string } }} */ (await response.json());
  if (!body.result) throw new Error(`${procedure}: ${body.error?.message ?? response.status}`);
  return body.result.data;
}

/**
 * Applies the throttled link and an empty cache to a page through the DevTools protocol.
 * @param {import("playwright-core").Page} page
 */
async function throttle(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const bytesPerSecond = (kbps * 1000) / 8;
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency,
    downloadThroughput: bytesPerSecond,
    uploadThroughput: bytesPerSecond,
  });
  return cdp;
}

/**
 * Collects every script the page loads (by URL), to weigh them afterwards.
 * @param {import("playwright-core").Page} page
 */
function recordScripts(page) {
  /** @type {Set<string>} */
  const urls = new Set();
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") urls.add(response.url());
  });
  return urls;
}

/**
 * The sum of the scripts' sizes gzip-compressed at level 9, in KB (1000 bytes), and their raw size.
 * @param {string} url @param {Set<string>} scripts
 */
async function weigh(url, scripts) {
  let gzip = 0;
  let raw = 0;
  for (const script of scripts) {
    if (!script.startsWith(url)) continue;
    const body = Buffer.from(await (await fetch(script, { headers: { "accept-encoding": "identity" } })).arrayBuffer());
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  return { gzipKb: gzip / 1000, rawKb: raw / 1000, files: scripts.size };
}

/**
 * The page's first contentful paint in ms, waiting for it if needed.
 * @param {import("playwright-core").Page} page
 * @returns {Promise<number>}
 */
async function firstContentfulPaint(page) {
  return page.evaluate(
    () =>
      /** @type {Promise<number>} */ (
        new Promise((resolve) => {
          const find = () => performance.getEntriesByType(/** @type {any} */ ("paint")).find((e) => e.name === "first-contentful-paint");
          const seen = find();
          if (seen) return resolve(seen.startTime);
          new PerformanceObserver((list, observer) => {
            const entry = list.getEntries().find((e) => e.name === "first-contentful-paint");
            if (entry) {
              observer.disconnect();
              resolve(entry.startTime);
            }
          }).observe({ type: /** @type {any} */ ("paint"), buffered: true });
        })
      ),
  );
}

/** @param {number[]} values */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.PARLEY_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
try {
  const username = `paint_${randomBytes(4).toString("hex")}`;
  const password = "correct horse battery staple";
  const { token } = /** @type {{ token: string }} */ (
    await call(server.url, "auth.signup", { username, email: `${username}@example.com`, password })
  );
  for (const name of ["general", "random", "design"]) await call(server.url, "room.create", { name: `${name}-${username}` }, token);

  const signIn = { fcp: /** @type {number[]} */ ([]), scripts: /** @type {Set<string>} */ (new Set()) };
  const chat = {
    fcp: /** @type {number[]} */ ([]),
    roomList: /** @type {number[]} */ ([]),
    scripts: /** @type {Set<string>} */ (new Set()),
  };
  for (let run = 0; run < runs; run += 1) {
    // The sign-in page, as someone signed out sees it first.
    const guest = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const guestPage = await guest.newPage();
    const guestScripts = recordScripts(guestPage);
    await throttle(guestPage);
    await guestPage.goto(server.url, { waitUntil: "load" });
    await guestPage.getByRole("button", { name: "Log in" }).waitFor();
    signIn.fcp.push(await firstContentfulPaint(guestPage));
    for (const s of guestScripts) signIn.scripts.add(s);

    // Sign in without throttling, then reload the chat view over the slow link with no cache.
    await guestPage.getByLabel("Username or email").fill(username);
    await guestPage.getByLabel("Password").fill(password);
    await guestPage.getByRole("button", { name: "Log in" }).click();
    await guestPage.getByRole("navigation", { name: "Rooms" }).waitFor();
    const page = await guest.newPage();
    const chatScripts = recordScripts(page);
    await throttle(page);
    const started = Date.now();
    await page.goto(server.url, { waitUntil: "commit" });
    await page
      .getByRole("link", { name: new RegExp(`general-${username}`) })
      .first()
      .waitFor({ timeout: 60_000 });
    const navigationStart = await page.evaluate(() => performance.timeOrigin);
    chat.roomList.push(Date.now() - Math.max(started, navigationStart));
    chat.fcp.push(await firstContentfulPaint(page));
    for (const s of chatScripts) chat.scripts.add(s);
    await guest.close();
  }
  const signInJs = await weigh(server.url, signIn.scripts);
  const chatJs = await weigh(server.url, chat.scripts);
  const f = (/** @type {number} */ n) => `${Math.round(n)} ms`;
  console.log(`Link: ${kbps / 1000} Mbit/s, ${latency} ms latency, no cache; median of ${runs} runs`);
  console.log(`sign-in page: first contentful paint ${f(median(signIn.fcp))}`);
  console.log(`chat view:    first contentful paint ${f(median(chat.fcp))}, room list shown ${f(median(chat.roomList))}`);
  console.log(`sign-in JS:   ${signInJs.gzipKb.toFixed(1)} KB gzip (${signInJs.rawKb.toFixed(1)} KB raw, ${signInJs.files} files)`);
  console.log(`chat JS:      ${chatJs.gzipKb.toFixed(1)} KB gzip (${chatJs.rawKb.toFixed(1)} KB raw, ${chatJs.files} files)`);
} finally {
  await browser.close();
  await server.stop();
}
