// The contract's field rules as plain functions, for forms: each returns the message the
// server's zod schema would give first for a value, or null when the value passes. Imported as
// `@parley/contract/rules`, which does not load zod. field-rules.test.ts holds each rule to its
// schema over a table of values, so the two cannot drift apart.
import { EMAIL, USERNAME, USERNAME_MESSAGE, codePoints, isVisibleName } from "./text-rules";

export { codePoints } from "./text-rules";

/** A check of one form field: the first error message, or null. */
export type FieldRule = (value: string) => string | null;

const wellFormed = (label: string, value: string) =>
  value.isWellFormed() ? null : `${label} contains an invalid character (a lone UTF-16 surrogate)`;

/** Text the server stores: well-formed and without NUL (PostgreSQL cannot hold one). */
const storable = (label: string, value: string) =>
  wellFormed(label, value) ?? (value.includes("\u0000") ? `${label} cannot contain NUL characters` : null);

/** The rules every stored, trimmed text shares: well-formed, no NUL, 1..max code points. */
function trimmedText(label: string, max: number): FieldRule {
  return (value) => {
    const bad = wellFormed(label, value);
    if (bad) return bad;
    const text = value.trim();
    if (text.includes("\u0000")) return `${label} cannot contain NUL characters`;
    const length = codePoints(text);
    if (length < 1) return `${label} cannot be empty`;
    if (length > max) return `${label} can be at most ${max} characters`;
    return null;
  };
}

/** A required field checked like the login form's: well-formed, 1..max UTF-16 units. */
function required(label: string, empty: string, max: number, trim: boolean): FieldRule {
  return (value) => {
    const bad = wellFormed(label, value);
    if (bad) return bad;
    const text = trim ? value.trim() : value;
    if (text.length < 1) return empty;
    if (text.length > max) return `Too big: expected string to have <=${max} characters`;
    return null;
  };
}

/** signup's username (usernameSchema). */
export const usernameRule: FieldRule = (value) => (USERNAME.test(value) ? null : USERNAME_MESSAGE);

/** signup's email (emailSchema). */
export const emailRule: FieldRule = (value) => {
  const bad = storable("Email", value);
  if (bad) return bad;
  const email = value.trim();
  if (email.length > 254) return "Email is too long";
  return EMAIL.test(email) ? null : "Enter a valid email address";
};

/** A new password (passwordSchema): 8–256 code points. */
export const passwordRule: FieldRule = (value) => {
  const bad = storable("Password", value);
  if (bad) return bad;
  const length = codePoints(value);
  if (length < 8) return "Password must be at least 8 characters";
  if (length > 256) return "Password can be at most 256 characters";
  return null;
};

/** auth.login's `login`. */
export const loginRule = required("Username or email", "Enter your username or email", 254, true);
/** auth.login's `password`. */
export const loginPasswordRule = required("Password", "Enter your password", 1024, false);
/** auth.changePassword's `currentPassword`. */
export const currentPasswordRule = required("Current password", "Enter your current password", 1024, false);

/** A room's name (roomNameSchema): NFKC, trimmed, 1–64 code points, nothing invisible. */
export const roomNameRule: FieldRule = (value) => {
  const bad = wellFormed("Room name", value);
  if (bad) return bad;
  const name = value.normalize("NFKC").trim();
  const first = trimmedText("Room name", 64)(name);
  if (first) return first;
  return isVisibleName(name) ? null : "Room name cannot contain invisible or control characters";
};

/** A channel's topic (topicSchema): 0–250 code points after trim. */
export const topicRule: FieldRule = (value) => {
  const bad = wellFormed("Topic", value);
  if (bad) return bad;
  const topic = value.trim();
  if (topic.includes("\u0000")) return "Topic cannot contain NUL characters";
  return codePoints(topic) <= 250 ? null : "Topic can be at most 250 characters";
};

/** A message's text (messageTextSchema): 1–4000 code points after trim. */
export const messageTextRule = trimmedText("Message", 4000);
