// argon2@0.44.0 on purpose: its bundled prebuild works on Node 20 here, while 0.45.x's prebuild
// crashes with a segmentation fault and would need a source build (see TOOLCHAIN.md).
import argon2 from "argon2";
import { FairQueue } from "../lib/fair-queue";

/** argon2id with OWASP's minimum: 19 MiB, two passes, one lane (about 20 ms a hash here). */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false; // a malformed stored hash never logs anyone in
  }
}

let dummyHash: Promise<string> | null = null;

/**
 * Spends the same time as a real check when the login names nobody, so response times do not
 * tell whether an account exists.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("parley-dummy-password-never-matches");
  await verifyPassword(await dummyHash, password);
  return false;
}

export type PasswordHashingOptions = {
  /** argon2 computations at once (each takes a CPU core for about 20 ms). */
  concurrency: number;
  /** Computations waiting at once; past it a login or signup fails fast (TOO_MANY_REQUESTS). */
  maxQueued: number;
};

/**
 * Password hashing with bounded work: a few argon2 computations run at once, a short queue
 * waits, and anything past it is refused at once (RetryLaterError → TOO_MANY_REQUESTS) instead of
 * making every login, a real one included, wait behind a flood. The queue serves client
 * addresses in turn, so a flood from one address costs a real login elsewhere one turn.
 * Known and unknown users go through the same queue, so a refusal tells nothing either.
 */
export class PasswordHasher {
  private readonly queue: FairQueue;

  constructor(options: PasswordHashingOptions = { concurrency: 2, maxQueued: 32 }) {
    this.queue = new FairQueue({
      concurrency: options.concurrency,
      maxQueued: options.maxQueued,
      // Half the queue per client address: one address alone never fills it, while many people
      // behind one address (a proxy, an office) still get a fair share.
      maxQueuedPerLane: Math.max(1, Math.floor(options.maxQueued / 2)),
    });
  }

  /** argon2 computations waiting and running (for metrics). */
  get depth(): { queued: number; running: number } {
    return this.queue.depth;
  }

  /** Hashes a new password; `address` is the caller's (its lane in the queue). */
  hash(password: string, address: string): Promise<string> {
    return this.queue.run(address, () => hashPassword(password));
  }

  /** Checks a password against a stored hash. */
  verify(hash: string, password: string, address: string): Promise<boolean> {
    return this.queue.run(address, () => verifyPassword(hash, password));
  }

  /** The same work as verify() for a login that names nobody; always false. */
  verifyAgainstDummy(password: string, address: string): Promise<false> {
    return this.queue.run(address, () => verifyAgainstDummy(password));
  }
}
