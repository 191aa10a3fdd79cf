#!/usr/bin/env node
// Generates docs/api.md, the API reference, from the router itself:
//   - the procedure paths, kinds and input parsers from appRouter._def.procedures,
//   - input JSON Schemas from the zod parsers (schema.toJSONSchema, input side),
//   - outputs as TypeScript types, printed by the TypeScript checker from AppRouter's inferred
//     types (no output has a zod schema), and the domain types as declared in @parley/contract
//     (every exported type of packages/contract/src/types.ts, in its order),
//   - whether a session is needed from whether the procedure runs the authed middleware.
// Only the one-line summaries and the procedure-specific error codes are kept by hand (PROSE
// below); the script fails when that list and the router disagree.
//
//   pnpm exec tsx scripts/gen-api-docs.mjs           rewrites docs/api.md
//   pnpm exec tsx scripts/gen-api-docs.mjs --check   exits 1 when docs/api.md is out of date
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { appRouter } from "@parley/api";
// The router's own building blocks: the authed middleware is recognised by identity.
import { authedProcedure, publicProcedure } from "../packages/api/src/trpc.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const target = path.join(root, "docs", "api.md");
const contractTypes = path.join(root, "packages/contract/src/types.ts");

/**
 * What the router cannot say about itself: a summary (from the public API contract) and the error codes
 * a procedure raises besides the ones every procedure of its kind can (BAD_REQUEST for invalid
 * input, UNAUTHORIZED without a session, INTERNAL_SERVER_ERROR).
 * @type {Record<string, { summary: string, errors: Record<string, string> }>}
 */
const PROSE = {
  "auth.signup": {
    summary:
      "Creates an account and signs it in. Username: 3–32 of `[A-Za-z0-9_]`, unique ignoring case; email stored lower-case, unique; password 8–256 characters.",
    errors: {
      CONFLICT: 'the username or the email is taken (`data.field` says which: `"username"` or `"email"`)',
      TOO_MANY_REQUESTS: "too many sign-ups from this address, or password hashing is busy (`data.retryAfterMs`)",
    },
  },
  "auth.login": {
    summary: "Signs in with a username or an email and a password; returns a new session token.",
    errors: {
      UNAUTHORIZED: "wrong login or password (the same message whether the user exists or not)",
      TOO_MANY_REQUESTS:
        "too many attempts from this address, too many failed logins for this account, or password hashing is busy (`data.retryAfterMs`)",
    },
  },
  "auth.logout": {
    summary:
      "Revokes the caller's session: later calls with its token are `UNAUTHORIZED`, and every WebSocket opened with it is closed after this reply. Without a session it changes nothing.",
    errors: {},
  },
  "auth.me": { summary: "The signed-in user, with their email.", errors: {} },
  "auth.changePassword": {
    summary:
      "Changes the caller's password (`newPassword` 8–256 characters) and revokes every other session of theirs (their WebSockets close); the caller's own session stays.",
    errors: {
      UNAUTHORIZED: "the current password is wrong",
      TOO_MANY_REQUESTS: "too many attempts, counted like failed logins (`data.retryAfterMs`)",
    },
  },
  "auth.sessions": {
    summary:
      "The caller's live sessions, newest first: `id` (not the token), `createdAt`, `lastSeenAt` (recorded at most once a minute), the `userAgent` that opened it, and `current` for the one making this call.",
    errors: {},
  },
  "auth.revokeSession": {
    summary: "Revokes one of the caller's own sessions: its token stops working and its WebSockets close, as on logout.",
    errors: { NOT_FOUND: "no such session among the caller's (another user's session id reads the same)" },
  },
  "user.search": {
    summary: "Users whose username starts with `query` (1–32 characters, ignoring case), ordered by username; `limit` 1–20, default 10.",
    errors: {},
  },
  "room.update": {
    summary: "Changes a channel's `name`, `topic` or `visibility`; emits `room.updated` when something changed.",
    errors: {
      NOT_FOUND: "no such room, or a private one the caller is not in",
      FORBIDDEN: "the caller is not its owner or an admin",
      BAD_REQUEST: "a dm",
      CONFLICT: 'the name is taken (`data.field` is `"name"`)',
    },
  },
  "room.addMember": {
    summary:
      "Adds someone (idempotent): any member of a public channel may, only the owner or an admin of a private one. A real add emits `member.joined` and sends them `room.added`.",
    errors: { NOT_FOUND: "no such room or user", FORBIDDEN: "the caller may not add people here", BAD_REQUEST: "a dm" },
  },
  "room.removeMember": {
    summary:
      "Removes someone: the owner removes anyone but themselves, an admin removes members. Emits `member.left` with `by`; their subscriptions to the room end and they get `room.removed`. A non-member: `{ ok: true }`, no event.",
    errors: { NOT_FOUND: "no such room or user", FORBIDDEN: "the caller may not remove them", BAD_REQUEST: "a dm" },
  },
  "room.setRole": {
    summary: "The owner makes a member an admin or an admin a member; emits `member.role` when it changed.",
    errors: {
      NOT_FOUND: "no such room or user, or they are not a member",
      FORBIDDEN: "the caller is not the owner, or the target is",
      BAD_REQUEST: "a dm, or a role other than admin/member",
    },
  },
  "dm.open": {
    summary:
      "The direct message between the caller and that user: created on the first call by either (both members; the other person gets `room.added`), the same room afterwards. Its `name` is the other person's username.",
    errors: { NOT_FOUND: "no such user", BAD_REQUEST: "yourself" },
  },
  "me.events": {
    summary:
      "The caller's own news in every tab and on every server: `room.added` when they join, are added or a dm is opened, `room.removed` when they leave or are removed, `room.unread` when a message by someone else arrives in one of their rooms or their read position moves, and `mention` when someone names them. Ephemeral: re-read `room.list` whenever it (re)starts.",
    errors: {},
  },
  "user.get": { summary: "A user's public profile, by username (ignoring case).", errors: { NOT_FOUND: "no such user" } },
  "room.create": {
    summary:
      "Creates a channel (name 1–64 characters after trimming, unique ignoring case among channels; `visibility` `public` (default) or `private`; `topic` 0–250 characters); the creator becomes its `owner`.",
    errors: { CONFLICT: 'a room with that name exists (`data.field` is `"name"`)', TOO_MANY_REQUESTS: "too many rooms created" },
  },
  "room.list": {
    summary:
      "Every room the caller is a member of (channels, private channels, dms), and at most `ROOM_LIST_LIMIT` (default 200) public channels they are not in, the most populated first. Channels first, by name ignoring case; then dms, newest message first. Capped, not paged.",
    errors: {},
  },
  "room.get": { summary: "One room.", errors: { NOT_FOUND: "no such room, or a private one the caller is not in" } },
  "room.join": {
    summary: "Joins a public channel (idempotent); emits `member.joined` only on a real join.",
    errors: { NOT_FOUND: "no such room, or a private one the caller is not in", TOO_MANY_REQUESTS: "too many joins and leaves" },
  },
  "room.leave": {
    summary:
      "Leaves a room; emits `member.left`. A non-member gets `{ ok: true }` and no event. An owner who leaves hands `owner` to the longest-standing admin, else the longest-standing member (`member.role`).",
    errors: {
      NOT_FOUND: "no such room, or a private one the caller is not in",
      BAD_REQUEST: "a dm cannot be left",
      TOO_MANY_REQUESTS: "too many joins and leaves",
    },
  },
  "room.members": {
    summary: "The room's members; `online` is true while the user holds a `room.activity` subscription to the room.",
    errors: { NOT_FOUND: "no such room", FORBIDDEN: "the caller is not a member" },
  },
  "room.typing": {
    summary: "Tells the room's other activity subscribers that the caller is typing.",
    errors: { NOT_FOUND: "no such room", FORBIDDEN: "the caller is not a member", TOO_MANY_REQUESTS: "typing notices sent too often" },
  },
  "room.events": {
    summary:
      "The room's persisted events. Without `lastEventId`: what happens after the subscription starts. With it: every event after that one, then live, in order, none lost and none twice, across reconnects and server restarts.",
    errors: {
      NOT_FOUND: "no such room",
      FORBIDDEN: "the caller is not a member",
      BAD_REQUEST: "`lastEventId` is not an event id this server issued",
    },
  },
  "room.activity": {
    summary: "Presence and typing in the room, not persisted. The first event is always `presence.snapshot`.",
    errors: {
      NOT_FOUND: "no such room",
      FORBIDDEN: "the caller is not a member",
      TOO_MANY_REQUESTS: "activity subscriptions opened too often",
    },
  },
  "room.feed": {
    summary:
      "Changes to the room list as they happen (`room.created`, `room.membership`), not persisted: re-read `room.list` on each instead of polling. An addition to the v1 contract.",
    errors: {},
  },
  "message.send": {
    summary:
      "Posts a message (1–4000 characters after trimming). Sending the same `clientMsgId` again returns the first message and creates nothing. `replyToId` quotes a live message of the same room; `@username` of members become `mentions` (each mentioned member gets `mention` on `me.events`). The sender's read position moves to the new message.",
    errors: {
      NOT_FOUND: "no such room, or `replyToId` is not a live message of this room",
      FORBIDDEN: "the caller is not a member",
      TOO_MANY_REQUESTS: "messages sent too fast",
    },
  },
  "room.markRead": {
    summary:
      "Moves the caller's read position forward to `eventId` (an older one leaves it where it is) and answers the new counts; every tab of the caller gets `room.unread` on `me.events`.",
    errors: {
      NOT_FOUND: "no such room",
      FORBIDDEN: "the caller is not a member",
      BAD_REQUEST: "the room never issued that event id",
      TOO_MANY_REQUESTS: "marked read too often",
    },
  },
  "message.react": {
    summary:
      "Adds the caller's `emoji` (1–16 code points, no white space) to a message, idempotently; emits `reactions.changed` when something changed. At most 20 distinct emoji per message.",
    errors: {
      NOT_FOUND: "no such message",
      FORBIDDEN: "the caller is not a member",
      BAD_REQUEST: "not an emoji, or a 21st distinct emoji",
      TOO_MANY_REQUESTS: "too many reactions",
    },
  },
  "message.unreact": {
    summary: "Takes the caller's `emoji` off a message, idempotently; emits `reactions.changed` when it was there.",
    errors: { NOT_FOUND: "no such message", FORBIDDEN: "the caller is not a member", TOO_MANY_REQUESTS: "too many reactions" },
  },
  "message.search": {
    summary:
      "Live messages of the caller's rooms (or of `roomId`) that contain every word of `query` (1–200 characters), ignoring case: PostgreSQL full text with the `simple` configuration, on PGlite too. The query is plain words, never syntax. Newest first; `limit` 1–50, default 20; `nextCursor` continues.",
    errors: {
      NOT_FOUND: "no such room",
      FORBIDDEN: "the caller is not a member of `roomId`",
      BAD_REQUEST: "unknown cursor",
      TOO_MANY_REQUESTS: "too many searches",
    },
  },
  "message.list": {
    summary:
      "The newest `limit` messages older than the cursor `before`, oldest first. `nextCursor` loads the page before (`null` at the start); `lastEventId` is the room's newest event id when the page was read: subscribe to `room.events` with it and nothing is missed.",
    errors: { NOT_FOUND: "no such room", FORBIDDEN: "the caller is not a member", BAD_REQUEST: "unknown cursor" },
  },
  "message.edit": {
    summary:
      "Changes a message's text and sets `editedAt`; emits `message.updated`. The message's earlier events (with the old text) leave the event log, as on delete: replay shows only the current text.",
    errors: { NOT_FOUND: "no such message", FORBIDDEN: "the caller did not write it", TOO_MANY_REQUESTS: "too many edits" },
  },
  "message.delete": {
    summary: "Deletes a message from history; emits `message.deleted`.",
    errors: { NOT_FOUND: "no such message", FORBIDDEN: "the caller did not write it" },
  },
};

/**
 * What this script reads of a procedure, from tRPC's run-time definition (`_def`).
 * @typedef {{ _def: { type: "query" | "mutation" | "subscription", inputs: InputParser[], middlewares: unknown[] } }} RouterProcedure
 * @typedef {{ toJSONSchema?: (options: { io: "input" }) => Record<string, unknown> }} InputParser
 * @typedef {{ path: string, kind: RouterProcedure["_def"]["type"], inputs: InputParser[], needsSession: boolean }} Procedure
 */

/**
 * Every procedure of the router: path, kind, input parsers, and whether it needs a session.
 * @returns {Procedure[]}
 */
function readRouter() {
  // The session check: the one middleware authedProcedure has and publicProcedure has not.
  const authOnly = authedProcedure._def.middlewares.filter((m) => !publicProcedure._def.middlewares.includes(m));
  const authMiddleware = authOnly.length === 1 ? authOnly[0] : undefined;
  if (!authMiddleware) {
    throw new Error("cannot tell the authed middleware apart; has packages/api/src/trpc.ts changed?");
  }
  // At run time `_def.procedures` is flat ("room.create": procedure); its declared type is nested.
  const procedures = /** @type {Record<string, RouterProcedure>} */ (/** @type {unknown} */ (appRouter._def.procedures));
  return Object.entries(procedures).map(([procedurePath, procedure]) => ({
    path: procedurePath,
    kind: procedure._def.type,
    inputs: procedure._def.inputs,
    needsSession: procedure._def.middlewares.includes(authMiddleware),
  }));
}

/**
 * The input's JSON Schema (what a caller may send), or null for a procedure without input.
 * @param {InputParser[]} inputs
 */
function inputSchema(inputs) {
  if (inputs.length === 0) return null;
  const schemas = inputs.map((parser) => {
    if (typeof parser.toJSONSchema !== "function") throw new Error("an input parser is not a zod 4 schema");
    const { $schema: _dialect, ...schema } = parser.toJSONSchema({ io: "input" });
    return schema;
  });
  return schemas.length === 1 ? schemas[0] : { allOf: schemas };
}

/**
 * Asks the TypeScript checker for each procedure's output type (for a subscription: what each
 * event carries), through a small in-memory file that imports AppRouter the way any workspace
 * package would, and reads the domain types' declarations from the contract in the same program.
 * @param {Procedure[]} procedures
 */
function readTypes(procedures) {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(root, "packages/api/tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!config) throw new Error("cannot read packages/api/tsconfig.json");
  const probeFile = path.join(root, "packages/api/src/__api-docs-probe.ts");
  const alias = (/** @type {string} */ p) => `Out_${p.replace(/\./g, "_")}`;
  const probe = [
    `import type { AppRouter } from "./index";`,
    `type Rec = AppRouter["_def"]["record"];`,
    `type Yield<T> = T extends AsyncIterable<infer U> ? U : T;`,
    ...procedures.map((p) => {
      const [group, name] = p.path.split(".");
      return `export type ${alias(p.path)} = Yield<Rec["${group}"]["${name}"]["_def"]["$types"]["output"]>;`;
    }),
  ].join("\n");
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName === probeFile
      ? ts.createSourceFile(fileName, probe, languageVersion, true)
      : getSourceFile(fileName, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === probeFile || fileExists(fileName);
  const program = ts.createProgram({ rootNames: [probeFile], options: { ...config.options, noEmit: true }, host });
  const errors = ts.getPreEmitDiagnostics(program, program.getSourceFile(probeFile));
  if (errors.length > 0)
    throw new Error(
      ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" }),
    );

  const checker = program.getTypeChecker();
  const source = program.getSourceFile(probeFile);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!source || !moduleSymbol) throw new Error("the probe file did not compile");
  const exported = new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.name, s]));
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;
  const print = (/** @type {ts.Type} */ type) => checker.typeToString(type, undefined, flags).replace(/'/g, '"').replace(/; }/g, " }");

  /** @type {Map<string, string>} */
  const outputs = new Map();
  for (const p of procedures) {
    const symbol = exported.get(alias(p.path));
    if (!symbol) throw new Error(`the probe file has no type for ${p.path}`);
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    // A tracked event (`tracked(id, data)` on the server) reaches the client as { id, data }.
    const tracked = type.getSymbol()?.name === "TrackedData" ? checker.getTypeArguments(/** @type {ts.TypeReference} */ (type))[0] : null;
    outputs.set(p.path, tracked ? `{ id: string; data: ${print(tracked)} }` : print(type));
  }

  // The domain types as the contract declares them: every exported type, in the file's order.
  const contract = program.getSourceFile(contractTypes);
  if (!contract) throw new Error(`the router's program does not reach ${path.relative(root, contractTypes)}`);
  const domain = contract.statements.flatMap((statement) => {
    if (!ts.isTypeAliasDeclaration(statement)) return [];
    if (!(ts.getCombinedModifierFlags(statement) & ts.ModifierFlags.Export)) return [];
    const name = statement.name.text;
    const text = statement.type.getText(contract);
    return [text.startsWith("|") ? `type ${name} =\n  ${text};` : `type ${name} = ${text};`];
  });
  if (domain.length === 0) throw new Error(`no exported types in ${path.relative(root, contractTypes)}`);
  return { outputs, domain };
}

/** @param {Procedure[]} procedures */
function checkProse(procedures) {
  const paths = new Set(procedures.map((p) => p.path));
  const missing = [...paths].filter((p) => !(p in PROSE));
  const stale = Object.keys(PROSE).filter((p) => !paths.has(p));
  if (missing.length > 0 || stale.length > 0) {
    throw new Error(
      `scripts/gen-api-docs.mjs PROSE disagrees with the router:` +
        (missing.length ? ` no entry for ${missing.join(", ")};` : "") +
        (stale.length ? ` no procedure ${stale.join(", ")}` : ""),
    );
  }
}

const CODE_ORDER = ["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_MANY_REQUESTS"];

/**
 * The error codes a procedure can answer with (and why), in the contract's order.
 * @param {Procedure} procedure
 * @returns {Record<string, string>}
 */
function errorCodes(procedure) {
  /** @type {Record<string, string | undefined>} */
  const codes = { ...PROSE[procedure.path]?.errors };
  const unknown = Object.keys(codes).filter((code) => !CODE_ORDER.includes(code));
  if (unknown.length > 0) throw new Error(`${procedure.path}: unknown error code ${unknown.join(", ")}`);
  if (procedure.needsSession) codes.UNAUTHORIZED ??= "no valid session";
  if (procedure.inputs.length > 0) {
    const invalid = "the input fails validation (`error.data.zodError` has the field errors)";
    codes.BAD_REQUEST = codes.BAD_REQUEST ? `${invalid}, or ${codes.BAD_REQUEST}` : invalid;
  }
  return /** @type {Record<string, string>} */ (
    Object.fromEntries(CODE_ORDER.filter((code) => code in codes).map((code) => [code, codes[code]]))
  );
}

const anchor = (/** @type {string} */ p) => p.replace(/\./g, "");
const cell = (/** @type {string} */ text) => text.replace(/\|/g, "\\|");

/**
 * @param {Procedure[]} procedures
 * @param {{ outputs: Map<string, string>, domain: string[] }} types
 */
function render(procedures, { outputs, domain }) {
  const lines = [
    "# Parley API reference",
    "",
    "<!-- Generated by scripts/gen-api-docs.mjs from the router in packages/api. Do not edit by hand:",
    "     run `pnpm exec tsx scripts/gen-api-docs.mjs`. CI fails when this file is out of date. -->",
    "",
    "Every procedure is a [tRPC](https://trpc.io) procedure, reached over one WebSocket at `/trpc`",
    "(queries, mutations and subscriptions) or over HTTP at `/trpc/<path>` (queries and mutations).",
    "There is no data transformer: plain JSON, timestamps as ISO-8601 strings, ids as strings. The",
    "typed way in is [`@parley/client`](../packages/client/README.md).",
    "",
    "**Session.** Procedures marked *session* need a valid session token, sent as WebSocket",
    "`connectionParams: { token }`, an `Authorization: Bearer <token>` header, or the `parley_session`",
    "cookie (the first present wins); `auth.signup` and `auth.login` return one.",
    "",
    "**Errors.** A failed call is a tRPC error whose `data.code` is one of the codes listed per",
    "procedure. Any call can also fail with `PAYLOAD_TOO_LARGE` (a request over the server's size",
    "limit), `SERVICE_UNAVAILABLE` (an outage, not a contract condition: the server's database is",
    "briefly away; `data.retryAfterMs` says when to try again and `data.reason` is",
    '`"database_unavailable"`) and `INTERNAL_SERVER_ERROR` (never with detail outside development). Besides `code`,',
    "`data` carries `zodError` (the field errors of a `BAD_REQUEST`, else null), `retryAfterMs` on",
    "`TOO_MANY_REQUESTS`, and `field` (a `ConflictField`) on a `CONFLICT` that is about one field.",
    "",
    "Inputs are given as JSON Schema (draft 2020-12) generated from the server's zod schemas; rules",
    "that JSON Schema cannot state (lengths in code points after trimming, uniqueness) are in the",
    "summaries. Outputs are TypeScript types inferred from the router.",
    "",
    "## Procedures",
    "",
    "| path | kind | needs | output | errors |",
    "|---|---|---|---|---|",
    ...procedures.map(
      (p) =>
        `| [\`${p.path}\`](#${anchor(p.path)}) | ${p.kind} | ${p.needsSession ? "session" : "—"} | \`${cell(outputs.get(p.path) ?? "")}\` | ${Object.keys(errorCodes(p)).join(", ") || "—"} |`,
    ),
    "",
    "## Types",
    "",
    "```ts",
    ...domain,
    "```",
  ];
  for (const p of procedures) {
    const schema = inputSchema(p.inputs);
    lines.push(
      "",
      `## ${p.path}`,
      "",
      `${p.kind}${p.needsSession ? " · needs a session" : " · no session needed"}`,
      "",
      PROSE[p.path]?.summary ?? "",
      "",
      "**Input**" + (schema ? "" : ": none"),
    );
    if (schema) lines.push("", "```json", JSON.stringify(schema, null, 2), "```");
    lines.push("", p.kind === "subscription" ? "**Each event**" : "**Output**", "", "```ts", outputs.get(p.path) ?? "", "```");
    if (p.kind === "subscription" && outputs.get(p.path)?.startsWith("{ id: string")) {
      lines.push(
        "",
        "`id` is the event id: a client that reconnects sends the last one back as `lastEventId` (`@parley/client` does this by itself).",
      );
    }
    lines.push("", "**Errors**", "", ...Object.entries(errorCodes(p)).map(([code, why]) => `- \`${code}\`: ${why}`));
  }
  return `${lines.join("\n")}\n`;
}

const procedures = readRouter();
checkProse(procedures);
const markdown = render(procedures, readTypes(procedures));

if (process.argv.includes("--check")) {
  const current = await readFile(target, "utf8").catch(() => null);
  if (current !== markdown) {
    console.error("docs/api.md is out of date: run `pnpm exec tsx scripts/gen-api-docs.mjs` and commit the result.");
    process.exit(1);
  }
  console.log(`docs/api.md is up to date (${procedures.length} procedures).`);
} else {
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, markdown);
  console.log(`wrote docs/api.md (${procedures.length} procedures)`);
}
