// Waiting for an outcome: the poll loop every strategy shares (rolling, ECS blue/green, CodeDeploy).
// It owns timing (adaptive delays, the total timeout, cancellation); it does not know what is polled —
// each strategy passes an observe() that reads AWS once and says whether the outcome is decided or near.
// Time comes from an injectable Clock, so tests drive it with the emulator's virtual clock.
import { setMaxListeners } from 'node:events';

/** Time as the follower sees it: real timers in production, the emulator's virtual clock in tests. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts (never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      // A release follows many services on one cancel signal: one listener each is expected, not a leak.
      setMaxListeners(0, signal);
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    }),
};

/** What one poll found. `done` ends the wait; `near` asks for the fast poll rate. */
export interface Observation<T> {
  done?: T;
  /** The outcome may arrive within seconds (tasks running and awaiting health, failures counting, bake ending). */
  near: boolean;
}

export interface PollTiming {
  /** Delay while the outcome is near. */
  fastMs: number;
  /** After this many consecutive near polls (a long connection drain), near polls slow to nearMaxMs. */
  fastPolls?: number;
  nearMaxMs?: number;
  /** First delay while tasks are still starting; grows by `growth` up to maxMs. */
  slowStartMs: number;
  maxMs: number;
  growth: number;
}

export const DEFAULT_TIMING: PollTiming = {
  fastMs: 1000,
  fastPolls: 10,
  nearMaxMs: 2000,
  slowStartMs: 2000,
  maxMs: 5000,
  growth: 1.5,
};

/**
 * The delay before the next poll. Near the outcome: fastMs, so the outcome is known within about a
 * second of ECS reaching it (nearMaxMs once a drain goes on for long). Otherwise the delay grows from
 * slowStartMs to maxMs, so a slow task start costs few calls. Never sleeps past the deadline.
 */
export class PollSchedule {
  private slowMs: number;
  private nearPolls = 0;
  constructor(private readonly timing: PollTiming = DEFAULT_TIMING) {
    this.slowMs = timing.slowStartMs;
  }

  next(near: boolean, remainingMs: number): number {
    let delay: number;
    if (near) {
      this.nearPolls++;
      const budget = this.timing.fastPolls ?? Number.POSITIVE_INFINITY;
      delay = this.nearPolls > budget ? (this.timing.nearMaxMs ?? this.timing.fastMs) : this.timing.fastMs;
      this.slowMs = this.timing.slowStartMs;
    } else {
      this.nearPolls = 0;
      delay = this.slowMs;
      this.slowMs = Math.min(this.timing.maxMs, Math.round(this.slowMs * this.timing.growth));
    }
    return Math.max(0, Math.min(delay, remainingMs));
  }
}

export type FollowEnd<T> =
  | { kind: 'done'; value: T; polls: number; elapsedMs: number }
  | { kind: 'timeout'; polls: number; elapsedMs: number }
  | { kind: 'cancelled'; polls: number; elapsedMs: number };

export interface FollowOptions {
  clock: Clock;
  signal: AbortSignal;
  timeoutMs: number;
  timing?: PollTiming;
  /** Wait one slow delay before the first poll: right after starting a deployment there is nothing to see. */
  delayFirstPoll?: boolean;
}

/**
 * Polls `observe` until it reports `done`, the timeout passes, or the signal aborts. The first poll is
 * immediate unless delayFirstPoll. A poll that throws (after the SDK's own retries) ends the wait with that error: an
 * AccessDenied must not be retried for 30 minutes as the SDK waiter does.
 */
export async function follow<T>(
  observe: () => Promise<Observation<T>>,
  opts: FollowOptions,
): Promise<FollowEnd<T>> {
  const start = opts.clock.now();
  const deadline = start + opts.timeoutMs;
  const schedule = new PollSchedule(opts.timing);
  let polls = 0;
  if (opts.delayFirstPoll) await opts.clock.sleep(schedule.next(false, opts.timeoutMs), opts.signal);
  for (;;) {
    if (opts.signal.aborted) return { kind: 'cancelled', polls, elapsedMs: opts.clock.now() - start };
    polls++;
    const seen = await observe();
    const now = opts.clock.now();
    if (seen.done !== undefined) return { kind: 'done', value: seen.done, polls, elapsedMs: now - start };
    if (opts.signal.aborted) return { kind: 'cancelled', polls, elapsedMs: now - start };
    if (now >= deadline) return { kind: 'timeout', polls, elapsedMs: now - start };
    await opts.clock.sleep(schedule.next(seen.near, deadline - now), opts.signal);
  }
}
