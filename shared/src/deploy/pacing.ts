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

// Poll pacing of a rolling deployment by what ECS can do next. Nothing ECS reports can decide the
// outcome while the new tasks provision, start and wait for their first health check, nor before the
// old tasks have had time to stop once the new ones are healthy. So the first poll waits for the
// earliest healthy moment, and once every new task is RUNNING (the deployment's updatedAt says since
// when) the next poll waits until that moment plus the shortest stop; polls are fast only near the
// outcome (follow.ts). One rollout of the emulator's default service costs 3 polls, not 9.

/** Provisioning an ENI and pulling an image take at least this long on Fargate. */
export const MIN_START_MS = 5_000;
/** Old tasks take at least this long to stop and deprovision once ECS retires them. */
export const MIN_STOP_MS = 5_000;

type HealthCheck = { interval?: number };

/**
 * How long after RUNNING a new task can first count as healthy: one interval of the slowest essential
 * container's health check (the first check runs one interval after start, and a pass counts at once,
 * even inside its start period). The service's health-check grace period is no lower bound: it only
 * keeps ECS from stopping a task whose load balancer checks still fail, and a task whose checks pass is
 * healthy long before it ends (a 10-minute grace once delayed the report by 577 s).
 */
export function healthWaitMs(
  containers: readonly { essential?: boolean; healthCheck?: HealthCheck }[],
): number {
  let seconds = 0;
  for (const c of containers) {
    if (c.essential === false || !c.healthCheck) continue;
    seconds = Math.max(seconds, c.healthCheck.interval ?? 30);
  }
  return seconds * 1000;
}

/** The first poll after UpdateService: the earliest moment a new task can be healthy. */
export function firstRollingPollMs(healthMs: number): number {
  return MIN_START_MS + healthMs;
}

/**
 * With every new task RUNNING since `runningSince` (clock ms), nothing can complete before they pass
 * their health check and the old tasks stop: the delay until then, or undefined when unknown.
 */
export function untilRetiredMs(
  runningSince: number | undefined,
  healthMs: number,
  now: number,
): number | undefined {
  if (runningSince === undefined) return undefined;
  return Math.max(0, runningSince + healthMs + MIN_STOP_MS - now);
}
