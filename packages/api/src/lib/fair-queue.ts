import { RetryLaterError } from "./retry-later";

export type FairQueueOptions = {
  /** Tasks running at once. */
  concurrency: number;
  /** Tasks waiting at once, over all lanes; past it a new task is refused at once. */
  maxQueued: number;
  /** Tasks waiting at once in one lane (one client address). */
  maxQueuedPerLane: number;
  /** The wait suggested to a refused caller. */
  retryAfterMs?: number;
};

type Job = { start: () => void };

/**
 * Runs at most `concurrency` tasks at once with a short wait queue, and refuses more work at once
 * (RetryLaterError) instead of letting the queue, and everyone's wait, grow. Waiting tasks are
 * taken from their lanes in turn, so one lane (one address flooding) holds at most
 * `maxQueuedPerLane` places and a task in another lane waits for one turn, not for the flood.
 */
export class FairQueue {
  private running = 0;
  private queued = 0;
  /** Lanes with waiting jobs, in the order they are served (a served lane goes to the back). */
  private readonly lanes = new Map<string, Job[]>();

  constructor(private readonly options: FairQueueOptions) {}

  /** Tasks waiting for their turn, and tasks running (for metrics). */
  get depth(): { queued: number; running: number } {
    return { queued: this.queued, running: this.running };
  }

  /** Runs `task` now or after its turn; rejects with RetryLaterError when the queue is full. */
  run<T>(lane: string, task: () => Promise<T>): Promise<T> {
    if (this.running < this.options.concurrency && this.queued === 0) return this.start(task);
    const waiting = this.lanes.get(lane);
    if (this.queued >= this.options.maxQueued || (waiting?.length ?? 0) >= this.options.maxQueuedPerLane) {
      return Promise.reject(new RetryLaterError("The server is busy; try again in a moment", this.options.retryAfterMs ?? 1_000));
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        start: () => {
          this.start(task).then(resolve, reject);
        },
      };
      if (waiting) waiting.push(job);
      else this.lanes.set(lane, [job]);
      this.queued += 1;
    });
  }

  private async start<T>(task: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.next();
    }
  }

  private next(): void {
    const first = this.lanes.entries().next();
    if (first.done) return;
    const [lane, jobs] = first.value;
    const job = jobs.shift();
    this.lanes.delete(lane);
    if (jobs.length > 0) this.lanes.set(lane, jobs); // to the back: the other lanes go first
    if (!job) return;
    this.queued -= 1;
    job.start();
  }
}
