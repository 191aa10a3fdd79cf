import type { IncomingMessage } from "node:http";
import {
  isDirectStream,
  noopMetrics,
  responsePrefix,
  type ApiMetrics,
  type Count,
  type EventFrame,
  type FrameSink,
} from "@parley/api/transport";
import type { AnyRouter } from "@trpc/server";
import {
  callProcedure,
  defaultTransformer,
  getErrorShape,
  getHTTPStatusCodeFromError,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isTrackedEnvelope,
  parseConnectionParamsFromUnknown,
  parseTRPCMessage,
  TRPCError,
} from "@trpc/server/unstable-core-do-not-import";
import WebSocket from "ws";
import { KeepAlive, type Liveness } from "./keep-alive";

// Parley's WebSocket adapter for tRPC. It speaks tRPC v11's WebSocket protocol (the one
// @trpc/client's wsLink speaks: connectionParams, query/mutation/subscription requests, batches,
// subscription.stop, started/data/stopped/error, reconnect, PING/PONG) and calls procedures
// through tRPC's own callProcedure, so routing, input validation, middleware and error shapes
// are tRPC's. What it does differently from @trpc/server/adapters/ws:
// - a subscription that returns a DirectStream (room.events) is driven by the stream itself,
//   which writes frames serialised once per event per server; no generator step, response
//   object or JSON.stringify per subscriber and event;
// - a stop (or the socket closing) while a subscription's resolver still runs aborts it at once;
// - at most `maxSubscriptions` subscriptions per connection;
// - one keep-alive timer for all connections instead of two per connection.

type Id = string | number;

/** Requests of one frame started in one turn of the event loop. */
const REQUESTS_PER_TURN = 10;
type ConnectionParams = Record<string, string | undefined> | null;

export type TrpcWsAdapterOptions<TContext> = {
  router: AnyRouter;
  /** Builds a connection's context once, from its upgrade request and connectionParams. */
  createContext(req: IncomingMessage, socket: WebSocket, connectionParams: ConnectionParams): Promise<TContext>;
  /** Subscriptions one connection may hold at once; more are refused with TOO_MANY_REQUESTS. */
  maxSubscriptions: number;
  /** Unsent bytes past which the socket is dropped (its client reconnects and resumes). */
  maxBacklogBytes: number;
  keepAlive: { pingMs: number; pongWaitMs: number };
  /** Open subscriptions, deliveries of generator subscriptions, and slow sockets cut off. */
  metrics?: ApiMetrics;
  /**
   * Every error the adapter answers, as tRPC's own adapters report them: a procedure's, and the
   * ones no procedure sees (a malformed frame, a context that could not be built).
   */
  onError?(failure: CallFailure<TContext>): void;
};

/** One error answered on a connection. */
export type CallFailure<TContext> = {
  error: TRPCError;
  type: ProcedureType | "unknown";
  path: string | undefined;
  input: unknown;
  /** The connection's context; undefined until it is built (or when building it failed). */
  ctx: TContext | undefined;
  socket: WebSocket;
};

/**
 * Logs a failure as the HTTP side logs a request: the procedure and its code at info, at warn
 * with the cause's detail when it is the server's fault (a 5xx status).
 */
export function logCallFailure(
  log: { info(details: object, message: string): void; warn(details: object, message: string): void },
  failure: CallFailure<unknown>,
): void {
  const { error, type, path } = failure;
  const status = getHTTPStatusCodeFromError(error);
  const message = `ws ${type} ${path ?? "-"} ${error.code}`;
  // An outage (SERVICE_UNAVAILABLE) is expected and already logged once by the procedure's error
  // mapping: its message, without a stack. Other 5xx (a context that failed) keep their cause.
  if (error.code === "SERVICE_UNAVAILABLE") log.warn({ type, path, code: error.code, status, reason: error.message }, message);
  else if (status >= 500) log.warn({ type, path, code: error.code, status, err: error.cause ?? error }, message);
  else log.info({ type, path, code: error.code, status }, message);
}

type ProcedureType = "query" | "mutation" | "subscription";
type Outcome<T> = { ok: true; value: T } | { ok: false; error: TRPCError };

export type TrpcWsAdapter = {
  /** Serves one accepted WebSocket. */
  handleConnection(socket: WebSocket, req: IncomingMessage): void;
  /** Asks every client to reconnect (tRPC's `reconnect` notification), e.g. before a restart. */
  broadcastReconnect(): void;
  /** Open connections served. */
  readonly size: number;
  close(): void;
};

export function createTrpcWsAdapter<TContext>(options: TrpcWsAdapterOptions<TContext>): TrpcWsAdapter {
  // Responses and DirectStream frames are plain JSON: a router with a data transformer (superjson,
  // say) would need every one of them transformed first.
  if (options.router._def._config.transformer !== defaultTransformer) {
    throw new Error("Parley's WebSocket adapter serves routers without a data transformer only");
  }
  const connections = new Set<Connection<TContext>>();
  const metrics = options.metrics ?? noopMetrics;
  const keepAlive = new KeepAlive(options.keepAlive.pingMs, options.keepAlive.pongWaitMs);
  return {
    handleConnection(socket, req) {
      const connection = new Connection(socket, req, options, metrics, keepAlive.watch(socket));
      connections.add(connection);
      socket.once("close", () => {
        connections.delete(connection);
        keepAlive.forget(socket);
        connection.closed();
      });
    },
    broadcastReconnect() {
      const notification = JSON.stringify({ id: null, method: "reconnect" });
      for (const connection of connections) connection.sendRaw(notification);
    },
    get size() {
      return connections.size;
    },
    close() {
      keepAlive.stop();
    },
  };
}

type Queued = { request: ReturnType<typeof parseTRPCMessage>; batchIndex: number };

class Connection<TContext> {
  /** Requests received and not started yet, in arrival order. */
  private queue: Queued[] = [];
  private draining = false;
  /** Subscriptions by request id, from the moment they are requested until they end. */
  private readonly subscriptions = new Map<Id, AbortController>();
  private context: Promise<Outcome<TContext>> | null = null;
  private contextValue: TContext | undefined;

  /** The upgrade request, until the context is built from it. */
  private req: IncomingMessage | null;

  constructor(
    private readonly socket: WebSocket,
    req: IncomingMessage,
    private readonly options: TrpcWsAdapterOptions<TContext>,
    private readonly metrics: ApiMetrics,
    private readonly liveness: Liveness,
  ) {
    this.req = req;
    // With `?connectionParams=1` the client's first message carries them; else start at once.
    const expectsParams = /[?&]connectionParams=1(&|$)/.test(req.url ?? "");
    if (!expectsParams) this.context = this.createContext(null);
    socket.on("message", (data, isBinary) => this.receive(data, isBinary));
    // A protocol error (an oversized frame, say) closes the socket; ws reports it here first.
    socket.on("error", () => {});
  }

  /** The socket closed: every subscription, running or still starting, is aborted. */
  closed(): void {
    this.queue = [];
    for (const abort of this.subscriptions.values()) abort.abort();
    this.subscriptions.clear();
  }

  sendRaw(data: string): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    // A client that sends requests but never reads the answers is dropped like a slow
    // subscriber, before its replies fill the server's memory.
    if (this.socket.bufferedAmount > this.options.maxBacklogBytes) {
      this.metrics.slowSocketCutoffs("replies").inc();
      return this.socket.terminate();
    }
    this.socket.send(data);
  }

  private respond(message: unknown): void {
    this.sendRaw(JSON.stringify(message));
  }

  /** The error as the router's errorFormatter shapes it (AnyRouter types that shape loosely). */
  private errorShape(error: TRPCError, type: ProcedureType | "unknown", path: string | undefined, input: unknown): unknown {
    return getErrorShape({
      config: this.options.router._def._config,
      error,
      type,
      path,
      input,
      ctx: this.contextValue,
    });
  }

  private respondError(
    id: Id | null,
    jsonrpc: "2.0" | undefined,
    cause: unknown,
    type: ProcedureType | "unknown" = "unknown",
    path?: string,
    input?: unknown,
  ): void {
    const error = getTRPCErrorFromUnknown(cause);
    this.respond({ id, jsonrpc, error: this.errorShape(error, type, path, input) });
    this.options.onError?.({ error, type, path, input, ctx: this.contextValue, socket: this.socket });
  }

  private async createContext(params: (() => ConnectionParams) | null): Promise<Outcome<TContext>> {
    const req = this.req;
    this.req = null; // nothing else needs it: let it go with its headers
    if (!req) throw new Error("the context is built once");
    try {
      const value = await this.options.createContext(req, this.socket, params ? params() : null);
      this.contextValue = value;
      return { ok: true, value };
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      this.respondError(null, undefined, error);
      setImmediate(() => this.socket.close());
      return { ok: false, error };
    }
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    this.liveness.heard();
    if (isBinary || !Buffer.isBuffer(data)) {
      this.respondError(null, undefined, new TRPCError({ code: "PARSE_ERROR", message: "Messages are JSON text frames" }));
      return;
    }
    const text = data.toString("utf8");
    if (text === "PING") return this.sendRaw("PONG");
    if (text === "PONG") return;
    if (!this.context) {
      this.context = this.createContext(() => {
        let message: unknown;
        try {
          message = JSON.parse(text);
        } catch (cause) {
          throw new TRPCError({ code: "PARSE_ERROR", message: "Malformed connectionParams message", cause });
        }
        if (typeof message !== "object" || message === null) {
          throw new TRPCError({ code: "PARSE_ERROR", message: "Malformed connectionParams message" });
        }
        return parseConnectionParamsFromUnknown((message as { data?: unknown }).data);
      });
      return;
    }
    let requests: ReturnType<typeof parseTRPCMessage>[];
    try {
      const json: unknown = JSON.parse(text);
      const transformer = this.options.router._def._config.transformer;
      requests = (Array.isArray(json) ? json : [json]).map((raw) => parseTRPCMessage(raw, transformer));
    } catch (cause) {
      this.respondError(null, undefined, new TRPCError({ code: "PARSE_ERROR", cause }));
      return;
    }
    requests.forEach((request, batchIndex) => this.queue.push({ request, batchIndex }));
    if (!this.draining) this.drainQueue();
  }

  /**
   * Starts queued requests in arrival order (stops included, so a stop never overtakes its
   * subscribe), ten per turn of the event loop: a frame of a hundred requests then cannot hold
   * up everyone else's deliveries while its requests start.
   */
  private drainQueue(): void {
    this.draining = false;
    for (let n = 0; n < REQUESTS_PER_TURN; n++) {
      const next = this.queue.shift();
      if (!next) return;
      this.handle(next.request, next.batchIndex);
    }
    if (this.queue.length > 0) {
      this.draining = true;
      setImmediate(() => this.drainQueue());
    }
  }

  private handle(request: ReturnType<typeof parseTRPCMessage>, batchIndex: number): void {
    const { id, jsonrpc } = request;
    if (id === null || id === undefined) {
      this.respondError(null, jsonrpc, new TRPCError({ code: "PARSE_ERROR", message: "`id` is required" }));
      return;
    }
    if (request.method === "subscription.stop") {
      this.stop(id, jsonrpc);
      return;
    }
    const { path, lastEventId } = request.params;
    let input: unknown = request.params.input;
    // tRPC's client resumes a tracked subscription by sending the last event id beside the input.
    if (lastEventId !== undefined) {
      input = typeof input === "object" && input !== null ? { ...input, lastEventId } : (input ?? { lastEventId });
    }
    const type = request.method;
    if (type === "subscription") void this.subscribe(id, jsonrpc, path, input, batchIndex);
    else void this.call(id, jsonrpc, type, path, input, batchIndex);
  }

  private async ready(): Promise<TContext> {
    const outcome = await this.context;
    if (!outcome) throw new TRPCError({ code: "PARSE_ERROR", message: "connectionParams expected first" });
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  private async call(id: Id, jsonrpc: "2.0" | undefined, type: "query" | "mutation", path: string, input: unknown, batchIndex: number) {
    try {
      const ctx = await this.ready();
      const data: unknown = await callProcedure({
        router: this.options.router,
        path,
        getRawInput: () => Promise.resolve(input),
        ctx,
        type,
        signal: undefined,
        batchIndex,
      });
      if (isAsyncIterable(data) || isDirectStream(data)) {
        throw new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: `A ${type} cannot return a stream` });
      }
      this.respond({ id, jsonrpc, result: { type: "data", data } });
    } catch (cause) {
      this.respondError(id, jsonrpc, cause, type, path, input);
    }
  }

  private async subscribe(id: Id, jsonrpc: "2.0" | undefined, path: string, input: unknown, batchIndex: number) {
    if (this.subscriptions.has(id)) {
      this.respondError(id, jsonrpc, new TRPCError({ code: "BAD_REQUEST", message: `Duplicate id ${id}` }), "subscription", path, input);
      return;
    }
    if (this.subscriptions.size >= this.options.maxSubscriptions) {
      const message = `At most ${this.options.maxSubscriptions} subscriptions per connection`;
      this.respondError(id, jsonrpc, new TRPCError({ code: "TOO_MANY_REQUESTS", message }), "subscription", path, input);
      return;
    }
    const abort = new AbortController();
    this.subscriptions.set(id, abort);
    const active = () => this.subscriptions.get(id) === abort && !abort.signal.aborted;
    let result: unknown;
    try {
      const ctx = await this.ready();
      result = await callProcedure({
        router: this.options.router,
        path,
        getRawInput: () => Promise.resolve(input),
        ctx,
        type: "subscription",
        signal: abort.signal,
        batchIndex,
      });
    } catch (cause) {
      const stillOurs = this.subscriptions.get(id) === abort;
      if (stillOurs) this.subscriptions.delete(id);
      abort.abort();
      // A subscription stopped meanwhile was already answered `stopped`: no second answer.
      if (stillOurs) this.respondError(id, jsonrpc, cause, "subscription", path, input);
      return;
    }
    // Stopped, or the socket closed, while the resolver ran: never start it; let it clean up.
    if (!active() || this.socket.readyState !== WebSocket.OPEN) {
      abort.abort();
      return;
    }
    const finish = (outcome: { error: unknown } | null) => {
      if (!active()) return;
      this.subscriptions.delete(id);
      abort.abort();
      if (outcome) this.respondError(id, jsonrpc, outcome.error, "subscription", path, input);
      else this.respond({ id, jsonrpc, result: { type: "stopped" } });
    };
    // Open from `started` until it ends, however it ends (every end aborts its controller). No
    // listener at all with metrics off: it would cost memory on every subscription.
    if (this.metrics.enabled) {
      const open = this.metrics.subscriptions(path);
      open.inc();
      abort.signal.addEventListener("abort", () => open.dec(), { once: true });
    }
    if (isDirectStream(result)) {
      this.respond({ id, jsonrpc, result: { type: "started" } });
      result.run(new SocketFrameSink(this.socket, responsePrefix(id, jsonrpc), abort.signal, finish));
      return;
    }
    if (!isAsyncIterable(result)) {
      finish({ error: new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `Subscription ${path} returned no stream` }) });
      return;
    }
    this.respond({ id, jsonrpc, result: { type: "started" } });
    void this.pump(id, jsonrpc, result, abort.signal, finish, this.metrics.deliveries(path));
  }

  /** Iterates an ordinary (async-generator) subscription; its generator must end on abort. */
  private async pump(
    id: Id,
    jsonrpc: "2.0" | undefined,
    iterable: AsyncIterable<unknown>,
    signal: AbortSignal,
    finish: (outcome: { error: unknown } | null) => void,
    delivered: Count,
  ) {
    const iterator = iterable[Symbol.asyncIterator]();
    const onAbort = () => void iterator.return?.(undefined)?.catch(() => {});
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done || signal.aborted) break;
        const value: unknown = next.value;
        delivered.inc();
        if (isTrackedEnvelope(value)) {
          const [eventId, data] = value;
          this.respond({ id, jsonrpc, result: { type: "data", id: eventId, data: { id: eventId, data } } });
        } else {
          this.respond({ id, jsonrpc, result: { type: "data", data: value } });
        }
      }
      finish(null);
    } catch (error) {
      finish({ error });
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  private stop(id: Id, jsonrpc: "2.0" | undefined): void {
    const abort = this.subscriptions.get(id);
    if (!abort) return;
    this.subscriptions.delete(id);
    abort.abort();
    this.respond({ id, jsonrpc, result: { type: "stopped" } });
  }
}

/**
 * Where a DirectStream writes: its frames go to the socket behind the subscription's response
 * prefix. (A class, not an object of closures: there is one per subscription.)
 */
class SocketFrameSink implements FrameSink<unknown> {
  constructor(
    private readonly socket: WebSocket,
    private readonly prefix: string,
    private readonly signal: AbortSignal,
    private readonly finish: (outcome: { error: unknown } | null) => void,
  ) {}

  write(frame: EventFrame<unknown>): void {
    // The hot path: no AbortSignal check here (its getter is slow); a stream stops writing
    // itself once its signal aborts.
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(this.prefix + frame.tail);
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  drained(bytes: number): Promise<void> {
    return waitForDrain(this.socket, bytes, this.signal);
  }

  end(): void {
    this.finish(null);
  }

  fail(error: unknown): void {
    this.finish({ error });
  }

  dropSocket(): void {
    this.socket.terminate();
  }
}

/** Resolves once at most `bytes` are queued on the socket, or the subscription ended. */
async function waitForDrain(socket: WebSocket, bytes: number, signal: AbortSignal): Promise<void> {
  // ws exposes no drain event of its own: look again after 5 ms, backing off to 200 ms.
  for (let wait = 5; ; wait = Math.min(200, wait * 2)) {
    if (socket.bufferedAmount <= bytes || signal.aborted || socket.readyState !== WebSocket.OPEN) return;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
