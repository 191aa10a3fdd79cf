import { randomUUID } from "node:crypto";
import type { Activity, RoomEvent, RoomListChange, User } from "@parley/contract";
import type { StoredRoomEvent } from "@parley/db";
import { Redis } from "ioredis";
import type { Hub, Unsubscribe } from "./hub";
import { Topics } from "./topics";

export type RedisHubOptions = {
  url: string;
  /** Prefix of every key and channel, so several deployments (or test runs) can share a Redis. */
  prefix?: string;
  /** How often this server says it is alive. */
  heartbeatMs?: number;
  /** A server silent this long is dead: its presence is removed by whoever notices. */
  deadAfterMs?: number;
};

type WireEvent = { roomId: string; seq: string; event: RoomEvent };

// Presence lives in Redis so every server sees the same room:
//   <p>presence:<room>:users          hash  userId → user JSON (who is online)
//   <p>presence:<room>:conns:<user>   set   "<server>/<subscription>" (their open subscriptions)
//   <p>server:<server>:conns          set   "<room>\n<user>\n<subscription>" (for clean-up)
//   <p>servers                        zset  server → last heartbeat (ms)
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
 * The hub for several servers: room events, activity and session revocations travel over Redis
 * pub/sub (one channel per room, subscribed only while this server has listeners in the room),
 * and presence is shared in Redis. Each message is serialised once by its publisher and parsed
 * once per server, then fanned out locally.
 */
export class RedisHub implements Hub {
  private readonly serverId = randomUUID();
  private readonly events = new Topics<StoredRoomEvent>();
  private readonly activity = new Topics<Activity>();
  private readonly revoked = new Topics<string>();
  private readonly roomList = new Topics<RoomListChange>();
  private readonly channelRefs = new Map<string, Promise<unknown>>();
  private heartbeat: NodeJS.Timeout | null = null;

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly prefix: string,
    private readonly deadAfterMs: number,
  ) {}

  /** Connects, starts the heartbeat and listens for revocations. */
  static async connect(options: RedisHubOptions): Promise<RedisHub> {
    const connectionOptions = { maxRetriesPerRequest: 3, lazyConnect: true } as const;
    const pub = new Redis(options.url, connectionOptions);
    const sub = new Redis(options.url, connectionOptions);
    for (const client of [pub, sub]) {
      client.on("error", (error: Error) => console.error("[hub] redis:", error.message));
    }
    await Promise.all([pub.connect(), sub.connect()]);
    const hub = new RedisHub(pub, sub, options.prefix ?? "parley:", options.deadAfterMs ?? 15_000);
    sub.on("message", (channel: string, message: string) => hub.receive(channel, message));
    await sub.subscribe(hub.key("sessions:revoked"));
    await hub.beat();
    hub.heartbeat = setInterval(() => {
      hub.beat().catch((error: unknown) => console.error("[hub] heartbeat failed:", error));
    }, options.heartbeatMs ?? 5_000);
    hub.heartbeat.unref();
    return hub;
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }

  private receive(channel: string, message: string): void {
    const name = channel.slice(this.prefix.length);
    if (name === "sessions:revoked") {
      this.revoked.emit("*", message);
      return;
    }
    if (name === "rooms") {
      this.roomList.emit("*", Object.freeze(JSON.parse(message) as RoomListChange));
      return;
    }
    const match = /^room:(.+):(events|activity)$/.exec(name);
    if (!match?.[1]) return;
    const roomId = match[1];
    if (match[2] === "events") {
      const wire = JSON.parse(message) as WireEvent;
      this.events.emit(roomId, Object.freeze({ roomId: wire.roomId, seq: BigInt(wire.seq), event: wire.event }));
    } else {
      this.activity.emit(roomId, Object.freeze(JSON.parse(message) as Activity));
    }
  }

  /** Adds a local listener; the first one for a channel subscribes to it in Redis. */
  private async listen<T>(topics: Topics<T>, roomId: string, channel: string, listener: (value: T) => void): Promise<Unsubscribe> {
    const off = topics.add(roomId, listener);
    if (!this.channelRefs.has(channel)) this.channelRefs.set(channel, this.sub.subscribe(channel));
    const subscribing = this.channelRefs.get(channel);
    try {
      await subscribing;
    } catch (error) {
      off();
      // Forget the failed attempt only: a later listener may have started a new one meanwhile.
      if (this.channelRefs.get(channel) === subscribing) this.channelRefs.delete(channel);
      throw error;
    }
    return () => {
      off();
      if (topics.count(roomId) === 0 && this.channelRefs.has(channel)) {
        this.channelRefs.delete(channel);
        this.sub.unsubscribe(channel).catch(() => {});
      }
    };
  }

  private publish(channel: string, payload: string): void {
    this.pub.publish(channel, payload).catch((error: unknown) => console.error("[hub] publish failed:", error));
  }

  publishEvent(event: StoredRoomEvent): void {
    const wire: WireEvent = { roomId: event.roomId, seq: String(event.seq), event: event.event };
    this.publish(this.key(`room:${event.roomId}:events`), JSON.stringify(wire));
  }

  subscribeEvents(roomId: string, listener: (event: StoredRoomEvent) => void): Promise<Unsubscribe> {
    return this.listen(this.events, roomId, this.key(`room:${roomId}:events`), listener);
  }

  publishActivity(activity: Activity): void {
    this.publish(this.key(`room:${activity.roomId}:activity`), JSON.stringify(activity));
  }

  subscribeActivity(roomId: string, listener: (activity: Activity) => void): Promise<Unsubscribe> {
    return this.listen(this.activity, roomId, this.key(`room:${roomId}:activity`), listener);
  }

  publishRoomListChange(change: RoomListChange): void {
    this.publish(this.key("rooms"), JSON.stringify(change));
  }

  subscribeRoomListChanges(listener: (change: RoomListChange) => void): Promise<Unsubscribe> {
    return this.listen(this.roomList, "*", this.key("rooms"), listener);
  }

  private presenceKeys(roomId: string, userId: string, serverId: string): string[] {
    return [
      this.key(`presence:${roomId}:users`),
      this.key(`presence:${roomId}:conns:${userId}`),
      this.key(`server:${serverId}:conns`),
    ];
  }

  async presenceEnter(roomId: string, user: User, subscriptionId: string): Promise<{ first: boolean }> {
    const first = await this.pub.eval(
      ENTER,
      3,
      ...this.presenceKeys(roomId, user.id, this.serverId),
      user.id,
      JSON.stringify(user),
      `${this.serverId}/${subscriptionId}`,
      `${roomId}\n${user.id}\n${subscriptionId}`,
    );
    return { first: first === 1 };
  }

  presenceLeave(roomId: string, userId: string, subscriptionId: string): Promise<{ last: boolean }> {
    return this.leaveAs(this.serverId, roomId, userId, subscriptionId);
  }

  private async leaveAs(serverId: string, roomId: string, userId: string, subscriptionId: string): Promise<{ last: boolean }> {
    const last = await this.pub.eval(
      LEAVE,
      3,
      ...this.presenceKeys(roomId, userId, serverId),
      userId,
      `${serverId}/${subscriptionId}`,
      `${roomId}\n${userId}\n${subscriptionId}`,
    );
    return { last: last === 1 };
  }

  async onlineUsers(roomId: string): Promise<User[]> {
    const values = await this.pub.hvals(this.key(`presence:${roomId}:users`));
    return values.map((value) => JSON.parse(value) as User);
  }

  publishSessionRevoked(sessionId: string): void {
    this.publish(this.key("sessions:revoked"), sessionId);
  }

  subscribeSessionRevoked(listener: (sessionId: string) => void): Unsubscribe {
    return this.revoked.add("*", listener);
  }

  /** Says this server is alive, and clears the presence of servers that stopped saying so. */
  private async beat(): Promise<void> {
    const now = Date.now();
    await this.pub.zadd(this.key("servers"), now, this.serverId);
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
      if (last && user) this.publishActivity({ type: "presence.offline", roomId, user: JSON.parse(user) as User });
    }
    await this.pub.del(this.key(`server:${serverId}:conns`));
    await this.pub.zrem(this.key("servers"), serverId);
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    try {
      // Whatever presence this server still holds ends with it.
      await this.forgetServer(this.serverId);
    } finally {
      this.sub.disconnect();
      await this.pub.quit().catch(() => this.pub.disconnect());
    }
  }
}
