// Request pacing for releases of many services. The SDK retry strategy (aws/retry.ts) absorbs the
// throttling that still happens; pacing keeps it rare. RegisterTaskDefinition is the tight one (about
// 1 TPS sustained, burst 20), so it runs through a small concurrency limit; describes of many services
// are batched (10 per DescribeServices) rather than paced.

/** Runs at most `concurrency` tasks at a time, in the order they were submitted. */
export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly concurrency: number) {
    if (!(concurrency >= 1)) throw new Error(`concurrency must be >= 1, got ${concurrency}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so no newcomer can slip in between.
    if (this.active >= this.concurrency) await new Promise<void>((r) => this.queue.push(r));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** Splits a list into chunks of at most `size` (DescribeServices takes 10, DescribeTasks 100). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
