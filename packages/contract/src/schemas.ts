// Input schemas of every procedure: the router validates with them, and the web app's forms use
// the same ones, so a field error reads the same in the browser as in the server's `zodError`.
import { z } from "zod";
import { USERNAME, USERNAME_MESSAGE, codePoints, isVisibleName } from "./text-rules";

export { codePoints, isVisibleName } from "./text-rules";

/** Well-formed Unicode: a lone UTF-16 surrogate is not text (the driver cannot encode it: a 500). */
const wellFormed = (label: string) =>
  z.string().refine((s) => s.isWellFormed(), { message: `${label} contains an invalid character (a lone UTF-16 surrogate)` });

/**
 * Text that can reach the database: well-formed, and without U+0000, which PostgreSQL's text
 * type cannot hold (a 500 and a stack trace, before). Every free-text input is built on this and
 * refuses both with a BAD_REQUEST that names the field, the way lone surrogates were already
 * refused, rather than silently storing something other than what the user typed.
 */
const text = (label: string) =>
  wellFormed(label).refine((s) => !s.includes("\u0000"), { message: `${label} cannot contain NUL characters` });

/** Whether `key` can be sent to the database as it is: well-formed Unicode without NUL. */
function isStorable(key: string): boolean {
  return key.isWellFormed() && !key.includes("\u0000");
}

/**
 * A key that is looked up (an id, a username to find): one that could never be stored (a lone
 * surrogate, a NUL) names nothing, so it is NOT_FOUND like any other miss, as the contract says
 * for ids of the wrong shape. It becomes the empty string, which no row has.
 */
const lookupKey = z.string().transform((key) => (isStorable(key) ? key : ""));

function trimmedText(label: string, max: number) {
  return text(label)
    .trim()
    .refine((s) => codePoints(s) >= 1, { message: `${label} cannot be empty` })
    .refine((s) => codePoints(s) <= max, { message: `${label} can be at most ${max} characters` });
}

export const usernameSchema = z.string().regex(USERNAME, USERNAME_MESSAGE);

export const emailSchema = text("Email")
  .trim()
  .max(254, "Email is too long")
  .pipe(z.email("Enter a valid email address"))
  .transform((email) => email.toLowerCase());

export const passwordSchema = text("Password")
  .refine((s) => codePoints(s) >= 8, { message: "Password must be at least 8 characters" })
  .refine((s) => codePoints(s) <= 256, { message: "Password can be at most 256 characters" });

/**
 * Ids are opaque strings; one of the wrong shape (any length: the 64 KiB payload limit bounds
 * it) is simply unknown, NOT_FOUND, never a 400.
 */
export const idSchema = lookupKey;

export const signupInput = z.object({
  username: usernameSchema,
  email: emailSchema,
  password: passwordSchema,
});

/**
 * A login is looked up, so one that could never be stored names nobody: it becomes "" and reads
 * as any failed login (UNAUTHORIZED, after the same work). Passwords here are only compared with
 * a hash in memory, never sent to the database, so any well-formed text is a (wrong) password.
 */
export const loginInput = z.object({
  login: wellFormed("Username or email")
    .trim()
    .min(1, "Enter your username or email")
    .max(254)
    .transform((login) => (isStorable(login) ? login : "")),
  password: wellFormed("Password").min(1, "Enter your password").max(1024),
});

/** auth.changePassword: the current password is checked like a login's; the new one like a signup's. */
export const changePasswordInput = z.object({
  currentPassword: wellFormed("Current password").min(1, "Enter your current password").max(1024),
  newPassword: passwordSchema,
});

/** auth.revokeSession: a session id from auth.sessions (an unknown one is NOT_FOUND). */
export const revokeSessionInput = z.object({ sessionId: idSchema });

export const userGetInput = z.object({ username: lookupKey });

/**
 * Room names are normalized (NFKC: full-width letters, ligatures and compatibility forms become
 * the plain ones), so "general" and "ｇｅｎｅｒａｌ" are one name, and may not hide characters,
 * so "general" and "gen\u200beral" cannot both exist. Then 1–64 code points after trim.
 */
export const roomNameSchema = text("Room name")
  .transform((name) => name.normalize("NFKC").trim())
  .pipe(trimmedText("Room name", 64))
  .refine(isVisibleName, { message: "Room name cannot contain invisible or control characters" });
export const visibilitySchema = z.enum(["public", "private"]);

/** A channel's topic: 0–250 code points after trim ("" clears it). */
export const topicSchema = text("Topic")
  .trim()
  .refine((s) => codePoints(s) <= 250, { message: "Topic can be at most 250 characters" });

export const roomCreateInput = z.object({
  name: roomNameSchema,
  visibility: visibilitySchema.optional(),
  topic: topicSchema.optional(),
});
export const roomUpdateInput = z.object({
  roomId: idSchema,
  name: roomNameSchema.optional(),
  topic: topicSchema.optional(),
  visibility: visibilitySchema.optional(),
});
/** A room and a person in it (or to put in it), by username. */
export const roomMemberInput = z.object({ roomId: idSchema, username: lookupKey });
export const roomSetRoleInput = roomMemberInput.extend({ role: z.enum(["admin", "member"]) });
export const dmOpenInput = z.object({ username: lookupKey });
export const userSearchInput = z.object({
  query: text("Search")
    .refine((s) => codePoints(s) >= 1, { message: "Type at least one character" })
    .refine((s) => codePoints(s) <= 32, { message: "Search can be at most 32 characters" }),
  limit: z.number().int().min(1).max(20).default(10),
});
/** me.events takes no parameters. */
export const meEventsInput = z.object({}).optional();
export const roomIdInput = z.object({ roomId: idSchema });

/** room.feed takes no parameters; subscription inputs are objects (or nothing). */
export const roomFeedInput = z.object({}).optional();

export const roomEventsInput = z.object({
  roomId: idSchema,
  lastEventId: text("lastEventId").nullish(),
});

export const messageTextSchema = trimmedText("Message", 4000);

export const messageSendInput = z.object({
  roomId: idSchema,
  text: messageTextSchema,
  clientMsgId: text("clientMsgId").min(1).max(64).optional(),
  /** The message this one answers: a live message of the same room (NOT_FOUND otherwise). */
  replyToId: idSchema.optional(),
});

export const messageListInput = z.object({
  roomId: idSchema,
  before: text("Cursor").nullish(),
  limit: z.number().int().min(1).max(100).default(50),
});

export const messageEditInput = z.object({ messageId: idSchema, text: messageTextSchema });
export const messageIdInput = z.object({ messageId: idSchema });

/** An event id names a position in a room's log; an id the room never issued is BAD_REQUEST. */
export const roomMarkReadInput = z.object({ roomId: idSchema, eventId: text("eventId").min(1).max(32) });

/** An emoji reaction: 1–16 code points, no white space (a flag or a family is one reaction). */
export const emojiSchema = text("Emoji")
  .refine((s) => codePoints(s) >= 1 && codePoints(s) <= 16, { message: "An emoji is 1–16 characters" })
  .refine((s) => !/[\s\p{Cc}]/u.test(s), { message: "An emoji cannot contain white space" });
export const messageReactInput = z.object({ messageId: idSchema, emoji: emojiSchema });

/**
 * message.search: every word of `query` must occur in the text (PostgreSQL full text, `simple`
 * configuration). The query is words, never query syntax: any text is a valid query.
 */
export const messageSearchInput = z.object({
  query: text("Search")
    .refine((s) => s.trim().length >= 1, { message: "Type something to search for" })
    .refine((s) => codePoints(s) <= 200, { message: "Search can be at most 200 characters" }),
  roomId: idSchema.optional(),
  before: text("Cursor").nullish(),
  limit: z.number().int().min(1).max(50).default(20),
});

export type SignupInput = z.infer<typeof signupInput>;
export type LoginInput = z.infer<typeof loginInput>;
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;
