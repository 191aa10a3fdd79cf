import { describe, expect, it } from "vitest";
import { codePoints, messageSendInput, roomCreateInput, signupInput } from "./schemas";

describe("schemas", () => {
  it("count code points, not UTF-16 units", () => {
    expect(codePoints("👍🏽a")).toBe(3);
    expect(messageSendInput.safeParse({ roomId: "r", text: "😀".repeat(4000) }).success).toBe(true);
    expect(messageSendInput.safeParse({ roomId: "r", text: "😀".repeat(4001) }).success).toBe(false);
  });

  it("refuse NUL characters, which PostgreSQL text cannot store", () => {
    expect(messageSendInput.safeParse({ roomId: "r", text: "a\u0000b" }).success).toBe(false);
    expect(messageSendInput.safeParse({ roomId: "r", text: "ok", clientMsgId: "\u0000" }).success).toBe(false);
    expect(roomCreateInput.safeParse({ name: "a\u0000" }).success).toBe(false);
  });

  it("trim text and room names", () => {
    expect(roomCreateInput.parse({ name: "  Lobby \t" })).toEqual({ name: "Lobby" });
    expect(roomCreateInput.safeParse({ name: " \n " }).success).toBe(false);
  });

  it("lower-case emails and check usernames", () => {
    expect(signupInput.parse({ username: "Al_1", email: " A@B.IO ", password: "12345678" })).toEqual({
      username: "Al_1",
      email: "a@b.io",
      password: "12345678",
    });
    const bad = signupInput.safeParse({ username: "a-b", email: "x", password: "1234567" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path[0]).sort()).toEqual(["email", "password", "username"]);
  });
});
