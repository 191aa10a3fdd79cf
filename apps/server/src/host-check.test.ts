import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./env";
import { createHostCheck, hostnameOf } from "./host-check";

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe("host check", () => {
  it("reads the name out of a Host value", () => {
    expect(hostnameOf("Example.com.:3000".toLowerCase())).toBe("example.com");
    expect(hostnameOf("[::1]:3000")).toBe("::1");
    expect(hostnameOf("[::1")).toBeNull();
    expect(hostnameOf(":3000")).toBeNull();
  });

  it("answers localhost, IP addresses, PUBLIC_URL's and ALLOWED_ORIGINS' names, and a named HOST", () => {
    const config = loadConfig({ HOST: "0.0.0.0", PUBLIC_URL: "https://Chat.Example.com/", ALLOWED_ORIGINS: "https://other.example:8443" });
    const hosts = createHostCheck(config);
    for (const host of [
      "localhost:3000",
      "127.0.0.1:1",
      "[::1]:3000",
      "10.0.0.7",
      "chat.example.com",
      "CHAT.example.com.:443",
      "other.example",
    ]) {
      expect(hosts.isAllowed(request({ host })), host).toBe(true);
    }
    for (const host of ["evil.example", "chat.example.com.evil.example", "0.0.0.0.evil.example", "", "[::1"]) {
      expect(hosts.isAllowed(request({ host })), host).toBe(false);
    }
    expect(hosts.isAllowed(request({}))).toBe(false);
    expect(createHostCheck(loadConfig({ HOST: "parley.lan" })).isAllowed(request({ host: "parley.lan:3000" }))).toBe(true);
  });

  it("believes X-Forwarded-Host only with TRUST_PROXY", () => {
    const headers = { host: "parley:3000", "x-forwarded-host": "chat.example.com, proxy.internal" };
    const env = { PUBLIC_URL: "https://chat.example.com" };
    expect(createHostCheck(loadConfig({ ...env, TRUST_PROXY: "true" })).isAllowed(request(headers))).toBe(true);
    expect(createHostCheck(loadConfig(env)).isAllowed(request(headers))).toBe(false);
  });

  it("validates PUBLIC_URL, COOKIE_SECURE and TRUST_PROXY", () => {
    expect(() => loadConfig({ PUBLIC_URL: "ftp://chat.example.com" })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ COOKIE_SECURE: "yes" })).toThrow(/COOKIE_SECURE/);
    const config = loadConfig({ PUBLIC_URL: "https://chat.example.com/app/", COOKIE_SECURE: "false", TRUST_PROXY: "true" });
    expect(config.allowedOrigins).toEqual(["https://chat.example.com"]);
    expect(config.cookieSecure).toBe(false);
    expect(config.trustProxy).toBe(true);
    expect(loadConfig({}).cookieSecure).toBe("auto");
  });
});
