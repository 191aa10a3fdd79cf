// What the API counts and times for the operator (issue 12.1). This is only the interface; the
// server implements it with prom-client when METRICS=on (apps/server/src/metrics.ts) and passes
// `noopMetrics` otherwise. The hot path of a message calls at most one counter increment per
// fan-out batch (never one per subscriber): see RoomChannel.deliver.

/** A counter (or one labelled child of one). */
export type Count = { inc(by?: number): void };
/** A gauge that goes up and down (or one labelled child of one). */
export type Level = { inc(by?: number): void; dec(by?: number): void };
/** A histogram of durations in seconds. */
export type Timing = { observe(seconds: number): void };

export interface ApiMetrics {
  /** Whether anything is recorded (false: every method is a no-op; skip work done only for metrics). */
  readonly enabled: boolean;
  /** Messages published on the hub, by the channel's name (counted by topic kind). */
  published(channelName: string): Count;
  /** Events handed to subscribers, by procedure (room.events: counted per fan-out batch). */
  deliveries(procedure: string): Count;
  /** Open subscriptions, by procedure. */
  subscriptions(procedure: string): Level;
  /** From a message's creation (its server's clock at the write) to its hand-off to this server's subscribers. */
  readonly sendToDeliver: Timing;
  /** A procedure's calls, from the call to its answer (refusals included; a subscription: until it starts), by path. */
  procedureTime(procedure: string): Timing;
  /** room.events subscribers that catch up on missed events, from memory ("recent") or the log. */
  replaysStarted(source: "recent" | "log"): Count;
  /** Replay pages read from the log. */
  readonly replayPages: Count;
  /** Sockets dropped because they had too much unsent ("room.events" frames or other "replies"). */
  slowSocketCutoffs(stream: "room.events" | "replies"): Count;
  /** Calls refused by a rate limit, by action. */
  rateLimitRefusals(action: string): Count;
  /** Redis hub: from publishing a probe to receiving it back (only with REDIS_URL). */
  readonly hubLag: Timing;
}

const noCount: Count & Level = { inc() {}, dec() {} };
const noTiming: Timing = { observe() {} };

/** Records nothing, at the cost of a call. */
export const noopMetrics: ApiMetrics = {
  enabled: false,
  published: () => noCount,
  deliveries: () => noCount,
  subscriptions: () => noCount,
  sendToDeliver: noTiming,
  procedureTime: () => noTiming,
  replaysStarted: () => noCount,
  replayPages: noCount,
  slowSocketCutoffs: () => noCount,
  rateLimitRefusals: () => noCount,
  hubLag: noTiming,
};

/**
 * The kind of a hub channel, for a label with few values: `room:<id>:events` → `room_events`,
 * `user:<id>` → `user`, `rooms` → `rooms` (the ids are the even parts after the first).
 */
export function topicKind(channelName: string, prefix = ""): string {
  const name = prefix && channelName.startsWith(prefix) ? channelName.slice(prefix.length) : channelName;
  const parts = name.split(":");
  let kind = parts[0] ?? name;
  for (let i = 2; i < parts.length; i += 2) kind += `_${parts[i]}`;
  return kind;
}
