import { randomBytes } from "node:crypto";
import type { KeyPool } from "./inputs";
import type { Caller } from "./transports";

/** The fuzzer's small workspace: an owner, a member and a non-member of two rooms, and their keys. */
export type Workspace = {
  tokens: Record<Caller, string | null>;
  pool: KeyPool;
  /** Signs the cast back in and restores who is in which room (fuzzed calls change both). */
  heal(): Promise<void>;
};

type Answer = { result?: { data?: unknown }; error?: { data?: { code?: string } } };

/** One plain tRPC call over HTTP; throws unless it succeeds. */
async function call<T>(
  url: string,
  path: string,
  input: unknown,
  token: string | null,
  kind: "query" | "mutation" = "mutation",
): Promise<T> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const res =
    kind === "query"
      ? await fetch(`${url}/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { headers })
      : await fetch(`${url}/trpc/${path}`, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify(input ?? null),
        });
  const body = (await res.json()) as Answer;
  if (!res.ok || body.error) throw new Error(`workspace: ${path} failed: ${JSON.stringify(body.error ?? body)}`);
  return body.result?.data as T;
}

const PASSWORD = "fuzz-correct-horse";

/**
 * Sets up the cast over plain HTTP (the server must run with RATE_LIMITS=off): three people,
 * a public and a private room of the owner's with the member in both, a few messages.
 */
export async function setUpWorkspace(url: string): Promise<Workspace> {
  const tag = randomBytes(3).toString("hex");
  const names = { owner: `fz_owner_${tag}`, member: `fz_member_${tag}`, nonMember: `fz_other_${tag}` };
  const tokens: Record<Caller, string | null> = { anonymous: null, member: null, nonMember: null, owner: null };
  for (const who of ["owner", "member", "nonMember"] as const) {
    const username = names[who];
    const { token } = await call<{ token: string }>(
      url,
      "auth.signup",
      { username, email: `${username}@example.com`, password: PASSWORD },
      null,
    );
    tokens[who] = token;
  }
  const pool: KeyPool = { roomIds: [], messageIds: [], eventIds: [], sessionIds: [], usernames: Object.values(names), password: PASSWORD };
  const rooms = { open: "", closed: "" };

  const roomOk = async (roomId: string): Promise<boolean> => {
    try {
      const room = await call<{ role: string | null }>(url, "room.get", { roomId }, tokens.owner, "query");
      return room.role === "owner";
    } catch {
      return false;
    }
  };

  const heal = async (): Promise<void> => {
    for (const who of ["owner", "member", "nonMember"] as const) {
      try {
        await call(url, "auth.me", undefined, tokens[who], "query");
      } catch {
        tokens[who] = (await call<{ token: string }>(url, "auth.login", { login: names[who], password: PASSWORD }, null)).token;
      }
    }
    // A room the owner no longer owns (they left it) is replaced by a new one.
    for (const visibility of ["public", "private"] as const) {
      const key = visibility === "public" ? "open" : "closed";
      if (rooms[key] && (await roomOk(rooms[key]))) continue;
      const room = await call<{ id: string }>(
        url,
        "room.create",
        { name: `fz_${visibility}_${randomBytes(4).toString("hex")}`, visibility },
        tokens.owner,
      );
      rooms[key] = room.id;
      pool.roomIds.push(room.id);
    }
    await call(url, "room.update", { roomId: rooms.open, visibility: "public" }, tokens.owner);
    await call(url, "room.addMember", { roomId: rooms.open, username: names.member }, tokens.owner);
    await call(url, "room.addMember", { roomId: rooms.closed, username: names.member }, tokens.owner);
    for (const roomId of [rooms.open, rooms.closed])
      await call(url, "room.removeMember", { roomId, username: names.nonMember }, tokens.owner);
    // Keys for the generators: messages, the rooms' newest events, every session of the cast.
    for (const roomId of [rooms.open, rooms.closed]) {
      const sent = await call<{ id: string }>(url, "message.send", { roomId, text: `hello @${names.member}` }, tokens.member);
      pool.messageIds.push(sent.id);
      const page = await call<{ lastEventId: string | null }>(url, "message.list", { roomId, limit: 1 }, tokens.owner, "query");
      if (page.lastEventId) pool.eventIds.push(page.lastEventId);
    }
    for (const who of ["owner", "member", "nonMember"] as const) {
      const list = await call<{ id: string }[]>(url, "auth.sessions", undefined, tokens[who], "query");
      pool.sessionIds.push(...list.map((s) => s.id));
    }
    // Keep the pools small: the newest keys are the live ones.
    for (const key of ["roomIds", "messageIds", "eventIds", "sessionIds"] as const) pool[key] = [...new Set(pool[key])].slice(-12);
  };
  await heal();
  return { tokens, pool, heal };
}
