import fc from "fast-check";
import type { JsonSchema } from "./procedures";

/**
 * Real keys of the fuzzer's workspace, so that valid inputs reach past the "not found" checks:
 * a roomId field is usually a real room's id, a username a real user's.
 */
export type KeyPool = {
  roomIds: string[];
  messageIds: string[];
  eventIds: string[];
  sessionIds: string[];
  usernames: string[];
  /** The workspace's password: login calls sometimes succeed (and set cookies). */
  password: string;
};

/** Every kind of Unicode trouble a text field may meet on its way to PostgreSQL and back. */
export const UNICODE_TROUBLE = [
  "\u0000", // NUL: PostgreSQL text cannot hold it
  "\u0001",
  "\u001b",
  "\u007f",
  "\ud800", // lone high surrogate
  "\udfff", // lone low surrogate
  "\udc00\ud800", // surrogates in the wrong order
  "\u202e", // right-to-left override
  "\u200f", // right-to-left mark
  "\u061c", // Arabic letter mark
  "\u2066", // left-to-right isolate
  "\u200b", // zero-width space
  "\u200c",
  "\u200d", // zero-width joiner
  "\u2060", // word joiner
  "\ufeff", // byte order mark
  "e\u0301", // combining acute
  "Z\u0336\u0337\u0338\u0334\u0335\u0336\u0337\u0338\u0334\u0335\u0336\u0337\u0338", // stacked combining marks
  "\u0301", // a combining mark with nothing to combine with
  "😀", // 4-byte character (a surrogate pair)
  "𝕏",
  "\u{10ffff}", // the last code point
  "\ufffe",
  "\uffff",
  "👩‍👩‍👧‍👦", // ZWJ sequence
  "🇺🇳", // regional indicators
  "👍🏽", // skin tone modifier
  "\u2028", // line separator
  "\u2029", // paragraph separator
  " \t\n\r ",
  "\u00a0\u3000", // no-break and ideographic spaces
  "%00",
  "\\u0000",
  "' OR 1=1 --",
  "$1",
  "@",
  "@@",
  "*",
  "&|!():*", // full-text search operators
];

// NUL and lone surrogates are what PostgreSQL and its drivers refuse: drawn more often.
const troubleUnit = fc.oneof(fc.constantFrom(...UNICODE_TROUBLE), fc.constantFrom("\u0000", "\ud800", "\udfff"));

/** UTF-16 code units of any kind, lone surrogates included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

/** A string full of trouble: troubled pieces, any code units, any code points, any graphemes. */
export const troubledString: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.oneof(troubleUnit, fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 8 }).map((parts) => parts.join("")),
  fc.string({ unit: anyCodeUnit, maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
);

/** Lengths around the edges the contract names, and past the 64 KiB payload limit (rarely). */
const extremeString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(0, 1, 2, 3, 31, 32, 33, 64, 65, 200, 201, 250, 251, 255, 256, 257, 1025, 4000, 4001)
      .chain((n) => fc.constantFrom("x".repeat(n), " ".repeat(n), "😀".repeat(n), "é".repeat(n))),
  },
  { weight: 1, arbitrary: fc.constantFrom("y".repeat(70_000), "\u0000".repeat(20_000), "\u0301".repeat(30_000)) },
);

/** Numbers that break careless code: edges, fractions, huge, negative zero, not-a-number strings. */
const extremeNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 0.1, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, -1e308, 5e-324),
  fc.constantFrom("1", "50", "1e3", "NaN", "Infinity", "-1", "0x10"),
  fc.double(),
  fc.integer(),
);

/** A JSON value of the wrong type for nearly any field. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, 1, -1, "", [], {}, [null], { "": null }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.constantFrom({ __proto__: { polluted: true } }, JSON.parse('{"__proto__":{"polluted":true}}') as unknown, {
    constructor: { prototype: {} },
  }),
);

const EXTRA_KEYS = [
  "extra",
  "__proto__",
  "constructor",
  "prototype",
  "id",
  "userId",
  "role",
  "lastEventId",
  "input",
  "json",
  "",
  "\u0000",
  "a".repeat(300),
];

function pick<T>(items: T[], fallback: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return items.length > 0 ? fc.constantFrom(...items) : fallback;
}

const word = fc.stringMatching(/^[a-z]{1,8}$/);
const text = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(" "));

/** A valid-looking string for the field `name`, from the pool when the field names a key. */
function keyedString(name: string, schema: JsonSchema, pool: KeyPool): fc.Arbitrary<string> | null {
  const unknownId = fc.oneof(fc.uuid(), fc.constant("0"), fc.constant("1"), fc.string({ maxLength: 8 }));
  const keyed = (items: string[]) => fc.oneof({ weight: 4, arbitrary: pick(items, unknownId) }, { weight: 1, arbitrary: unknownId });
  switch (name) {
    case "roomId":
      return keyed(pool.roomIds);
    case "messageId":
    case "replyToId":
    case "rootId":
      return keyed(pool.messageIds);
    case "eventId":
    case "lastEventId":
    case "before":
      return keyed(pool.eventIds);
    case "sessionId":
      return keyed(pool.sessionIds);
    case "username":
      return schema.pattern ? null : keyed(pool.usernames);
    case "login":
      return keyed(pool.usernames);
    case "password":
      return fc.oneof(fc.constant(pool.password), fc.string({ minLength: 8, maxLength: 20 }));
    case "email":
      return fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/).map((local) => `${local}@example.com`);
    case "emoji":
      return fc.constantFrom("👍", "🎉", "😀", "❤️", "x", "+1");
    case "text":
    case "topic":
    case "query":
    case "currentPassword":
    case "newPassword":
      return text;
    case "name":
      return fc.stringMatching(/^[a-z][a-z0-9_]{3,12}$/).map((s) => `fz_${s}`);
    default:
      return null;
  }
}

/** Values that satisfy `schema` (as far as JSON Schema tells), using `pool` for keyed fields. */
export function validValue(schema: JsonSchema, pool: KeyPool, name = ""): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => validValue(s, pool, name)));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => validValue({ ...schema, type }, pool, name)));
  const type: string = types[0] ?? "any";
  switch (type) {
    case "object": {
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(props)) record[key] = validValue(sub, pool, key);
      const requiredKeys = Object.keys(props).filter((k) => required.has(k));
      return fc.record(record, { requiredKeys });
    }
    case "string": {
      const keyed = keyedString(name, schema, pool);
      if (keyed) return keyed;
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
      const minLength = schema.minLength ?? 0;
      return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 20, 20)) });
    }
    case "integer":
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case "number":
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(validValue(schema.items ?? {}, pool, name), { maxLength: 4 });
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

type Mutation = "none" | "drop" | "extra" | "wrongType" | "trouble" | "extreme" | "number" | "whole";

/** One of the input's fields (or the whole input) replaced by a hostile value. */
function mutate(value: unknown, mutation: Mutation): fc.Arbitrary<unknown> {
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  const keys = isObject ? Object.keys(value) : [];
  const replaceField = (replacement: fc.Arbitrary<unknown>) =>
    keys.length === 0
      ? replacement
      : fc.tuple(fc.constantFrom(...keys), replacement).map(([key, v]) => ({ ...(value as object), [key]: v }));
  switch (mutation) {
    case "none":
      return fc.constant(value);
    case "drop":
      return keys.length === 0
        ? fc.constant(undefined)
        : fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(value as object).filter(([k]) => k !== key)));
    case "extra":
      return fc.tuple(fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 6 })), wrongType).map(([key, v]) => {
        const out: Record<string, unknown> = isObject ? { ...value } : {};
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
        return out;
      });
    case "wrongType":
      return replaceField(wrongType);
    case "trouble":
      return replaceField(troubledString);
    case "extreme":
      return replaceField(extremeString);
    case "number":
      return replaceField(extremeNumber);
    case "whole":
      return fc.oneof(wrongType, troubledString, fc.constant(undefined), fc.constant({ json: value }));
  }
}

/** Splices trouble into one of the object's string fields: "a real id" + NUL, say. */
function spliced(value: unknown): fc.Arbitrary<unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fc.constant(value);
  const stringKeys = Object.entries(value)
    .filter(([, v]) => typeof v === "string")
    .map(([k]) => k);
  if (stringKeys.length === 0) return fc.constant(value);
  return fc.tuple(fc.constantFrom(...stringKeys), troubleUnit, fc.nat()).map(([key, t, at]) => {
    const s = (value as Record<string, string>)[key] ?? "";
    const i = s.length ? at % (s.length + 1) : 0;
    return { ...value, [key]: s.slice(0, i) + t + s.slice(i) };
  });
}

/**
 * Inputs for a procedure: valid ones (about a third), and valid ones mutated: a field dropped
 * or added, a wrong type, Unicode trouble (alone or spliced into a real key), extreme lengths
 * and numbers, or the whole input replaced.
 */
export function inputFor(schema: JsonSchema | null, pool: KeyPool): fc.Arbitrary<unknown> {
  const valid = schema ? validValue(schema, pool) : fc.constant(undefined);
  return valid.chain((value) =>
    fc.oneof(
      { weight: 5, arbitrary: fc.constant(value) },
      { weight: 1, arbitrary: mutate(value, "drop") },
      { weight: 1, arbitrary: mutate(value, "extra") },
      { weight: 1, arbitrary: mutate(value, "wrongType") },
      { weight: 2, arbitrary: mutate(value, "trouble") },
      { weight: 2, arbitrary: spliced(value) },
      { weight: 1, arbitrary: mutate(value, "extreme") },
      { weight: 1, arbitrary: mutate(value, "number") },
      { weight: 1, arbitrary: mutate(value, "whole") },
    ),
  );
}
