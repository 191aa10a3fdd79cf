import http from "node:http";
import WebSocket from "ws";
import type { ProcedureKind } from "./procedures";

/** Who makes a call: nobody, a member of the workspace's rooms, someone in none of them, their owner. */
export type Caller = "anonymous" | "member" | "nonMember" | "owner";

/** One procedure call as the fuzzer makes it (kind: what the procedure is, not how it is asked). */
export type Call = { path: string; kind: ProcedureKind; input: unknown };

/** How a subscription started over the WebSocket is stopped: in order, out of order, or never. */
export type StopOrder = "never" | "after" | "before" | "sameFrame" | "twice" | "unknownId";

/** What the fuzzer does in one step: which transport, which mode, as whom, which calls. */
export type Action =
  | { via: "http"; mode: "plain" | "batch" | "jsonl"; caller: Caller; auth: "bearer" | "cookie"; calls: Call[] }
  | { via: "sse"; caller: Caller; auth: "bearer" | "cookie"; call: Call }
  | { via: "httpJunk"; caller: Caller; method: string; path: string; body: string; contentType: string }
  | { via: "ws"; caller: Caller; op: "call"; call: Call; stop: StopOrder }
  | { via: "ws"; caller: Caller; op: "batch"; calls: Call[] }
  | { via: "ws"; caller: Caller; op: "junk"; frame: string | Buffer };

/** Something no client's mistake may cause. */
export type Failure = { kind: "internal" | "http500" | "no-reply" | "broken"; detail: string };

/** What one action saw: how many calls it made, whether every call was refused, failures. */
export type Outcome = { calls: number; refused: boolean; failures: Failure[] };

const INTERNAL = /INTERNAL_SERVER_ERROR|"code":-32603/;

/** A piece of an answer to report: around its first internal error if it has one. */
function excerpt(text: string): string {
  if (text.length <= 1200) return text;
  const at = Math.max(0, (text.search(INTERNAL) >= 0 ? text.search(INTERNAL) : 0) - 400);
  return `${at > 0 ? "…" : ""}${text.slice(at, at + 1200)}… (${text.length} chars)`;
}

/** A stack trace in an answer: never outside development (the fuzzer's server runs as production). */
const STACK = /"stack":|(\\n|\n)\s+at [\w<.]/;

/** Where the fuzzer's calls go and with which session tokens. */
export type Target = { url: string; tokens: Record<Caller, string | null> };

function authHeaders(target: Target, caller: Caller, auth: "bearer" | "cookie"): Record<string, string> {
  const token = target.tokens[caller];
  if (!token) return {};
  return auth === "bearer" ? { authorization: `Bearer ${token}` } : { cookie: `parley_session=${token}` };
}

function encodeInput(input: unknown): string {
  return input === undefined ? "" : encodeURIComponent(JSON.stringify(input));
}

/** Sends one HTTP request and reads the whole answer (aborted after `timeoutMs`). */
async function request(url: string, init: RequestInit, timeoutMs = 15_000): Promise<{ status: number; text: string } | Failure> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, { ...init, signal });
    const text = await res.text();
    return { status: res.status, text };
  } catch (error) {
    return { kind: "broken", detail: `${init.method ?? "GET"} ${url.slice(0, 200)}: ${String((error as Error).cause ?? error)}` };
  }
}

function judgeHttp(what: string, answer: { status: number; text: string } | Failure, calls: number): Outcome {
  if ("kind" in answer) return { calls, refused: true, failures: [answer] };
  const failures: Failure[] = [];
  if (answer.status >= 500) failures.push({ kind: "http500", detail: `${what} → HTTP ${answer.status}: ${excerpt(answer.text)}` });
  if (INTERNAL.test(answer.text)) failures.push({ kind: "internal", detail: `${what} → ${excerpt(answer.text)}` });
  else if (STACK.test(answer.text))
    failures.push({ kind: "internal", detail: `${what} → a stack trace in the answer: ${excerpt(answer.text)}` });
  const refused = answer.status >= 400 || /"error":/.test(answer.text);
  return { calls, refused, failures };
}

/** tRPC over HTTP: one call (GET for a query, POST otherwise), a batch, or a streamed (JSON lines) batch. */
async function overHttp(target: Target, action: Extract<Action, { via: "http" }>): Promise<Outcome> {
  const { calls, mode } = action;
  const headers: Record<string, string> = { ...authHeaders(target, action.caller, action.auth) };
  const paths = calls.map((c) => encodeURIComponent(c.path)).join(",");
  const anyWrite = calls.some((c) => c.kind !== "query");
  let url: string;
  let init: RequestInit;
  if (mode === "plain") {
    const [call] = calls;
    if (!call) return { calls: 0, refused: true, failures: [] };
    if (call.kind === "query") {
      url = `${target.url}/trpc/${paths}${call.input === undefined ? "" : `?input=${encodeInput(call.input)}`}`;
      init = { method: "GET", headers };
    } else {
      url = `${target.url}/trpc/${paths}`;
      init = {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: call.input === undefined ? "" : JSON.stringify(call.input),
      };
    }
  } else {
    if (mode === "jsonl") headers["trpc-accept"] = "application/jsonl";
    const inputs = Object.fromEntries(calls.map((c, i) => [String(i), c.input]));
    if (anyWrite) {
      url = `${target.url}/trpc/${paths}?batch=1`;
      init = { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(inputs) };
    } else {
      url = `${target.url}/trpc/${paths}?batch=1&input=${encodeInput(inputs)}`;
      init = { method: "GET", headers };
    }
  }
  const answer = await request(url, init);
  return judgeHttp(`${mode} ${init.method} ${calls.map((c) => c.path).join(",")} as ${action.caller}`, answer, calls.length);
}

/** A subscription asked for as server-sent events (tRPC's httpSubscriptionLink); read briefly. */
async function overSse(target: Target, action: Extract<Action, { via: "sse" }>): Promise<Outcome> {
  const { call } = action;
  const url = `${target.url}/trpc/${encodeURIComponent(call.path)}${call.input === undefined ? "" : `?input=${encodeInput(call.input)}`}`;
  const headers = { ...authHeaders(target, action.caller, action.auth), accept: "text/event-stream" };
  // A stream that does open is read for a moment, then dropped (the client going away).
  const signal = AbortSignal.timeout(1_500);
  let status = 0;
  let text = "";
  try {
    const res = await fetch(url, { headers, signal });
    status = res.status;
    const reader = res.body?.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } catch (error) {
    if (status === 0 && (error as Error).name !== "TimeoutError") {
      return { calls: 1, refused: true, failures: [{ kind: "broken", detail: `SSE ${call.path}: ${String(error)}` }] };
    }
  }
  return judgeHttp(`SSE ${call.path} as ${action.caller}`, { status, text }, 1);
}

/** Requests tRPC's HTTP handler must refuse cleanly: odd methods, paths, bodies and types. */
async function httpJunk(target: Target, action: Extract<Action, { via: "httpJunk" }>): Promise<Outcome> {
  const withBody = action.method !== "GET" && action.method !== "HEAD";
  // node:http frames a DELETE's or TRACE's body only when told its length.
  const length = withBody ? { "content-length": String(Buffer.byteLength(action.body)) } : {};
  const headers = { ...authHeaders(target, action.caller, "bearer"), "content-type": action.contentType, ...length };
  // node:http, not fetch: fetch will not send TRACE and friends.
  const answer = await new Promise<{ status: number; text: string } | Failure>((resolve) => {
    const req = http.request(`${target.url}/trpc/${action.path}`, { method: action.method, headers, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (error) =>
        resolve({ kind: "broken", detail: `${action.method} /trpc/${action.path.slice(0, 100)}: ${String(error)}` }),
      );
    });
    req.on("timeout", () => req.destroy(new Error("no answer in 15 s")));
    req.on("error", (error) =>
      resolve({ kind: "broken", detail: `${action.method} /trpc/${action.path.slice(0, 100)}: ${String(error)}` }),
    );
    req.end(withBody ? action.body : undefined);
  });
  return judgeHttp(`${action.method} /trpc/${action.path.slice(0, 100)} body ${JSON.stringify(action.body.slice(0, 100))}`, answer, 1);
}

type Waiter = { resolve: (message: Record<string, unknown> | null) => void };

/** One caller's WebSocket, kept open across steps and reopened when the server closes it. */
export class FuzzSocket {
  private socket: WebSocket | null = null;
  private opening: Promise<WebSocket> | null = null;
  private nextId = 1;
  private waiters = new Map<number, Waiter>();
  /** Set when the socket closed with calls unanswered: they may still run on the server. */
  private dirty = false;
  /** Internal errors seen on this socket since they were last taken. */
  private seen: Failure[] = [];

  constructor(
    private readonly url: string,
    private readonly token: () => string | null,
    readonly caller: Caller,
  ) {}

  private open(): Promise<WebSocket> {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    if (this.opening) return this.opening;
    const token = this.token();
    const ws = new WebSocket(`${this.url.replace(/^http/, "ws")}/trpc${token ? "?connectionParams=1" : ""}`);
    this.opening = new Promise<WebSocket>((resolve, reject) => {
      ws.once("open", () => {
        if (token) ws.send(JSON.stringify({ method: "connectionParams", data: { token } }));
        this.socket = ws;
        this.opening = null;
        resolve(ws);
      });
      ws.once("error", (error) => {
        this.opening = null;
        reject(error);
      });
    });
    ws.on("message", (data: Buffer) => this.receive(data.toString("utf8")));
    ws.on("close", () => {
      if (this.socket === ws) this.socket = null;
      if (this.waiters.size > 0) this.dirty = true;
      for (const waiter of this.waiters.values()) waiter.resolve(null);
      this.waiters.clear();
    });
    ws.on("error", () => undefined);
    return this.opening;
  }

  private receive(text: string): void {
    if (INTERNAL.test(text) || STACK.test(text))
      this.seen.push({ kind: "internal", detail: `WebSocket (${this.caller}) got ${excerpt(text)}` });
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return; // PONG
    }
    if (typeof message !== "object" || message === null) return;
    const id = (message as { id?: unknown }).id;
    if (typeof id !== "number") return;
    const waiter = this.waiters.get(id);
    if (waiter) {
      this.waiters.delete(id);
      waiter.resolve(message as Record<string, unknown>);
    }
  }

  /** Whether calls may still run for a socket that closed before answering them (and forgets it). */
  takeDirty(): boolean {
    const was = this.dirty;
    this.dirty = false;
    return was;
  }

  /** Failures seen since the last call of this (answers may arrive after their step ended). */
  takeFailures(): Failure[] {
    const out = this.seen;
    this.seen = [];
    return out;
  }

  private reply(id: number, timeoutMs: number): Promise<Record<string, unknown> | null | "timeout"> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        resolve("timeout");
      }, timeoutMs);
      this.waiters.set(id, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  private frame(id: number, call: Call): object {
    return { id, method: call.kind, params: { path: call.path, input: call.input } };
  }

  /** Runs one WebSocket step; `null` when the socket would not open (a failure only if it should have). */
  async run(action: Extract<Action, { via: "ws" }>): Promise<Outcome> {
    let ws: WebSocket;
    try {
      ws = await this.open();
    } catch (error) {
      return { calls: 0, refused: true, failures: [{ kind: "broken", detail: `WebSocket would not open: ${String(error)}` }] };
    }
    const failures: Failure[] = [];
    if (action.op === "junk") {
      ws.send(action.frame, { binary: Buffer.isBuffer(action.frame) });
      // Nothing waits for its answer: junk that happens to be a valid call may still be running.
      this.dirty = true;
      return { calls: 1, refused: true, failures };
    }
    if (action.op === "batch") {
      const ids = action.calls.map(() => this.nextId++);
      const replies = ids.map((id) => this.reply(id, 15_000));
      ws.send(JSON.stringify(action.calls.map((call, i) => this.frame(ids[i] ?? 0, call))));
      const answers = await Promise.all(replies);
      // Subscriptions in a batch that did start are stopped right away.
      const stops = ids.filter((_, i) => action.calls[i]?.kind === "subscription").map((id) => ({ id, method: "subscription.stop" }));
      if (stops.length > 0 && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(stops));
      const refused = answers.every((a) => a === null || a === "timeout" || "error" in a);
      answers.forEach((a, i) => {
        if (a === "timeout" && action.calls[i]?.kind !== "subscription") {
          failures.push({ kind: "no-reply", detail: `WebSocket batch: no answer to ${action.calls[i]?.path ?? "?"} in 15 s` });
        }
      });
      return { calls: action.calls.length, refused, failures };
    }
    const { call, stop } = action;
    const id = this.nextId++;
    if (call.kind !== "subscription") {
      const answer = this.reply(id, 15_000);
      ws.send(JSON.stringify(this.frame(id, call)));
      const a = await answer;
      if (a === "timeout") failures.push({ kind: "no-reply", detail: `WebSocket: no answer to ${call.path} in 15 s` });
      return { calls: 1, refused: a === null || a === "timeout" || "error" in a, failures };
    }
    const stopFrame = (sid: number) => JSON.stringify({ id: sid, method: "subscription.stop" });
    const first = this.reply(id, 5_000);
    switch (stop) {
      case "before":
        ws.send(stopFrame(id));
        ws.send(JSON.stringify(this.frame(id, call)));
        break;
      case "sameFrame":
        ws.send(JSON.stringify([this.frame(id, call), { id, method: "subscription.stop" }]));
        break;
      case "never":
      case "after":
      case "twice":
      case "unknownId":
        ws.send(JSON.stringify(this.frame(id, call)));
    }
    const a = await first;
    if (ws.readyState === WebSocket.OPEN) {
      if (stop === "after" || stop === "twice" || stop === "before") ws.send(stopFrame(id));
      if (stop === "twice") ws.send(stopFrame(id));
      if (stop === "unknownId") ws.send(stopFrame(this.nextId++ + 1_000_000));
    }
    return { calls: 1, refused: a === null || a === "timeout" || "error" in a, failures };
  }

  /** Closes the socket (its subscriptions end with it). */
  close(): void {
    this.socket?.close();
    this.socket = null;
  }
}

/** Runs one action and reports what it saw. */
export function perform(target: Target, sockets: Record<Caller, FuzzSocket>, action: Action): Promise<Outcome> {
  switch (action.via) {
    case "http":
      return overHttp(target, action);
    case "sse":
      return overSse(target, action);
    case "httpJunk":
      return httpJunk(target, action);
    case "ws":
      return sockets[action.caller].run(action);
  }
}
