import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { readInt } from "./protocols";
import { machineCpuMicros, totalCpuMicros, totalRssBytes } from "./proc";
import type { Target } from "./targets";

// The load generator: the same code drives every target through its WireProtocol. Subscribers
// find the send time inside a frame with indexOf on the raw bytes; nothing is JSON-parsed.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Text of fan-out message `seq`: a marker, the sequence number and the send time in µs. */
const MARK = Buffer.from("~B");
const TILDE = 0x7e;
const fanoutText = (seq: number, sentUs: number) => `~B${seq}~${sentUs}~`;

type FrameHandler = (frame: Buffer) => void;

/**
 * Opens subscriber `i` and resolves once the server confirms the subscription. Frames after
 * that go to `onFrame` (set later through the returned socket's handler slot).
 */
function openSubscriber(target: Target, i: number, slot: { onFrame: FrameHandler }): Promise<WebSocket> {
  const p = target.protocol;
  const hostPort = target.hostPorts[i % target.hostPorts.length] ?? "";
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(p.url(hostPort), { perMessageDeflate: false });
    let subscribed = false;
    let greeted = p.helloAnswered === null;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`subscriber ${i}: not subscribed after 60 s`));
    }, 60_000);
    ws.on("open", () => {
      for (const frame of p.hello(target.subscriberToken(i))) ws.send(frame);
      if (greeted) ws.send(p.subscribe(target.roomId));
    });
    ws.on("message", (data: Buffer) => {
      if (data.length <= 4) {
        const reply = p.keepAlive(data);
        if (reply !== null) return ws.send(reply);
      }
      if (subscribed) return slot.onFrame(data);
      const text = data.toString();
      if (!greeted) {
        greeted = p.helloAnswered?.(text) ?? true;
        if (greeted) ws.send(p.subscribe(target.roomId));
        return;
      }
      const result = p.subscribeResult(text);
      if (result === "ok") {
        subscribed = true;
        clearTimeout(timer);
        resolve(ws);
      } else if (result === "error") {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(`subscriber ${i} refused: ${data.toString().slice(0, 300)}`));
      }
    });
    ws.on("error", (error) => {
      clearTimeout(timer);
      if (!subscribed) reject(error);
    });
    ws.on("close", () => {
      clearTimeout(timer);
      if (!subscribed) reject(new Error(`subscriber ${i} closed before subscribing`));
    });
  });
}

/** A pool of subscribed connections sharing one frame handler. */
export class Subscribers {
  readonly sockets: WebSocket[] = [];
  readonly slot: { onFrame: FrameHandler } = { onFrame: () => {} };
  failures: string[] = [];
  constructor(private readonly target: Target) {}

  /** Opens subscribers until there are `count`, `concurrency` handshakes at a time. */
  async grow(count: number, concurrency = 100): Promise<void> {
    let next = this.sockets.length;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        try {
          this.sockets.push(await openSubscriber(this.target, i, this.slot));
        } catch (error) {
          if (this.failures.length < 5) this.failures.push(String(error));
          else this.failures.push("");
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** Connections still open. */
  open(): number {
    return this.sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  }

  /** Closes all but the first `keep` connections (abruptly, as a crashed client would). */
  shrink(keep: number): void {
    for (const ws of this.sockets.splice(keep)) ws.terminate();
  }
}

/** A connection that publishes and counts acknowledgements. */
class Sender {
  private nextId = 2;
  private readonly sentAt = new Map<number, number>();
  onAck: (latencyMs: number, ok: boolean) => void = () => {};
  constructor(
    private readonly ws: WebSocket,
    private readonly target: Target,
  ) {
    ws.on("message", (data: Buffer) => {
      if (data.length <= 4) {
        const reply = target.protocol.keepAlive(data);
        if (reply !== null) return ws.send(reply);
      }
      const id = target.protocol.ackId(data);
      if (id === 0) return;
      const t0 = this.sentAt.get(Math.abs(id));
      if (t0 === undefined) return;
      this.sentAt.delete(Math.abs(id));
      this.onAck(performance.now() - t0, id > 0);
    });
  }
  get inFlight(): number {
    return this.sentAt.size;
  }
  send(text: string): void {
    const id = this.nextId++;
    this.sentAt.set(id, performance.now());
    this.ws.send(this.target.protocol.publish(id, this.target.roomId, text));
  }
  close(): void {
    this.ws.terminate();
  }
}

/** Opens sender `j` (on server j % servers) and waits until its hello went out. */
async function openSender(target: Target, j: number): Promise<Sender> {
  const p = target.protocol;
  const ws = new WebSocket(p.url(target.hostPorts[j % target.hostPorts.length] ?? ""), { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  ws.on("error", () => {});
  for (const frame of p.hello(target.senderToken(j))) ws.send(frame);
  const answered = p.helloAnswered;
  if (answered) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sender ${j}: no answer to its hello in 30 s`)), 30_000);
      const onMessage = (data: Buffer) => {
        if (!answered(data.toString())) return;
        clearTimeout(timer);
        ws.off("message", onMessage);
        resolve();
      };
      ws.on("message", onMessage);
    });
  }
  return new Sender(ws, target);
}

/** Percentile `q` (0–1) of `sorted`, counting `missing` samples as infinitely late. */
export function percentile(sorted: Float64Array, q: number, missing = 0): number {
  const index = Math.ceil(q * (sorted.length + missing)) - 1;
  return index < sorted.length ? (sorted[Math.max(0, index)] ?? NaN) : Infinity;
}

export type MemoryResult = { connections: number; held: number; kibPerConnection: number; failures: string[] };

/**
 * Memory per subscribed connection: (server RSS with `count` subscribed connections − RSS before
 * any) / connections. It includes everything a connection costs the server process: the socket
 * and its buffers, the WebSocket and protocol state, the subscription (for Parley: the tRPC
 * context, the room stream, its queue and hub listener), plus garbage not yet collected.
 */
export async function measureMemory(target: Target, subs: Subscribers, count: number, settleMs: number): Promise<MemoryResult> {
  const before = totalRssBytes(target.pids);
  await subs.grow(count);
  await sleep(settleMs);
  const held = subs.open();
  const after = totalRssBytes(target.pids);
  return {
    connections: count,
    held,
    kibPerConnection: (after - before) / 1024 / Math.max(1, held),
    failures: subs.failures.filter(Boolean),
  };
}

/** The latency percentiles the plot draws. */
export const PLOT_PERCENTILES = [0.5, 0.75, 0.9, 0.95, 0.99, 0.999];

export type FanoutResult = {
  subscribers: number;
  messages: number;
  expected: number;
  /** Deliveries within the grace period after the last send (the ones with latencies). */
  delivered: number;
  /** Deliveries that came after it, counted while the server drained its backlog. */
  late: number;
  drainSeconds: number;
  /** Server CPU from the first send to the end of the drain ÷ (delivered + late). */
  cpuMicrosPerDelivery: number;
  p50: number;
  p99: number;
  /** Latency at each of PLOT_PERCENTILES (for the plot). */
  percentiles: { q: number; ms: number }[];
  /** Fraction of the load generator's own CPU used (1 = one core), to spot a saturated generator. */
  generatorCpu: number;
  /** Cores' worth of CPU that other processes on the machine (not server, not generator) used. */
  otherCpu: number;
  /** Cores' worth of CPU the server used during the window. */
  serverCpu: number;
  sendErrors: number;
  /** Seconds from the first send until everything arrived or the deadline passed. */
  windowSeconds: number;
};

/**
 * One sender publishes `rate` messages/s for `seconds`; every subscriber should receive each.
 * A delivery is "delivered" (and has a latency) if it arrives by `graceMs` after the last send.
 * Server CPU is taken from the first send until everything has arrived, or, for a server that
 * fell behind, until it stops delivering (≤ `drainCapMs` more), divided by all deliveries.
 */
export async function fanout(
  target: Target,
  subs: Subscribers,
  options: { rate: number; seconds: number; graceMs: number; drainCapMs: number },
): Promise<FanoutResult> {
  const { rate, seconds, graceMs, drainCapMs } = options;
  const n = subs.open();
  const total = Math.round(rate * seconds);
  const expected = total * n;
  const latencies = new Float64Array(expected);
  let received = 0;
  let deadline = Infinity;
  let allArrived: () => void = () => {};
  const arrived = new Promise<void>((resolve) => (allArrived = resolve));
  let late = 0;
  subs.slot.onFrame = (frame) => {
    const k = frame.indexOf(MARK);
    if (k < 0) return;
    const now = performance.now();
    if (received + late >= expected) return;
    if (now > deadline) late++;
    else {
      const [, afterSeq] = readInt(frame, k + 2);
      if (frame[afterSeq] !== TILDE) return;
      const [sentUs] = readInt(frame, afterSeq + 1);
      latencies[received++] = now - sentUs / 1000;
    }
    if (received + late === expected) allArrived();
  };

  const sender = await openSender(target, 0);
  let sendErrors = 0;
  sender.onAck = (_ms, ok) => {
    if (!ok) sendErrors++;
  };
  await sleep(200); // let the sender's connection params land before the clock starts
  const cpu0 = totalCpuMicros(target.pids);
  const gen0 = process.cpuUsage();
  const machine0 = machineCpuMicros();
  const start = performance.now();
  for (let seq = 0; seq < total; seq++) {
    const due = start + (seq * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const now = performance.now();
    sender.send(fanoutText(seq, Math.round(now * 1000)));
  }
  deadline = performance.now() + graceMs;
  await Promise.race([arrived, sleep(graceMs)]);
  const end = performance.now();
  const cpu1 = totalCpuMicros(target.pids);
  const gen = process.cpuUsage(gen0);
  const machine1 = machineCpuMicros();
  // A server that fell behind is still delivering: its CPU per delivery counts late deliveries
  // too, until everything arrived or the server goes quiet (capped at `drainCapMs`).
  const drainStart = performance.now();
  let cpuDrained = cpu1;
  while (received + late < expected && performance.now() - drainStart < drainCapMs) {
    await Promise.race([arrived, sleep(500)]);
    const now = totalCpuMicros(target.pids);
    if (now - cpuDrained < 0.1 * 500_000) break;
    cpuDrained = now;
  }
  const cpu2 = totalCpuMicros(target.pids);
  sender.close();
  const windowUs = (end - start) * 1000;
  const genUs = gen.user + gen.system;
  const sorted = latencies.subarray(0, received).sort();
  return {
    subscribers: n,
    messages: total,
    expected,
    delivered: received,
    late,
    cpuMicrosPerDelivery: (cpu2 - cpu0) / Math.max(1, received + late),
    drainSeconds: (performance.now() - drainStart) / 1000,
    p50: percentile(sorted, 0.5, expected - received),
    p99: percentile(sorted, 0.99, expected - received),
    percentiles: PLOT_PERCENTILES.map((q) => ({ q, ms: percentile(sorted, q, expected - received) })),
    generatorCpu: genUs / windowUs,
    serverCpu: (cpu1 - cpu0) / windowUs,
    otherCpu: Math.max(0, machine1.busy - machine0.busy - (cpu1 - cpu0) - genUs) / windowUs,
    sendErrors,
    windowSeconds: (end - start) / 1000,
  };
}

/** Waits until the server uses under `share` of a core for 0.5 s, or `capMs` passes. */
export async function waitUntilQuiet(target: Target, capMs: number, share = 0.1): Promise<number> {
  const start = performance.now();
  let last = totalCpuMicros(target.pids);
  while (performance.now() - start < capMs) {
    await sleep(500);
    const now = totalCpuMicros(target.pids);
    if (now - last < share * 500_000) break;
    last = now;
  }
  return (performance.now() - start) / 1000;
}

export type AckResult = {
  connections: number;
  inFlight: number;
  acksPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** Open loop at half that rate: the rate reached and its ack latencies. */
  half: { rate: number; achieved: number; p50: number; p99: number; lost: number; errors: number };
};

/**
 * Acknowledged sends into one room: `connections` senders keep `inFlight` sends outstanding
 * each for `seconds` (closed loop; the first 0.5 s are not counted); then an open loop at half
 * the rate reached, spread over the same connections, for its ack latency.
 */
export async function ackThroughput(target: Target, connections: number, inFlight: number, seconds: number): Promise<AckResult> {
  const senders = await Promise.all(Array.from({ length: connections }, (_, j) => openSender(target, j)));
  await sleep(300);
  // Warm-up: one acknowledged send per connection (authentication, first queries).
  await Promise.all(
    senders.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.onAck = () => resolve();
          s.send("warm-up");
          setTimeout(resolve, 10_000);
        }),
    ),
  );

  // Closed loop.
  const lat: number[] = [];
  let errors = 0;
  let counting = false;
  let running = true;
  for (const s of senders) {
    s.onAck = (ms, ok) => {
      if (counting) {
        lat.push(ms);
        if (!ok) errors++;
      }
      if (running) s.send("ack-test");
    };
  }
  for (const s of senders) for (let k = 0; k < inFlight; k++) s.send("ack-test");
  await sleep(500);
  counting = true;
  const t0 = performance.now();
  await sleep(seconds * 1000);
  counting = false;
  running = false;
  const elapsed = (performance.now() - t0) / 1000;
  const acksPerSecond = lat.length / elapsed;
  const drainStart = performance.now();
  while (senders.some((s) => s.inFlight > 0) && performance.now() - drainStart < 15_000) await sleep(50);

  // Open loop at half the rate.
  const halfRate = acksPerSecond / 2;
  const halfLat: number[] = [];
  let halfErrors = 0;
  for (const s of senders) {
    s.onAck = (ms, ok) => {
      halfLat.push(ms);
      if (!ok) halfErrors++;
    };
  }
  const toSend = Math.round(halfRate * seconds);
  const start = performance.now();
  let sent = 0;
  while (sent < toSend) {
    const due = Math.min(toSend, Math.floor(((performance.now() - start) / 1000) * halfRate) + 1);
    while (sent < due) senders[sent++ % connections]?.send("ack-half");
    await sleep(2);
  }
  const sendSeconds = (performance.now() - start) / 1000;
  const halfDrain = performance.now();
  while (senders.some((s) => s.inFlight > 0) && performance.now() - halfDrain < 10_000) await sleep(20);
  for (const s of senders) s.close();

  const sortedFull = Float64Array.from(lat).sort();
  const sortedHalf = Float64Array.from(halfLat).sort();
  const lost = toSend - halfLat.length;
  return {
    connections,
    inFlight,
    acksPerSecond,
    p50: percentile(sortedFull, 0.5),
    p99: percentile(sortedFull, 0.99),
    errors,
    half: {
      rate: halfRate,
      achieved: toSend / sendSeconds,
      p50: percentile(sortedHalf, 0.5, lost),
      p99: percentile(sortedHalf, 0.99, lost),
      lost,
      errors: halfErrors,
    },
  };
}
