import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as schemas from "./schemas";
import { codePoints, idSchema, loginInput, messageSendInput, roomCreateInput, signupInput } from "./schemas";

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
    expect(loginInput.parse({ login: "a\u0000", password: "x" }).login).toBe(""); // names nobody: UNAUTHORIZED
    expect(idSchema.parse("a\u0000b")).toBe("");
  });

  // The whole class, not one field: a NUL put into any string field of any procedure's input
  // either fails validation or never reaches a handler (an id or name that cannot exist).
  it("let no NUL through any string field of any input schema", () => {
    const valid: Record<string, unknown> = {
      roomId: "r",
      messageId: "m",
      sessionId: "s",
      username: "someone",
      email: "a@b.io",
      login: "someone",
      password: "long enough",
      currentPassword: "x",
      newPassword: "long enough",
      name: "Lobby",
      topic: "t",
      text: "hi",
      clientMsgId: "c",
      replyToId: "m",
      before: "b",
      eventId: "e",
      emoji: "👍",
      query: "q",
      lastEventId: "e",
    };
    // Compared with a password hash in memory, never sent to the database.
    const neverStored = new Set(["loginInput.password", "changePasswordInput.currentPassword"]);
    let fields = 0;
    for (const [name, schema] of Object.entries(schemas)) {
      if (!(schema instanceof z.ZodObject)) continue;
      for (const key of Object.keys(schema.shape)) {
        if (!(key in valid) || neverStored.has(`${name}.${key}`)) continue;
        const input = { ...valid, [key]: "a\u0000b" };
        const parsed = schema.safeParse(input);
        const containsNul = parsed.success && JSON.stringify(parsed.data).includes("\\u0000");
        expect(containsNul, `${name}.${key}`).toBe(false);
        fields++;
      }
    }
    expect(fields).toBeGreaterThan(30);
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

  it("refuse lone UTF-16 surrogates in text, and treat ids that cannot exist as unknown", () => {
    expect(messageSendInput.safeParse({ roomId: "r", text: "a\ud800" }).success).toBe(false);
    expect(messageSendInput.safeParse({ roomId: "r", text: "\udc00a" }).success).toBe(false);
    expect(messageSendInput.safeParse({ roomId: "r", text: "😀" }).success).toBe(true);
    expect(loginInput.safeParse({ login: "a", password: "\ud800" }).success).toBe(false);
    expect(signupInput.safeParse({ username: "abc", email: "a\ud800@b.io", password: "12345678" }).success).toBe(false);
    expect(idSchema.parse("r\ud800")).toBe("");
    expect(idSchema.parse("r1")).toBe("r1");
  });

  it("normalize room names to NFKC and refuse invisible characters", () => {
    expect(roomCreateInput.parse({ name: "\u3000ｇｅｎｅｒａｌ " })).toEqual({ name: "general" });
    expect(roomCreateInput.parse({ name: "\ufb01ne" })).toEqual({ name: "fine" });
    for (const name of [
      "gen\u200beral",
      "a\u200cb",
      "a\u200db",
      "a\u2060b",
      "a\ufeffb",
      "a\u202eb",
      "a\u2066b",
      "a\u00adb",
      "a\u3164b",
      "a\u180eb",
      "a\nb",
      "a\u0007",
      "a\u2028b",
      "a\ufe0fb",
    ]) {
      expect(roomCreateInput.safeParse({ name }).success, JSON.stringify(name)).toBe(false);
    }
    for (const name of ["❤️ lounge", "👩‍💻 devs", "👨‍👩‍👧", "👍🏽 ok", "Café", "日本語"]) {
      expect(roomCreateInput.safeParse({ name }).success, name).toBe(true);
    }
    expect(roomCreateInput.safeParse({ name: "a".repeat(64) }).success).toBe(true);
    expect(roomCreateInput.safeParse({ name: "ａ".repeat(65) }).success).toBe(false);
  });
});
