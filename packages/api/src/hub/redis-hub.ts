import { randomUUID } from "node:crypto";
import type { User } from "@parley/contract";
import { isBrokenCircuitError } from "cockatiel";
import type { Redis } from "ioredis";
import type { Hub, Unsubscribe } from "./hub";
import { connectFailFast, RedisBreaker } from "../lib/redis-breaker";
import { silentLogger, type Logger } from "../log";
import { noopMetrics, type ApiMetrics } from "../metrics";
import { Listeners } from "./listeners";
import { topics, type Channel, type Codec } from "./topics";

export type RedisHubOptions = {
  url: string;
  /** Prefix of every key and channel, so several deployments (or test runs) can share a Redis. */
  prefix?: string;
  /** How often this server says it is alive. */
  heartbeatMs?: number;
  /** A server silent this long is dead: its presence is removed by whoever notices. */
  deadAfterMs?: number;
  /** Counts publishes; when enabled, also times a probe through Redis with every heartbeat (hubLag). */
  metrics?: ApiMetrics;
  log?: Logger;
  /** How long one Redis call may take before Redis counts as away (see RedisBreaker). */
  timeoutMs?: number;
  /** While Redis is away, how often a call is let through to see if it is back. */
  probeAfterMs?: number;
};

// Presence lives in Redis so every server sees the same room:
//   <p>presence:<room>:users          hash  userId → user JSON (who is online)
//   <p>presence:<room>:conns:<user>   set   "<server>/<subscription>" (their open subscriptions)
//   <p>server:<server>:conns          set   "<room>\n<user>\n<subscription>" (for clean-up)
//   <p>servers                        zset  server → last heartbeat (ms)
//   <p>hub:resumed                    channel: a server's publishing connection is back (see resumed())
// The scripts keep "first"/"last" exact when servers race.
const ENTER = `
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('SCARD', KEYS[2]) == 1 and 1 or 0`;

const LEAVE = `
local removed = redis.call('SREM', KEYS[2], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[3])
if removed == 1 and redis.call('SCARD', KEYS[2]) == 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0`;

/**
 * The hub for several servers: every topic's channel is a Redis pub/sub channel (under the
 * prefix), subscribed only while this server has listeners on it, and presence is shared in
 * Redis. Each message is encoded once by its publisher and decoded once per server, then fanned
 * out locally.
 *
 * While Redis is away every call fails at once: publishes are dropped (the connection refuses
 * them), subscribing and presence fail behind a circuit breaker for the caller to report. When
 * it is back, ioredis resubscribes this server's channels by itself, and every server is told
 * to catch up (onResume): what was published meanwhile is read from the database.
 */
export class RedisHub implements Hub {
  private readonly serverId = randomUUID();
  private readonly listeners: Listeners;
  /** This server's own probe channel (publish → receive lag), when metrics are on. */
  private probeChannel: string | null = null;
  /** Channels subscribed in Redis (by full name): the subscription's promise and the decoder. */
  private readonly channels = new Map<string, { subscribing: Promise<unknown>; codec: Codec<unknown> }>();
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly resumeListeners = new Set<() => void>();
  private resumeTimer: NodeJS.Timeout | null = null;
  /** Where a server says its publishing connection is back (its publishes were dropped until then). */
  private readonly resumeChannel: string;

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly prefix: string,
    private readonly deadAfterMs: number,
    private readonly metrics: ApiMetrics,
    private readonly log: Logger,
    private readonly breaker: RedisBreaker,
  ) {
    this.listeners = new Listeners(log);
    this.resumeChannel = this.key("hub:resumed");
  }

  /** Connects and starts the heartbeat. */
  static async connect(options: RedisHubOptions): Promise<RedisHub> {
    const log = options.log ?? silentLogger;
    const [pub, sub] = await Promise.all([connectFailFast(options.url, log, "hub"), connectFailFast(options.url, log, "hub")]);
    const metrics = options.metrics ?? noopMetrics;
    const breaker = new RedisBreaker({ name: "hub", log, timeoutMs: options.timeoutMs, probeAfterMs: options.probeAfterMs });
    const hub = new RedisHub(pub, sub, options.prefix ?? "parley:", options.deadAfterMs ?? 15_000, metrics, log, breaker);
    sub.on("message", (channel: string, message: string) => hub.receive(channel, message));
    await sub.subscribe(hub.resumeChannel);
    // Ready again after a lost connection (the first ready was connect() above). Either side may
    // come back first: this server's subscriptions (it missed what others published), or its
    // publishing connection (others missed what it dropped meanwhile): both make streams catch up.
    sub.on("ready", () => void hub.subscribedAgain());
    pub.on("ready", () => {
      pub.publish(hub.resumeChannel, hub.serverId).catch(() => {});
    });
    if (metrics.enabled) {
      hub.probeChannel = hub.key(`probe:${hub.serverId}`);
      await sub.subscribe(hub.probeChannel);
    }
    await hub.beat();
    hub.heartbeat = setInterval(() => {
      hub.beat().catch((error: unknown) => hub.failed(error, "hub: heartbeat failed"));
    }, options.heartbeatMs ?? 5_000);
    hub.heartbeat.unref();
    return hub;
  }

  /** Logs a failed call, unless Redis is away: the breaker says that once per outage. */
  private failed(error: unknown, what: string): void {
    if (!isBrokenCircuitError(error) && this.breaker.closed) this.log.error({ err: error }, what);
  }

  onResume(listener: () => void): Unsubscribe {
    this.resumeListeners.add(listener);
    return () => this.resumeListeners.delete(listener);
  }

  /**
   * ioredis has sent its SUBSCRIBEs again on reconnecting; a PING answered after them means
   * they are live, so whatever a listener reads from the database now, it misses nothing after.
   */
  private async subscribedAgain(): Promise<void> {
    await this.sub.ping().catch(() => {});
    this.log.info("hub: subscribed again after losing Redis; streams read what they missed");
    this.resumed();
  }

  /**
   * Tells the resume listeners, once for every notice that reaches it within 50 ms: after an
   * outage each server announces itself, and every room stream would read the database for each.
   * Coalescing is safe because the listeners run after every notice they stand for.
   */
  private resumed(): void {
    if (this.resumeTimer) return;
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      for (const listener of this.resumeListeners) {
        try {
          listener();
        } catch (error) {
          this.log.error({ err: error }, "hub: a resume listener failed");
        }
      }
    }, 50);
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }

  private receive(channel: string, message: string): void {
    if (channel === this.resumeChannel) return this.resumed();
    if (channel === this.probeChannel) {
      this.metrics.hubLag.observe(Math.max(0, performance.now() - Number(message)) / 1000);
      return;
    }
    const subscribed = this.channels.get(channel);
    if (!subscribed) return; // unsubscribed meanwhile
    const decoded = subscribed.codec.decode(message);
    this.listeners.emit(channel, typeof decoded === "object" && decoded !== null ? Object.freeze(decoded) : decoded);
  }

  publish<T>(channel: Channel<T>, message: T): void {
    this.metrics.published(channel.name).inc();
    // Not behind the breaker: nobody waits for a publish, the connection refuses it at once while
    // Redis is away, and it must go through as soon as the connection is back (the resume
    // announcement covers only what was dropped before it).
    this.pub.publish(this.key(channel.name), channel.codec.encode(message)).catch((error: unknown) => {
      if (this.pub.status === "ready") this.log.error({ err: error, channel: channel.name }, "hub: publish failed");
    });
  }

  /** Adds a local listener; the first one for a channel subscribes to it in Redis. */
  async subscribe<T>(channel: Channel<T>, listener: (message: T) => void): Promise<Unsubscribe> {
    const name = this.key(channel.name);
    const off = this.listeners.add(name, listener);
    let subscribed = this.channels.get(name);
    if (!subscribed) {
      subscribed = { subscribing: this.breaker.run(() => this.sub.subscribe(name)), codec: channel.codec };
      this.channels.set(name, subscribed);
    }
    try {
      await subscribed.subscribing;
    } catch (error) {
      off();
      // Forget the failed attempt only: a later listener may have started a new one meanwhile.
      if (this.channels.get(name) === subscribed) this.channels.delete(name);
      throw error;
    }
    return () => {
      off();
      if (this.listeners.count(name) === 0 && this.channels.has(name)) {
        this.channels.delete(name);
        this.sub.unsubscribe(name).catch(() => {});
      }
    };
  }

  private presenceKeys(roomId: string, userId: string, serverId: string): string[] {
    return [this.key(`presence:${roomId}:users`), this.key(`presence:${roomId}:conns:${userId}`), this.key(`server:${serverId}:conns`)];
  }

  async presenceEnter(roomId: string, user: User, subscriptionId: string): Promise<{ first: boolean }> {
    const first = await this.breaker.run(() =>
      this.pub.eval(
        ENTER,
        3,
        ...this.presenceKeys(roomId, user.id, this.serverId),
        user.id,
        JSON.stringify(user),
        `${this.serverId}/${subscriptionId}`,
        `${roomId}\n${user.id}\n${subscriptionId}`,
      ),
    );
    return { first: first === 1 };
  }

  presenceLeave(roomId: string, userId: string, subscriptionId: string): Promise<{ last: boolean }> {
    return this.leaveAs(this.serverId, roomId, userId, subscriptionId);
  }

  private async leaveAs(serverId: string, roomId: string, userId: string, subscriptionId: string): Promise<{ last: boolean }> {
    const last = await this.breaker.run(() =>
      this.pub.eval(
        LEAVE,
        3,
        ...this.presenceKeys(roomId, userId, serverId),
        userId,
        `${serverId}/${subscriptionId}`,
        `${roomId}\n${userId}\n${subscriptionId}`,
      ),
    );
    return { last: last === 1 };
  }

  async onlineUsers(roomId: string): Promise<User[]> {
    const values = await this.breaker.run(() => this.pub.hvals(this.key(`presence:${roomId}:users`)));
    return values.map((value) => JSON.parse(value) as User);
  }

  /** Says this server is alive, and clears the presence of servers that stopped saying so. */
  private async beat(): Promise<void> {
    // Publish → receive through Redis, on this server's own clock (performance.now()).
    if (this.probeChannel) void this.pub.publish(this.probeChannel, String(performance.now())).catch(() => {});
    const now = Date.now();
    await this.breaker.run(() => this.pub.zadd(this.key("servers"), now, this.serverId));
    const dead = await this.pub.zrangebyscore(this.key("servers"), "-inf", now - this.deadAfterMs);
    for (const serverId of dead) await this.forgetServer(serverId);
  }

  /** Ends every presence a server held, announcing who went offline. */
  private async forgetServer(serverId: string): Promise<void> {
    const members = await this.pub.smembers(this.key(`server:${serverId}:conns`));
    for (const member of members) {
      const [roomId, userId, subscriptionId] = member.split("\n");
      if (!roomId || !userId || !subscriptionId) continue;
      const user = (await this.pub.hget(this.key(`presence:${roomId}:users`), userId)) ?? null;
      const { last } = await this.leaveAs(serverId, roomId, userId, subscriptionId);
      if (last && user) this.publish(topics.roomActivity(roomId), { type: "presence.offline", roomId, user: JSON.parse(user) as User });
    }
    await this.pub.del(this.key(`server:${serverId}:conns`));
    await this.pub.zrem(this.key("servers"), serverId);
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    try {
      // Whatever presence this server still holds ends with it.
      await this.forgetServer(this.serverId);
    } finally {
      this.sub.disconnect();
      await this.pub.quit().catch(() => this.pub.disconnect());
    }
  }
}
