/** Token buckets keyed by caller and action. Generous: they only stop floods, never chatting. */
export type BucketRule = { capacity: number; refillPerSecond: number };

export const DEFAULT_RULES = {
  // Per client address: generous, since many people (or a test suite) may share one address.
  signup: { capacity: 500, refillPerSecond: 10 },
  login: { capacity: 300, refillPerSecond: 5 },
  // Failed logins per account and address: slows guessing one password from one place to one
  // try every two seconds, without letting that place lock the owner (elsewhere) out.
  loginAccount: { capacity: 30, refillPerSecond: 0.5 },
  // Joins and leaves per user: each one tells every room.feed subscriber to re-read the list.
  membership: { capacity: 60, refillPerSecond: 2 },
  // Per user: a burst of 500 messages (a script seeding history), then 20 a second, is far
  // beyond anyone typing.
  message: { capacity: 500, refillPerSecond: 20 },
  typing: { capacity: 60, refillPerSecond: 5 },
  roomCreate: { capacity: 200, refillPerSecond: 2 },
  // room.events with a lastEventId reads the room's log: a reconnecting client replays one or
  // two rooms; a script opening hundreds of replays at once is stopped here.
  replay: { capacity: 30, refillPerSecond: 1 },
} satisfies Record<string, BucketRule>;

export type RateLimitAction = keyof typeof DEFAULT_RULES;

/**
 * The rules with overrides from the environment: RATE_LIMIT_<ACTION>=<burst>/<per second>, e.g.
 * RATE_LIMIT_MESSAGE=20/1 or RATE_LIMIT_LOGIN_ACCOUNT=10/0.1. Unknown or malformed values throw.
 */
export function rulesFromEnv(env: Record<string, string | undefined>): Record<RateLimitAction, BucketRule> {
  const rules: Record<RateLimitAction, BucketRule> = { ...DEFAULT_RULES };
  const byVariable = new Map(
    (Object.keys(DEFAULT_RULES) as RateLimitAction[]).map((action) => [
      `RATE_LIMIT_${action.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`,
      action,
    ]),
  );
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("RATE_LIMIT_") || value === undefined || value === "") continue;
    const action = byVariable.get(name);
    if (!action) throw new Error(`${name} is not a rate limit; known: ${[...byVariable.keys()].join(", ")}`);
    const match = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(value.trim());
    if (!match) throw new Error(`${name} must look like <burst>/<per second>, e.g. 60/10 (got '${value}')`);
    rules[action] = { capacity: Number(match[1]), refillPerSecond: Number(match[2]) };
  }
  return rules;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(
    private readonly enabled: boolean,
    private readonly rules: Record<RateLimitAction, BucketRule> = DEFAULT_RULES,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `action` by `key`; false when the bucket is empty. */
  take(action: RateLimitAction, key: string): boolean {
    if (!this.enabled) return true;
    const bucket = this.refill(action, key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Gives back a token taken for something that turned out not to count (a good login). */
  refund(action: RateLimitAction, key: string): void {
    if (!this.enabled) return;
    const bucket = this.refill(action, key);
    bucket.tokens = Math.min(this.rules[action].capacity, bucket.tokens + 1);
  }

  private refill(action: RateLimitAction, key: string): { tokens: number; updated: number } {
    const rule = this.rules[action];
    const id = `${action}:${key}`;
    const now = this.now();
    const bucket = this.buckets.get(id) ?? { tokens: rule.capacity, updated: now };
    bucket.tokens = Math.min(rule.capacity, bucket.tokens + ((now - bucket.updated) / 1000) * rule.refillPerSecond);
    bucket.updated = now;
    if (this.buckets.size > 100_000) this.prune(now);
    this.buckets.set(id, bucket);
    return bucket;
  }

  private prune(now: number): void {
    // Drop buckets idle long enough to be full again; they carry no information.
    for (const [id, bucket] of this.buckets) {
      if (now - bucket.updated > 10 * 60_000) this.buckets.delete(id);
    }
  }
}
