// Input schemas of every procedure. The web app imports the same schemas for its forms, so a
// field error reads the same in the browser as in the server's `zodError`.
import { z } from "zod";

/** Length in Unicode code points, as the contract counts it (an emoji is one character). */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** PostgreSQL text cannot hold NUL, so no field that is stored may contain it. */
const noNul = (label: string) => [(s: string) => !s.includes("\u0000"), { message: `${label} cannot contain NUL characters` }] as const;

function trimmedText(label: string, max: number) {
  return z
    .string()
    .trim()
    .refine(...noNul(label))
    .refine((s) => codePoints(s) >= 1, { message: `${label} cannot be empty` })
    .refine((s) => codePoints(s) <= max, { message: `${label} can be at most ${max} characters` });
}

export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_]{3,32}$/, "Username must be 3–32 letters, digits or underscores");

export const emailSchema = z
  .string()
  .trim()
  .max(254, "Email is too long")
  .pipe(z.email("Enter a valid email address"))
  .transform((email) => email.toLowerCase());

export const passwordSchema = z
  .string()
  .refine((s) => codePoints(s) >= 8, { message: "Password must be at least 8 characters" })
  .refine((s) => codePoints(s) <= 256, { message: "Password can be at most 256 characters" });

/**
 * Ids are opaque strings; one of the wrong shape (any length: the 64 KiB payload limit bounds
 * it) is simply unknown, NOT_FOUND, never a 400.
 */
export const idSchema = z.string();

export const signupInput = z.object({
  username: usernameSchema,
  email: emailSchema,
  password: passwordSchema,
});

export const loginInput = z.object({
  login: z.string().trim().min(1, "Enter your username or email").max(254),
  password: z.string().min(1, "Enter your password").max(1024),
});

export const userGetInput = z.object({ username: z.string() });

export const roomNameSchema = trimmedText("Room name", 64);
export const roomCreateInput = z.object({ name: roomNameSchema });
export const roomIdInput = z.object({ roomId: idSchema });

/** room.feed takes no parameters; subscription inputs are objects (or nothing). */
export const roomFeedInput = z.object({}).optional();

export const roomEventsInput = z.object({
  roomId: idSchema,
  lastEventId: z.string().nullish(),
});

export const messageTextSchema = trimmedText("Message", 4000);

export const messageSendInput = z.object({
  roomId: idSchema,
  text: messageTextSchema,
  clientMsgId: z.string().min(1).max(64).refine(...noNul("clientMsgId")).optional(),
});

export const messageListInput = z.object({
  roomId: idSchema,
  before: z.string().nullish(),
  limit: z.number().int().min(1).max(100).default(50),
});

export const messageEditInput = z.object({ messageId: idSchema, text: messageTextSchema });
export const messageIdInput = z.object({ messageId: idSchema });

export type SignupInput = z.infer<typeof signupInput>;
export type LoginInput = z.infer<typeof loginInput>;
