import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { serverKey, SessionStore } from "./config";
import { readEnv } from "./env";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("serverKey", () => {
  it("names a server the same however its address is typed", () => {
    expect(serverKey("http://LOCALHOST:3000/")).toBe("http://localhost:3000");
    expect(serverKey("ws://localhost:3000/trpc")).toBe("http://localhost:3000");
    expect(serverKey("wss://chat.example.com/parley/")).toBe("https://chat.example.com/parley");
    expect(() => serverKey("localhost:3000")).toThrow(/not an http\(s\) or ws\(s\) address/);
  });
});

describe("SessionStore", () => {
  it("keeps one session per server in a 0600 file, and removes the file when the last goes", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "parley-cli-config-"));
    dirs.push(dir);
    const store = new SessionStore(path.join(dir, "parley"));
    await store.set("http://a:1", { token: "t1", username: "ada" });
    await store.set("http://b:2/", { token: "t2", username: "bob" });
    expect(await store.get("http://a:1/")).toEqual({ token: "t1", username: "ada" });
    expect(await store.get("http://c:3")).toBeNull();
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, "parley"))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(store.file, "utf8"))).toEqual({
      sessions: { "http://a:1": { token: "t1", username: "ada" }, "http://b:2": { token: "t2", username: "bob" } },
    });
    await store.delete("http://a:1");
    await store.delete("http://b:2");
    await expect(stat(store.file)).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("readEnv", () => {
  it("finds the config directory: PARLEY_CONFIG_DIR, then XDG_CONFIG_HOME, then ~/.config", () => {
    expect(readEnv({ PARLEY_CONFIG_DIR: "/x/p", XDG_CONFIG_HOME: "/x/xdg" }).configDir).toBe("/x/p");
    expect(readEnv({ XDG_CONFIG_HOME: "/x/xdg" }).configDir).toBe("/x/xdg/parley");
    expect(readEnv({ XDG_CONFIG_HOME: "relative" }).configDir).toBe(path.join(os.homedir(), ".config", "parley"));
    expect(readEnv({}).url).toBe("http://127.0.0.1:3000");
    expect(readEnv({ PARLEY_URL: "http://h:1", PARLEY_CONNECT_TIMEOUT: "2" })).toMatchObject({ url: "http://h:1", connectTimeoutMs: 2000 });
  });
});
