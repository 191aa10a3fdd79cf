import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as rules from "./field-rules";
import * as schemas from "./schemas";
import { EMAIL } from "./text-rules";

/** The first message a schema gives for a value, or null: what a form shows. */
function firstMessage(schema: z.ZodType, value: string): string | null {
  const result = schema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? "?");
}

const long = (n: number, c = "a") => c.repeat(n);
const samples = [
  "",
  " ",
  "ab",
  "abc",
  "alice_01",
  "al ice",
  "ålice",
  long(32),
  long(33),
  "\ud800",
  "a\u0000b",
  "  padded  ",
  "bob@example.com",
  " Bob@Example.COM ",
  "bob@example",
  "bob..x@example.com",
  ".bob@example.com",
  "bob@-example.com",
  `${long(250)}@example.com`,
  "password",
  "passwor",
  "😀😀😀😀😀😀😀😀",
  "😀😀😀😀😀😀😀",
  long(256),
  long(257),
  long(1024),
  long(1025),
  "general",
  "ｇｅｎｅｒａｌ",
  "gen\u200beral",
  "👩‍💻 devs",
  "❤️",
  long(64, "x"),
  long(65, "x"),
  long(250, "t"),
  long(251, "t"),
  long(4000, "m"),
  long(4001, "m"),
  `  ${long(4000, "m")}  `,
  "\u0000",
];

const pairs: [string, rules.FieldRule, z.ZodType][] = [
  ["username", rules.usernameRule, schemas.usernameSchema],
  ["email", rules.emailRule, schemas.emailSchema],
  ["password", rules.passwordRule, schemas.passwordSchema],
  ["login", rules.loginRule, schemas.loginInput.shape.login],
  ["login password", rules.loginPasswordRule, schemas.loginInput.shape.password],
  ["current password", rules.currentPasswordRule, schemas.changePasswordInput.shape.currentPassword],
  ["room name", rules.roomNameRule, schemas.roomNameSchema],
  ["topic", rules.topicRule, schemas.topicSchema],
  ["message text", rules.messageTextRule, schemas.messageTextSchema],
];

describe("field rules give the contract's schema messages without zod", () => {
  it.each(pairs)("%s agrees with its schema on every sample", (_name, rule, schema) => {
    for (const value of samples) expect({ value, message: rule(value) }).toEqual({ value, message: firstMessage(schema, value) });
  });

  it("uses zod's own email pattern", () => {
    expect(EMAIL.source).toBe(z.regexes.email.source);
  });
});
