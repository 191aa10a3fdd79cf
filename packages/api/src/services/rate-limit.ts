/** Token buckets keyed by caller and action. Generous: they only stop floods, never chatting. */
export type BucketRule = { capacity: number; refillPerSecond: number };

export const DEFAULT_RULES = {
  // Per client address: generous, since many people (or a test suite) may share one address.
  signup: { capacity: 500, refillPerSecond: 10 },
  login: { capacity: 300, refillPerSecond: 5 },
  // Per account: slows password guessing against one account to one try every two seconds.
  loginAccount: { capacity: 30, refillPerSecond: 0.5 },
  // Per user: a burst of 60 messages, then 10 a second, is far beyond anyone typing.
  message: { capacity: 60, refillPerSecond: 10 },
  typing: { capacity: 30, refillPerSecond: 5 },
  roomCreate: { capacity: 60, refillPerSecond: 1 },
} satisfies Record<string, BucketRule>;

export type RateLimitAction = keyof typeof DEFAULT_RULES;

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
    const rule = this.rules[action];
    const id = `${action}:${key}`;
    const now = this.now();
    const bucket = this.buckets.get(id) ?? { tokens: rule.capacity, updated: now };
    bucket.tokens = Math.min(rule.capacity, bucket.tokens + ((now - bucket.updated) / 1000) * rule.refillPerSecond);
    bucket.updated = now;
    if (this.buckets.size > 100_000) this.prune(now);
    this.buckets.set(id, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private prune(now: number): void {
    // Drop buckets idle long enough to be full again; they carry no information.
    for (const [id, bucket] of this.buckets) {
      if (now - bucket.updated > 10 * 60_000) this.buckets.delete(id);
    }
  }
}
