import type { Database } from "@parley/db";
import fc from "fast-check";
import { inputFor, troubledString, type KeyPool } from "./inputs";
import { fingerprintDiff, fingerprinter, type LogWatch } from "./oracle";
import { listProcedures } from "./procedures";
import { FuzzSocket, perform, type Action, type Call, type Caller, type Failure, type Target } from "./transports";
import { knownBugOf } from "./known-bugs";
import { setUpWorkspace, type Workspace } from "./workspace";

export type FuzzOptions = {
  /** The server under test, e.g. http://127.0.0.1:3000 (started with RATE_LIMITS=off). */
  url: string;
  /** Its database, for the write fingerprint. */
  db: Database;
  /** The sink its logger writes to. */
  logs: LogWatch;
  /** How many procedure calls to make, at least. */
  calls: number;
  /** fast-check's seed for the first chunk of runs; later chunks derive theirs from it. */
  seed: number;
  /** Fail on the known bugs of issue 19 too (otherwise they are counted and reported). */
  strict: boolean;
  /** Where progress lines go. */
  print: (line: string) => void;
  /** How many fast-check loops run at once (default 6). */
  workers?: number;
  /** Ends the run early (Ctrl-C): the report covers the calls made so far. */
  signal?: AbortSignal;
  /** Fuzz only the procedures whose path starts with one of these (default: every procedure). */
  paths?: string[];
  /** The most a chunk of runs and the shrinking of its failure may take (default 180 s). */
  chunkLimitMs?: number;
};

/** One failure the fuzzer found, with what reproduces it. */
export type Finding = { seed: number; path: string; counterexample: string; failures: Failure[] };

export type FuzzReport = {
  calls: number;
  steps: number;
  seconds: number;
  callsPerSecond: number;
  /** Failures that are not known bugs (in strict mode: all of them). */
  failure: Finding | null;
  /** Known bugs hit, by name: how often, and the first counterexample. */
  known: Record<string, { hits: number; first: string }>;
};

/** One fuzzing step: one call run alone (fingerprinted), or several actions at once. */
type Step = { alone: Action } | { together: Action[] };

const RUNS_PER_CHUNK = 100;
/** A chunk's runs and the shrinking of a failure found in it, at most (then fast-check stops). */
const CHUNK_LIMIT_MS = 180_000;
const UNKNOWN_PATHS = [
  "",
  "nope",
  "room",
  "room.",
  ".room.get",
  "room.get.extra",
  "__proto__",
  "constructor",
  "room.__proto__",
  "auth.constructor",
  "a".repeat(300),
];

/** A printable form of a value: every non-ASCII or control code unit escaped, so NULs and RTL marks show. */
export function visible(value: unknown): string {
  return (JSON.stringify(value, (_k, v: unknown) => (Buffer.isBuffer(v) ? `<binary ${v.toString("hex").slice(0, 80)}>` : v)) ?? "undefined")
    .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .slice(0, 4000);
}

function arbitraries(pool: KeyPool, paths: string[] | undefined) {
  const procedures = listProcedures().filter((p) => !paths || paths.some((prefix) => p.path.startsWith(prefix)));
  if (procedures.length === 0) throw new Error(`no procedure matches ${paths?.join(",") ?? ""}`);
  const known = procedures.map((p) => inputFor(p.input, pool).map((input): Call => ({ path: p.path, kind: p.kind, input })));
  const unknown = fc
    .tuple(
      fc.constantFrom(...UNKNOWN_PATHS),
      fc.constantFrom("query", "mutation", "subscription") as fc.Arbitrary<Call["kind"]>,
      fc.jsonValue({ maxDepth: 1 }),
    )
    .map(([path, kind, input]): Call => ({ path, kind, input }));
  const call = fc.oneof({ weight: 30, arbitrary: fc.oneof(...known) }, { weight: 1, arbitrary: unknown });
  const subscriptions = listProcedures().filter((p) => p.kind === "subscription");
  const subscriptionCall = fc.oneof(
    ...subscriptions.map((p) => inputFor(p.input, pool).map((input): Call => ({ path: p.path, kind: p.kind, input }))),
  );
  const caller = fc.constantFrom<Caller>("anonymous", "member", "member", "nonMember", "nonMember", "owner");
  const auth = fc.constantFrom<"bearer" | "cookie">("bearer", "cookie");
  const calls = fc.array(call, { minLength: 1, maxLength: 10 });
  const junkFrame = fc.oneof(
    fc.string({ maxLength: 40 }),
    troubledString,
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.constantFrom(
      "PING",
      "PONG",
      "[]",
      "[1,2,3]",
      "null",
      '{"id":"s1"}',
      '{"id":"s2","method":"query"}',
      '{"id":"s3","method":"query","params":{}}',
      '{"id":"s4","method":"query","params":{"path":"auth.me","input":{}}}',
      '{"id":null,"method":"mutation","params":{"path":"room.create","input":{"name":"x"}}}',
      '{"id":"s5","method":"subscription.stop"}',
      '{"method":"subscription.stop"}',
      '{"id":1e400,"method":"query","params":{"path":"auth.me"}}',
      '{"id":{"a":1},"method":"query","params":{"path":"auth.me"}}',
      '{"id":"s6","jsonrpc":"1.0","method":"query","params":{"path":"auth.me"}}',
      '{"id":"s7","method":"connectionParams","data":{"token":1}}',
      '{"id":"s8","method":"subscription","params":{"path":"room.events","input":{"roomId":"x"},"lastEventId":{"a":1}}}',
      "x".repeat(70_000),
    ),
    fc.uint8Array({ maxLength: 16 }).map((bytes) => Buffer.from(bytes)),
  );
  const httpJunk = fc.record({
    via: fc.constant("httpJunk" as const),
    caller,
    method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"),
    path: fc.oneof(
      fc.constantFrom(
        "",
        "auth.me",
        "%",
        "%E0%A4%A",
        "room.get,room.get",
        "auth.me?batch=1",
        "auth.me?batch=1&input=%7B",
        "room.list?input=%00",
        "auth.me?batch=1&input=[1]",
        "room.get?input=%7B%22roomId%22%3A%22%ED%A0%80%22%7D",
        ",,,",
        "auth.signup?batch=1",
      ),
      fc.string({ maxLength: 20 }).map(encodeURIComponent),
    ),
    body: fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom("", "{", "[]", '{"0":null}', "null", '{"0":{"json":1}}', "\u0000", "x".repeat(70_000)),
      troubledString,
    ),
    contentType: fc.constantFrom(
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "",
      "application/json; charset=latin1",
    ),
  });
  const action: fc.Arbitrary<Action> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        via: fc.constant("http" as const),
        mode: fc.constant("plain" as const),
        caller,
        auth,
        calls: call.map((c) => [c]),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        via: fc.constant("http" as const),
        mode: fc.constantFrom("batch" as const, "jsonl" as const),
        caller,
        auth,
        calls,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        via: fc.constant("http" as const),
        mode: fc.constant("jsonl" as const),
        caller,
        auth,
        calls: call.map((c) => [c]),
      }),
    },
    { weight: 1, arbitrary: fc.record({ via: fc.constant("sse" as const), caller, auth, call: fc.oneof(subscriptionCall, call) }) },
    { weight: 1, arbitrary: httpJunk },
    {
      weight: 5,
      arbitrary: fc.record({
        via: fc.constant("ws" as const),
        caller,
        op: fc.constant("call" as const),
        call,
        stop: fc.constantFrom("never" as const, "after" as const),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        via: fc.constant("ws" as const),
        caller,
        op: fc.constant("call" as const),
        call: subscriptionCall,
        stop: fc.constantFrom(
          "never" as const,
          "after" as const,
          "before" as const,
          "sameFrame" as const,
          "twice" as const,
          "unknownId" as const,
        ),
      }),
    },
    { weight: 2, arbitrary: fc.record({ via: fc.constant("ws" as const), caller, op: fc.constant("batch" as const), calls }) },
    { weight: 1, arbitrary: fc.record({ via: fc.constant("ws" as const), caller, op: fc.constant("junk" as const), frame: junkFrame }) },
  );
  // One action alone: a single call whose refusal must leave the database as it was.
  const alone: fc.Arbitrary<Action> = fc.oneof(
    fc.record({
      via: fc.constant("http" as const),
      mode: fc.constantFrom("plain" as const, "jsonl" as const),
      caller,
      auth,
      calls: call.map((c) => [c]),
    }),
    fc.record({ via: fc.constant("ws" as const), caller, op: fc.constant("call" as const), call, stop: fc.constant("after" as const) }),
  );
  return fc.oneof(
    { weight: 1, arbitrary: alone.map((a): Step => ({ alone: a })) },
    { weight: 3, arbitrary: fc.array(action, { minLength: 1, maxLength: 8 }).map((a): Step => ({ together: a })) },
  );
}

/** The chunk's seed: chunk 0 runs with the seed given, so `--seed <printed seed>` replays a chunk. */
function chunkSeed(seed: number, chunk: number): number {
  return (seed + chunk * 7919) | 0;
}

/** Lets answers and log lines that trail a step arrive before it is judged. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/**
 * Steps that run together share this lock; a step run alone (and the workspace's healing)
 * holds it alone, so the database fingerprint around it sees its writes only.
 */
class StepLock {
  private shared = 0;
  private exclusive: Promise<void> | null = null;
  private drained: (() => void)[] = [];

  async together<T>(work: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive;
    this.shared++;
    try {
      return await work();
    } finally {
      if (--this.shared === 0) for (const wake of this.drained.splice(0)) wake();
    }
  }

  async alone<T>(work: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive;
    let release = () => {};
    this.exclusive = new Promise<void>((resolve) => (release = resolve));
    try {
      while (this.shared > 0) await new Promise<void>((wake) => this.drained.push(wake));
      return await work();
    } finally {
      this.exclusive = null;
      release();
    }
  }
}

const CALLERS: Caller[] = ["anonymous", "member", "nonMember", "owner"];

/**
 * Fuzzes the server at `url` until `calls` procedure calls were made or a failure was found:
 * random steps of valid and mutated calls over every transport, as every kind of caller, each
 * judged by the answers, the server's log and (for calls run alone) the database's fingerprint.
 * Several workers run fast-check at once, each on its own chunks of runs (its own seed, its own
 * WebSockets), so a slow call (a password hash) holds up one worker, not all. A failure stops
 * the others, is shrunk by fast-check and returned with its chunk's seed.
 */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const workspace: Workspace = await setUpWorkspace(options.url);
  const fingerprint = await fingerprinter(options.db);
  const target: Target = { url: options.url, tokens: workspace.tokens };
  const lock = new StepLock();
  const known: FuzzReport["known"] = {};
  let calls = 0;
  let steps = 0;
  let nextChunk = 0;
  let failure: Finding | null = null;
  /** The worker shrinking a failure: the others stand still meanwhile. */
  let shrinking: number | null = null;
  let lastPrint = performance.now();
  const allSockets: FuzzSocket[] = [];

  /**
   * Waits until the database has not changed for 250 ms: calls of a closed socket, or junk frames
   * that were valid calls, may still be running (a sign-up spends ~100 ms hashing before it writes).
   */
  const stable = async (): Promise<string> => {
    let last = await fingerprint();
    let quiet = 0;
    for (let i = 0; i < 200 && quiet < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = await fingerprint();
      quiet = now === last ? quiet + 1 : 0;
      last = now;
    }
    return last;
  };

  const judge = async (worker: number, sockets: Record<Caller, FuzzSocket>, step: Step): Promise<void> => {
    // Ctrl-C ends shrinking too: fast-check then reports the smallest counterexample so far.
    if (options.signal?.aborted) return;
    if ((shrinking !== null && shrinking !== worker) || (calls >= options.calls && shrinking === null)) return;
    steps++;
    if (shrinking === worker) {
      // Each attempt starts from the same cast: the failing step may have logged it out.
      await lock.alone(() => workspace.heal());
      for (const s of Object.values(sockets)) s.close();
    }
    const failures: Failure[] = [];
    const actions = "alone" in step ? [step.alone] : step.together;
    if ("alone" in step) {
      await lock.alone(async () => {
        const dirty = allSockets.some((s) => s.takeDirty());
        const before = dirty ? await stable() : await fingerprint();
        const outcome = await perform(target, sockets, step.alone);
        calls += outcome.calls;
        await settle();
        const after = await fingerprint();
        failures.push(...outcome.failures);
        if (outcome.refused && after !== before) {
          failures.push({ kind: "internal", detail: `a refused call left a write behind: ${fingerprintDiff(before, after)}` });
        }
      });
    } else {
      const outcomes = await lock.together(() => Promise.all(step.together.map((a) => perform(target, sockets, a))));
      for (const o of outcomes) {
        calls += o.calls;
        failures.push(...o.failures);
      }
      await settle();
    }
    failures.push(...options.logs.take());
    for (const s of Object.values(sockets)) failures.push(...s.takeFailures());
    if (failures.length === 0) return;
    const names = failures.map((f) => knownBugOf(f, actions));
    if (!options.strict && names.every((n) => n !== null)) {
      for (const name of names) {
        const entry = (known[name] ??= { hits: 0, first: `${visible(actions)}\n  → ${failures[0]?.detail ?? ""}` });
        entry.hits++;
      }
      return;
    }
    if (shrinking === null) {
      shrinking = worker;
      options.print(
        `fuzz: failure found after ${calls} calls; shrinking it. First seen:\n  ${visible(actions)}\n  ${failures.map((f) => `${f.kind}: ${f.detail}`).join("\n  ")}`,
      );
    }
    throw new FuzzFailure(failures);
  };

  const work = async (worker: number): Promise<void> => {
    const sockets = Object.fromEntries(CALLERS.map((c) => [c, new FuzzSocket(options.url, () => target.tokens[c], c)])) as Record<
      Caller,
      FuzzSocket
    >;
    allSockets.push(...Object.values(sockets));
    while (calls < options.calls && !options.signal?.aborted && !failure && shrinking === null) {
      const chunk = nextChunk++;
      const seed = chunkSeed(options.seed, chunk);
      // Fuzzed calls log the cast out, make them leave rooms, revoke sessions: restore it.
      await lock.alone(() => workspace.heal());
      for (const s of Object.values(sockets)) s.close();
      const property = fc.asyncProperty(arbitraries(workspace.pool, options.paths), (step) => judge(worker, sockets, step));
      // Shrinking runs steps against a real server (up to seconds each): it is cut off after
      // CHUNK_LIMIT_MS with the smallest counterexample found by then.
      const details = await fc.check(property, {
        seed,
        numRuns: RUNS_PER_CHUNK,
        interruptAfterTimeLimit: options.chunkLimitMs ?? CHUNK_LIMIT_MS,
        markInterruptAsFailure: false,
      });
      if (details.failed && shrinking === worker) {
        const error = details.errorInstance instanceof FuzzFailure ? details.errorInstance : null;
        failure = {
          seed: details.seed,
          path: details.counterexamplePath ?? "",
          counterexample: visible(details.counterexample?.[0]),
          failures: error?.failures ?? [{ kind: "broken", detail: String(details.errorInstance) }],
        };
      }
      if (performance.now() - lastPrint > 10_000) {
        lastPrint = performance.now();
        const seconds = (performance.now() - started) / 1000;
        options.print(
          `fuzz: ${calls} calls in ${seconds.toFixed(0)} s (${Math.round(calls / seconds)} calls/s), chunk ${chunk}, seed ${seed}`,
        );
      }
    }
    for (const s of Object.values(sockets)) s.close();
  };
  await Promise.all(Array.from({ length: options.workers ?? 6 }, (_, w) => work(w)));
  const seconds = (performance.now() - started) / 1000;
  return { calls, steps, seconds, callsPerSecond: Math.round(calls / seconds), failure, known };
}

/** The failures of one step, thrown so fast-check shrinks the step. */
export class FuzzFailure extends Error {
  constructor(readonly failures: Failure[]) {
    super(failures.map((f) => `${f.kind}: ${f.detail}`).join("\n"));
  }
}

/** The report as lines a person reads: counts, rate, known bugs hit, the failure with its seed. */
export function describeReport(report: FuzzReport): string {
  const lines = [`fuzz: ${report.calls} calls in ${report.steps} steps, ${report.seconds.toFixed(1)} s, ${report.callsPerSecond} calls/s`];
  for (const [name, { hits, first }] of Object.entries(report.known)) {
    lines.push(`known bug ${name}: ${hits} hits; first:\n  ${first}`);
  }
  if (report.failure) {
    const f = report.failure;
    lines.push(
      `FAILED with seed ${f.seed} (replay: pnpm fuzz --seed ${f.seed}; fast-check path ${f.path})`,
      `shrunk counterexample: ${f.counterexample}`,
      ...f.failures.map((x) => `  ${x.kind}: ${x.detail}`),
    );
  }
  return lines.join("\n");
}
