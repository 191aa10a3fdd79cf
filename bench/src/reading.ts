// The reading benchmark (issue 10): room.list with 200 rooms and 100,000 messages, then
// message.search over 1,000,000 messages, on PostgreSQL, through the built server's HTTP API.
// Each figure is printed next to auth.me on the same server in the same run (one round trip
// through the stack and one indexed lookup), the baseline that tells the machine's speed.
//
//   pnpm bench:reading      (BENCH_READING_ROOMS, BENCH_READING_MESSAGES, BENCH_SEARCH_MESSAGES)
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { openDatabase, reading } from "@parley/db";
import pg from "pg";
import { MIGRATIONS, PARLEY_MAIN, seedParley, startProcess } from "./targets";

const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const config = {
  rooms: num("BENCH_READING_ROOMS", 200),
  listMessages: num("BENCH_READING_MESSAGES", 100_000),
  searchMessages: num("BENCH_SEARCH_MESSAGES", 1_000_000),
  users: 1000,
  runs: num("BENCH_READING_RUNS", 50),
  postgresUrl: env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
};
/** Distinct words of the generated texts; word k is drawn log-uniformly, so w1 is common and w40000 rare. */
const VOCABULARY = 50_000;

const log = (text: string) => console.log(`[reading] ${text}`);

/**
 * Adds `count` messages spread over the rooms, each by a random member, three to eight words
 * drawn from the vocabulary; one in a hundred names bench0 (a mention), one in a hundred is
 * deleted. Ordinals, event ids, counters and search vectors are set as the server would.
 */
async function addMessages(sql: pg.Client, count: number): Promise<void> {
  const started = performance.now();
  const batch = 100_000;
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    await sql.query(
      `WITH r AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM rooms),
       src AS (
         SELECT i, r.id AS room_id, 'bench' || (random() * ${config.users - 1})::int AS author_key,
                (SELECT string_agg('w' || floor(exp(random() * ln(${VOCABULARY})))::int, ' ')
                   FROM generate_series(1, 3 + (random() * 5)::int + (i * 0))) AS words,
                random() < 0.01 AS mention, random() < 0.01 AS deleted
         FROM generate_series($1::bigint, $1::bigint + $2::bigint - 1) AS i
         JOIN r ON r.k = i % ${config.rooms}
       )
       INSERT INTO messages (id, room_id, author_id, text, created_at, deleted_at)
       SELECT gen_random_uuid()::text, s.room_id, u.id,
              CASE WHEN s.deleted THEN '' WHEN s.mention THEN '@bench0 ' || s.words ELSE s.words END,
              now() - interval '1 second' * (1000000 - s.i), CASE WHEN s.deleted THEN now() END
       FROM src s JOIN users u ON u.username_key = s.author_key`,
      [done, n],
    );
    log(`  ${done + n}/${count} messages written (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  // Ordinals and event ids per room in history order, counters, mentions, search vectors.
  await sql.query(`
    UPDATE messages m SET ord = o.ord, event_seq = o.ord + 100, deleted_ord = CASE WHEN m.deleted_at IS NOT NULL THEN o.ord END
    FROM (SELECT id, row_number() OVER (PARTITION BY room_id ORDER BY seq) AS ord FROM messages) o
    WHERE m.id = o.id AND m.ord = 0`);
  await sql.query(`UPDATE rooms r SET message_count = c.n, last_event_seq = c.n + 100, last_message_at = c.newest
                   FROM (SELECT room_id, count(*) AS n, max(created_at) FILTER (WHERE deleted_at IS NULL) AS newest
                         FROM messages GROUP BY room_id) c WHERE c.room_id = r.id`);
  await sql.query(`INSERT INTO message_mentions (message_id, user_id, room_id, ord, position)
                   SELECT m.id, u.id, m.room_id, m.ord, 1 FROM messages m JOIN users u ON u.username_key = 'bench0'
                   WHERE m.text LIKE '@bench0 %' ON CONFLICT DO NOTHING`);
  await sql.query(`DROP INDEX IF EXISTS messages_search_idx`);
  await sql.query(`UPDATE messages SET search = to_tsvector('simple', text) WHERE deleted_at IS NULL AND search IS NULL`);
  await sql.query(`CREATE INDEX messages_search_idx ON messages USING GIN (search)`);
  await sql.query(`VACUUM ANALYZE messages`);
  await sql.query(`ANALYZE`);
  log(`  indexed in ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
}

/** Rooms: `rooms` channels; bench0 (the reader) is in every one, with a read position halfway. */
async function addRooms(sql: pg.Client): Promise<void> {
  await sql.query(
    `INSERT INTO rooms (id, name, name_key, created_by_id)
     SELECT gen_random_uuid()::text, 'room' || i, 'room' || i, (SELECT id FROM users WHERE username_key = 'bench0')
     FROM generate_series(1, $1::int - 1) AS i`,
    [config.rooms],
  );
  // Twenty more members in each room besides the reader.
  await sql.query(`INSERT INTO memberships (room_id, user_id)
                   SELECT r.id, u.id FROM rooms r, users u
                   WHERE u.username_key = 'bench0' OR (hashtext(r.id || u.id) % 50 = 0)
                   ON CONFLICT DO NOTHING`);
}

async function readHalfway(sql: pg.Client): Promise<void> {
  await sql.query(`UPDATE memberships ms SET last_read_ord = r.message_count / 2, last_read_seq = r.message_count / 2 + 100
                   FROM rooms r WHERE r.id = ms.room_id`);
}

type Timing = { p50: number; p95: number; max: number };

/**
 * The part of room.list that issue 10 added: the reader's unread and mention counts for all
 * their rooms (one statement of index probes), called in this process as the server calls it.
 */
async function timeReadStates(databaseUrl: string, sql: pg.Client): Promise<Timing> {
  const readerId = (await sql.query<{ id: string }>(`SELECT id FROM users WHERE username = 'bench0'`)).rows[0]?.id ?? "";
  const roomIds = (await sql.query<{ room_id: string }>(`SELECT room_id FROM memberships WHERE user_id = $1`, [readerId])).rows.map(
    (row) => row.room_id,
  );
  const db = await openDatabase({ kind: "postgres", url: databaseUrl });
  try {
    return await time(config.runs, async () => void (await reading.readStates(db, roomIds, readerId)));
  } finally {
    await db.close();
  }
}

async function time(runs: number, call: () => Promise<void>): Promise<Timing> {
  for (let i = 0; i < 3; i++) await call(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await call();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), max: samples.at(-1) ?? NaN };
}

/** One tRPC query over HTTP as bench0. */
function query(hostPort: string, path: string, input?: unknown): () => Promise<unknown> {
  const url = `http://${hostPort}/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;
  return async () => {
    const response = await fetch(url, { headers: { authorization: "Bearer benchtoken-0" } });
    const body = (await response.json()) as { result?: { data: unknown }; error?: unknown };
    if (!response.ok || body.error) throw new Error(`${path} failed: ${JSON.stringify(body.error ?? response.status).slice(0, 300)}`);
    return body.result?.data;
  };
}

const fmt = (t: Timing) => `p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms, max ${t.max.toFixed(1)} ms`;

const name = `parley_reading_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: config.postgresUrl });
await admin.connect();
await admin.query(`CREATE DATABASE "${name}"`);
const url = new URL(config.postgresUrl);
url.pathname = `/${name}`;
const rows: string[] = [];
let server: Awaited<ReturnType<typeof startProcess>> | null = null;
try {
  const t0 = performance.now();
  const db = await openDatabase({ kind: "postgres", url: url.toString() });
  try {
    await seedParley(db, MIGRATIONS, config.users); // users bench0…, their sessions, room "bench"
  } finally {
    await db.close();
  }
  const sql = new pg.Client({ connectionString: url.toString() });
  await sql.connect();
  log(`seeding ${config.rooms} rooms and ${config.listMessages} messages`);
  await addRooms(sql);
  await addMessages(sql, config.listMessages);
  await readHalfway(sql);
  server = await startProcess("parley", PARLEY_MAIN, {
    DATABASE_URL: url.toString(),
    RATE_LIMITS: "off",
    NODE_ENV: "production",
    LOG_LEVEL: "info",
  });
  const host = server.hostPort;

  const me = await time(config.runs, async () => void (await query(host, "auth.me")()));
  const list = await time(config.runs, async () => void (await query(host, "room.list")()));
  const listed = (await query(host, "room.list")()) as { unreadCount: number; mentionCount: number }[];
  const unread = listed.reduce((sum, r) => sum + r.unreadCount, 0);
  rows.push(`| auth.me (baseline) | ${config.listMessages} | ${fmt(me)} |`);
  rows.push(`| room.list: ${listed.length} rooms, ${unread} unread | ${config.listMessages} | ${fmt(list)} |`);
  rows.push(
    `| └ its unread counts alone: reading.readStates, in-process | ${config.listMessages} | ${fmt(await timeReadStates(url.toString(), sql))} |`,
  );

  if (config.searchMessages > config.listMessages) {
    await server.stop();
    server = null;
    log(`adding ${config.searchMessages - config.listMessages} messages for search`);
    await addMessages(sql, config.searchMessages - config.listMessages);
    await readHalfway(sql);
    server = await startProcess("parley", PARLEY_MAIN, {
      DATABASE_URL: url.toString(),
      RATE_LIMITS: "off",
      NODE_ENV: "production",
      LOG_LEVEL: "info",
    });
  }
  const host2 = server.hostPort;
  const total = Math.max(config.searchMessages, config.listMessages);
  const frequency = async (word: string) =>
    Number(
      (await sql.query<{ n: string }>(`SELECT count(*) AS n FROM messages WHERE search @@ to_tsquery('simple', $1)`, [word])).rows[0]?.n ??
        0,
    );
  const me2 = await time(config.runs, async () => void (await query(host2, "auth.me")()));
  rows.push(`| auth.me (baseline) | ${total} | ${fmt(me2)} |`);
  const list2 = await time(config.runs, async () => void (await query(host2, "room.list")()));
  rows.push(`| room.list: ${config.rooms} rooms | ${total} | ${fmt(list2)} |`);
  rows.push(`| └ its unread counts alone: reading.readStates, in-process | ${total} | ${fmt(await timeReadStates(url.toString(), sql))} |`);
  const searches: [string, string][] = [
    ["rare word", "w40000"],
    ["uncommon word", "w700"],
    ["common word", "w3"],
    ["two words", "w3 w20"],
    ["no such word", "zzzz"],
    ["hostile text", `" : & | ! ( w3`],
  ];
  for (const [label, text] of searches) {
    const matches = text.includes(" ") ? null : await frequency(text);
    const t = await time(config.runs, async () => void (await query(host2, "message.search", { query: text })()));
    const paged = await time(Math.max(5, config.runs / 5), async () => {
      const first = (await query(host2, "message.search", { query: text })()) as { nextCursor: string | null };
      if (first.nextCursor) await query(host2, "message.search", { query: text, before: first.nextCursor })();
    });
    rows.push(
      `| message.search ${label} (${JSON.stringify(text)}${matches === null ? "" : `, ${matches} matches`}) | ${total} | ${fmt(t)}; first two pages ${paged.p50.toFixed(1)} ms p50 |`,
    );
  }
  await sql.end();
  console.log(
    `\nParley reading benchmark — PostgreSQL, built server over HTTP, ${config.runs} sequential calls each after 3 warm-ups, as a member of all ${config.rooms} rooms (total ${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
  );
  console.log("| call | messages in the database | latency |");
  console.log("|---|---:|---|");
  for (const row of rows) console.log(row);
} finally {
  await server?.stop();
  if (env.BENCH_KEEP_DB) log(`kept the database: ${url.toString()}`);
  else await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}
