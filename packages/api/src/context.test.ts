import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { pickToken, readCookie } from "./context";

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe("pickToken", () => {
  it("prefers connectionParams, then the Bearer header, then the cookie", () => {
    const all = req({ authorization: "Bearer header-token", cookie: "parley_session=cookie-token" });
    expect(pickToken({ connectionParams: { token: "param-token" }, req: all, cookieAllowed: true })).toBe("param-token");
    expect(pickToken({ connectionParams: null, req: all, cookieAllowed: true })).toBe("header-token");
    expect(pickToken({ connectionParams: {}, req: req({ cookie: "a=1; parley_session=cookie-token" }), cookieAllowed: true })).toBe(
      "cookie-token",
    );
  });

  it("does not fall through when the first source present is malformed", () => {
    const withCookie = req({ authorization: "Basic abc", cookie: "parley_session=cookie-token" });
    expect(pickToken({ connectionParams: null, req: withCookie, cookieAllowed: true })).toBe("");
  });

  it("ignores the cookie when the origin may not use it", () => {
    expect(pickToken({ connectionParams: null, req: req({ cookie: "parley_session=t" }), cookieAllowed: false })).toBeNull();
  });
});

describe("readCookie", () => {
  it("finds one cookie among several and survives bad encoding", () => {
    expect(readCookie("a=1; b=two%20words", "b")).toBe("two words");
    expect(readCookie("a=%E0%A4%A", "a")).toBeNull();
    expect(readCookie(undefined, "a")).toBeNull();
  });
});
