// Waiting for an outcome: the poll loop every strategy shares (rolling, ECS blue/green, CodeDeploy).
// It owns timing (adaptive delays, the total timeout, cancellation); it does not know what is polled —
// each strategy passes an observe() that reads AWS once and says whether the outcome is decided or near.
// Time comes from an injectable Clock, so tests drive it with the emulator's virtual clock.
import { setMaxListeners } from 'node:events';
import { CallTimedOut, type Trouble, troubleOf, withCallScope } from '../aws/retry.js';

/** Time as the follower sees it: real timers in production, the emulator's virtual clock in tests. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts (never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /**
   * Runs the whole deployment of one service of a release (its calls, then its waits). Real time needs
   * nothing here; a virtual clock must only jump once every such actor is asleep — a jump while one is
   * mid-call would push its next wake-up back and charge it latency it does not have.
   */
  actor?<T>(work: () => Promise<T>): Promise<T>;
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
  /** Nothing can change before this many ms (tasks provisioning, a health-check grace): the next poll waits that long. */
  waitMs?: number;
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
  | { kind: 'timeout'; polls: number; elapsedMs: number; trouble?: string }
  | { kind: 'cancelled'; polls: number; elapsedMs: number }
  /** A poll got an answer that ends the wait: AccessDenied, a missing resource, a bad request. */
  | { kind: 'error'; error: Error; polls: number; elapsedMs: number };

export interface FollowOptions {
  clock: Clock;
  signal: AbortSignal;
  timeoutMs: number;
  timing?: PollTiming;
  /** Wait this long before the first poll (ms): right after starting a deployment there is nothing to see. */
  firstPollAfterMs?: number;
  /** Wait one slow delay before the first poll (when no better first delay is known). */
  delayFirstPoll?: boolean;
  /** Who answers the polls, for the progress line ("ECS throttling for 40 s, still watching"). */
  api?: string;
  /**
   * Wake on multiples of this many ms of the clock: followers of one release then poll at the same
   * moments, and their polls share one DescribeServices (describe-batch.ts).
   */
  alignMs?: number;
  /** Receives the progress line while AWS is in trouble (`over` false), and once when it answers again. */
  onTrouble?: (line: string, over: boolean) => void;
}

/** Passing trouble: the follower polls again after TROUBLE_BASE_MS·2^n (equal jitter), at most TROUBLE_CAP_MS. */
export const TROUBLE_BASE_MS = 500;
/** Bounds the outcome's latency once AWS answers again. */
export const TROUBLE_CAP_MS = 2000;
const LAST_POLL_MS = 2000;

/** Equal jitter: half the step fixed, half random, so the polls of many followers spread out. */
export function troubleDelay(n: number, random: () => number = Math.random): number {
  const step = Math.min(TROUBLE_CAP_MS, TROUBLE_BASE_MS * 2 ** n);
  return Math.round(step / 2 + (random() * step) / 2);
}

/**
 * Polls `observe` until it reports `done`, the timeout passes, or the signal aborts. The first poll is
 * immediate unless delayed. Each poll's AWS calls run in a call scope: aborted by the cancel signal or
 * the deadline (so a hung call cannot hold the wait), and with only short SDK retries.
 * A poll failing with passing trouble (throttling, 5xx, a dropped connection, a timed-out call) is not
 * an outcome: the follower says so and polls again with capped, jittered backoff until the deadline.
 * Any other error (AccessDenied, a missing service) ends the wait at once as kind 'error'.
 */
export async function follow<T>(
  observe: () => Promise<Observation<T>>,
  opts: FollowOptions,
): Promise<FollowEnd<T>> {
  const start = opts.clock.now();
  const deadline = start + opts.timeoutMs;
  const schedule = new PollSchedule(opts.timing);
  const api = opts.api ?? 'AWS';
  let polls = 0;
  let trouble: { kind: Trouble; since: number; failures: number } | undefined;
  const elapsed = () => opts.clock.now() - start;
  // Whole seconds at first, then steps of 10 s: the progress line changes (and a CI log gets a line)
  // every 10 s of a long window, not at every poll.
  const troubleText = () => {
    if (!trouble) return undefined;
    const s = Math.round((opts.clock.now() - trouble.since) / 1000);
    return `${api} ${trouble.kind} for ${s < 10 ? s : Math.floor(s / 10) * 10} s`;
  };
  const firstDelay =
    opts.firstPollAfterMs ?? (opts.delayFirstPoll ? schedule.next(false, opts.timeoutMs) : 0);
  if (firstDelay > 0) await opts.clock.sleep(Math.min(firstDelay, opts.timeoutMs), opts.signal);
  for (;;) {
    if (opts.signal.aborted) return { kind: 'cancelled', polls, elapsedMs: elapsed() };
    polls++;
    let seen: Observation<T>;
    // The last poll, at the deadline, still gets a couple of seconds to answer.
    const bound = deadlineSignal(opts.signal, Math.max(LAST_POLL_MS, deadline - opts.clock.now()));
    try {
      seen = await withCallScope({ signal: bound.signal, retries: trouble ? 'once' : 'poll' }, observe);
    } catch (err) {
      if (opts.signal.aborted) return { kind: 'cancelled', polls, elapsedMs: elapsed() };
      const kind = bound.signal.aborted ? 'timeouts' : troubleOf(err);
      if (!kind) return { kind: 'error', error: err as Error, polls, elapsedMs: elapsed() };
      trouble ??= { kind, since: opts.clock.now(), failures: 0 };
      // A poll cut short by the deadline says nothing new about AWS: keep the trouble it was in.
      if (!bound.signal.aborted) trouble.kind = kind;
      const now = opts.clock.now();
      if (now >= deadline) {
        const t = troubleText();
        return { kind: 'timeout', polls, elapsedMs: now - start, ...(t ? { trouble: t } : {}) };
      }
      opts.onTrouble?.(`${troubleText()}, still watching`, false);
      await opts.clock.sleep(Math.min(troubleDelay(trouble.failures++), deadline - now), opts.signal);
      continue;
    } finally {
      bound.clear();
    }
    if (trouble) {
      opts.onTrouble?.(`${troubleText()}; answering again, following on`, true);
      trouble = undefined;
    }
    const now = opts.clock.now();
    if (seen.done !== undefined) return { kind: 'done', value: seen.done, polls, elapsedMs: now - start };
    if (opts.signal.aborted) return { kind: 'cancelled', polls, elapsedMs: now - start };
    if (now >= deadline) return { kind: 'timeout', polls, elapsedMs: now - start };
    const delay = align(now, seen.waitMs ?? schedule.next(seen.near, deadline - now), opts.alignMs);
    await opts.clock.sleep(Math.max(0, Math.min(delay, deadline - now)), opts.signal);
  }
}

/** A delay stretched to end on a multiple of `grid` ms of the clock (no stretch without a grid). */
export function align(now: number, delay: number, grid?: number): number {
  if (!grid) return delay;
  return Math.ceil((now + delay) / grid) * grid - now;
}

/**
 * The cancel signal, or the deadline reached in wall time (in production the clock is wall time; on a
 * virtual clock a call never lasts that long): a hung poll is abandoned as a timed-out call.
 */
function deadlineSignal(cancel: AbortSignal, remainingMs: number): { signal: AbortSignal; clear(): void } {
  const c = new AbortController();
  const onCancel = () => c.abort(cancel.reason);
  setMaxListeners(0, cancel);
  if (cancel.aborted) onCancel();
  else cancel.addEventListener('abort', onCancel, { once: true });
  const timer = setTimeout(
    () => c.abort(new CallTimedOut('the call did not answer before the deadline')),
    Math.max(1, remainingMs),
  );
  return {
    signal: c.signal,
    clear() {
      clearTimeout(timer);
      cancel.removeEventListener('abort', onCancel);
    },
  };
}
