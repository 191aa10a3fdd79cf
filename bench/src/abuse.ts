// Issue 11's load test for findings 1 and 2: while one user attacks Parley with replays or
// with sockets, do other people's messages keep flowing and does /healthz keep answering?
// Three phases against one built server on PostgreSQL (rate limits and caps at their defaults,
// except the message limit, which the steady sender would trip): a quiet baseline, a replay
// attack, a connection flood. Each runs the same fan-out (victims × rate) and probes /healthz.
// Loopback only, bounded in time and count; it stops by itself.
//
//   pnpm --filter @parley/bench run abuse       # BENCH_ABUSE_SUBSCRIBERS, _RATE, _SECONDS
import http from "node:http";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { fanout, Subscribers, type FanoutResult } from "./load";
import { describeMachine } from "./proc";
import { startTarget, type Target } from "./targets";

const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const VICTIMS = num("BENCH_ABUSE_SUBSCRIBERS", 200);
const RATE = num("BENCH_ABUSE_RATE", 50);
const SECONDS = num("BENCH_ABUSE_SECONDS", 8);
const HISTORY = 1_200;
const ATTACKER_ADDRESS = "127.0.0.2";
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A raw protocol socket, signed in when given a token. The attacker connects from its own
 * loopback address (127.0.0.2), as a real one would from its own machine, so the per-address
 * caps see it apart from the victims and the sender (127.0.0.1).
 */
function openSocket(target: Target, token: string | null, localAddress = "127.0.0.1"): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${target.hostPorts[0]}/trpc${token ? "?connectionParams=1" : ""}`, {
      perMessageDeflate: false,
      localAddress,
    });
    ws.once("open", () => {
      if (token) ws.send(JSON.stringify({ method: "connectionParams", data: { token } }));
      resolve(ws);
    });
    // A refused upgrade arrives as an error "Unexpected server response: <status>".
    ws.on("error", reject);
    ws.on("message", (data: Buffer) => {
      if (data.length === 4 && data.toString() === "PING") ws.send("PONG");
    });
  });
}

/** Writes the room's history through message.send, 100 in flight. */
async function seedHistory(target: Target, count: number): Promise<void> {
  const ws = await openSocket(target, target.senderToken(0));
  let acked = 0;
  await new Promise<void>((resolve) => {
    ws.on("message", (data: Buffer) => {
      if (data.toString().startsWith('{"id":') && ++acked === count) resolve();
    });
    for (let i = 0; i < count; i++) {
      ws.send(
        JSON.stringify({
          id: i + 1,
          method: "mutation",
          params: { path: "message.send", input: { roomId: target.roomId, text: `history ${i} ${"h".repeat(200)}` } },
        }),
      );
    }
  });
  ws.close();
}

/** Probes /healthz every 100 ms until stopped; returns the latencies (a failure counts as ∞). */
function probeHealth(hostPort: string): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      const ok = await new Promise<boolean>((resolve) => {
        const req = http.get(`http://${hostPort}/healthz`, { agent: false, timeout: 10_000 }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode === 200));
        });
        req.on("error", () => resolve(false));
        req.on("timeout", () => req.destroy());
      });
      latencies.push(ok ? performance.now() - t0 : Infinity);
      await sleep(100);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}

type Attack = { start(): void; stop(): Promise<string> };

/** One user, three sockets, each asking for 100 full replays of the room every 250 ms. */
function replayAttack(target: Target, token: string): Attack {
  let running = true;
  const counts = { started: 0, refused: 0, frames: 0, otherErrors: 0 };
  let loop: Promise<void> = Promise.resolve();
  return {
    start() {
      loop = (async () => {
        const sockets = await Promise.all([0, 1, 2].map(() => openSocket(target, token, ATTACKER_ADDRESS)));
        for (const ws of sockets) {
          ws.on("message", (data: Buffer) => {
            const text = data.toString();
            if (text.includes('"type":"started"')) counts.started++;
            else if (text.includes("TOO_MANY_REQUESTS")) counts.refused++;
            else if (text.includes('"type":"data"')) counts.frames++;
            else if (text.includes('"error"')) counts.otherErrors++;
          });
        }
        let id = 1;
        while (running) {
          for (const ws of sockets) {
            const batch = Array.from({ length: 100 }, () => id++);
            ws.send(
              JSON.stringify(
                batch.map((i) => ({
                  id: i,
                  method: "subscription",
                  params: { path: "room.events", input: { roomId: target.roomId, lastEventId: "1" } },
                })),
              ),
            );
            await sleep(250);
            ws.send(JSON.stringify(batch.map((i) => ({ id: i, method: "subscription.stop" }))));
          }
        }
        for (const ws of sockets) ws.terminate();
      })();
    },
    async stop() {
      running = false;
      await loop;
      return `${counts.started} replays started, ${counts.refused} refused (TOO_MANY_REQUESTS), ${counts.frames} replayed events sent`;
    },
  };
}

/** Anonymous sockets, 20 at a time, as many as the server takes (at most 3,000 tries). */
function connectionFlood(target: Target): Attack {
  let running = true;
  const held: WebSocket[] = [];
  const refused = new Map<string, number>();
  let loop: Promise<void> = Promise.resolve();
  return {
    start() {
      loop = (async () => {
        for (let tries = 0; running && tries < 3_000; tries += 20) {
          await Promise.all(
            Array.from({ length: 20 }, async () => {
              try {
                held.push(await openSocket(target, null, ATTACKER_ADDRESS));
              } catch (error) {
                const reason = (error instanceof Error ? error.message : String(error)).replace("Unexpected server response: ", "HTTP ");
                refused.set(reason, (refused.get(reason) ?? 0) + 1);
              }
            }),
          );
          await sleep(50);
        }
      })();
    },
    async stop() {
      running = false;
      await loop;
      const open = held.filter((ws) => ws.readyState === WebSocket.OPEN).length;
      for (const ws of held) ws.terminate();
      return `${open} anonymous sockets held; refused: ${[...refused].map(([r, n]) => `${n} × ${r}`).join(", ") || "none"}`;
    },
  };
}

type Phase = { name: string; fanout: FanoutResult; health: number[]; attack: string };

async function phase(name: string, target: Target, subs: Subscribers, attack: Attack | null): Promise<Phase> {
  console.error(`[abuse] ${name}: ${RATE} msg/s for ${SECONDS} s to ${subs.open()} victims`);
  const probe = probeHealth(target.hostPorts[0] ?? "");
  attack?.start();
  await sleep(500); // the attack is under way before the clock starts
  const result = await fanout(target, subs, { rate: RATE, seconds: SECONDS, graceMs: 1500, drainCapMs: 5000 });
  const summary = (await attack?.stop()) ?? "none";
  const health = await probe.stop();
  await sleep(1000);
  return { name, fanout: result, health, attack: summary };
}

const pct = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 1 : 0) : "∞");

const attacker = VICTIMS; // the first user after the victims
const target = await startTarget("parley-pg", {
  subscribers: VICTIMS + 1,
  senders: 1,
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  redisUrl: null,
  env: {
    RATE_LIMITS: "on",
    RATE_LIMIT_MESSAGE: "1000000/1000000", // the steady sender and the seeding are not the attack
    ...(process.env.BENCH_ABUSE_REPLAY ? { RATE_LIMIT_REPLAY: process.env.BENCH_ABUSE_REPLAY } : {}),
    WS_MAX_PER_ADDRESS: "500",
    WS_MAX_ANONYMOUS_PER_ADDRESS: "50",
    MAX_SUBSCRIPTIONS_PER_USER: "300",
  },
});
try {
  console.error(`[abuse] writing ${HISTORY} messages of history`);
  await seedHistory(target, HISTORY);
  console.error(`[abuse] subscribing ${VICTIMS} victims`);
  const subs = new Subscribers(target);
  await subs.grow(VICTIMS, 20); // below the anonymous cap: a socket is anonymous until its connection params land
  await phase("warm-up (not shown)", target, subs, null); // JIT and pools warm before the baseline
  const phases = [
    await phase("quiet", target, subs, null),
    await phase("replay attack", target, subs, replayAttack(target, target.subscriberToken(attacker))),
    await phase("connection flood", target, subs, connectionFlood(target)),
  ];
  console.log(`\nParley under abuse — ${describeMachine()}`);
  console.log(
    `${VICTIMS} victims subscribed to a room of ${HISTORY} messages, 1 sender at ${RATE} msg/s for ${SECONDS} s; /healthz probed every 100 ms\n`,
  );
  console.log("| phase | victims' p50 ms | p99 ms | delivered % | /healthz p99 ms | /healthz max ms | the attack |");
  console.log("|---|--:|--:|--:|--:|--:|---|");
  for (const p of phases) {
    const f = p.fanout;
    console.log(
      `| ${p.name} | ${ms(f.p50)} | ${ms(f.p99)} | ${((f.delivered / f.expected) * 100).toFixed(2)} | ${ms(pct(p.health, 0.99))} | ${ms(Math.max(...p.health))} | ${p.attack} |`,
    );
  }
  const [quiet, replay] = phases;
  if (quiet && replay)
    console.log(
      `\nvictims' p99 under the replay attack: ${((replay.fanout.p99 / quiet.fanout.p99 - 1) * 100).toFixed(0)} % above quiet (target ≤ 20 %)`,
    );
  for (const ws of subs.sockets) ws.terminate();
} finally {
  await target.close();
}
