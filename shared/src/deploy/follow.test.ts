import { describe, expect, it } from '@jest/globals';
import { type Clock, follow, PollSchedule, TROUBLE_CAP_MS, troubleDelay } from './follow.js';

/** A clock that only moves when the follower sleeps: each sleep is recorded. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('PollSchedule', () => {
  it('polls fast near the outcome and backs off to 5 s while tasks start', () => {
    const s = new PollSchedule();
    const slow = [1, 2, 3, 4, 5].map(() => s.next(false, 60_000));
    expect(slow).toEqual([2000, 3000, 4500, 5000, 5000]);
    expect(s.next(true, 60_000)).toBe(1000);
    // After a near phase the slow delay starts over.
    expect(s.next(false, 60_000)).toBe(2000);
  });

  it('slows near polls to 2 s when a drain goes on for long, keeping latency within 2 s', () => {
    const s = new PollSchedule();
    const near = Array.from({ length: 12 }, () => s.next(true, 600_000));
    expect(near.slice(0, 10).every((d) => d === 1000)).toBe(true);
    expect(near.slice(10)).toEqual([2000, 2000]);
  });

  it('never sleeps past the deadline', () => {
    expect(new PollSchedule().next(false, 700)).toBe(700);
  });
});

describe('follow', () => {
  it('returns the outcome at the first poll that sees it, with the poll count', async () => {
    const clock = fakeClock();
    let n = 0;
    const end = await follow(async () => (++n === 4 ? { near: true, done: 'ok' } : { near: n >= 2 }), {
      clock,
      signal: new AbortController().signal,
      timeoutMs: 60_000,
    });
    expect(end).toEqual({ kind: 'done', value: 'ok', polls: 4, elapsedMs: 4000 });
    expect(clock.sleeps).toEqual([2000, 1000, 1000]);
  });

  it('times out after the total timeout with a final poll at the deadline', async () => {
    const clock = fakeClock();
    const end = await follow(async () => ({ near: false }), {
      clock,
      signal: new AbortController().signal,
      timeoutMs: 20_000,
    });
    expect(end.kind).toBe('timeout');
    expect(end.elapsedMs).toBe(20_000);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(20_000);
  });

  it('stops waiting when the signal aborts', async () => {
    const clock = fakeClock();
    const abort = new AbortController();
    let n = 0;
    const end = await follow(
      async () => {
        if (++n === 3) abort.abort();
        return { near: false };
      },
      { clock, signal: abort.signal, timeoutMs: 60_000 },
    );
    expect(end).toMatchObject({ kind: 'cancelled', polls: 3 });
  });

  it('ends with the error when a poll gets an answer that is not passing trouble (AccessDenied)', async () => {
    const clock = fakeClock();
    const denied = Object.assign(new Error('not authorized to perform: ecs:DescribeServices'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    let n = 0;
    const end = await follow(
      async () => {
        n++;
        throw denied;
      },
      { clock, signal: new AbortController().signal, timeoutMs: 60_000 },
    );
    expect(end).toMatchObject({ kind: 'error', error: denied, polls: 1 });
    expect(n).toBe(1);
  });

  it('rides out throttling with capped, jittered backoff and says so on the progress line', async () => {
    const clock = fakeClock();
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    const lines: string[] = [];
    let n = 0;
    const end = await follow(
      async () => {
        if (++n <= 12) throw throttled;
        return { near: false, done: 'ok' };
      },
      {
        clock,
        signal: new AbortController().signal,
        timeoutMs: 600_000,
        api: 'ECS',
        onTrouble: (line) => lines.push(line),
      },
    );
    expect(end).toMatchObject({ kind: 'done', value: 'ok', polls: 13 });
    expect(clock.sleeps).toHaveLength(12);
    // Backoff grows, never past the cap, so the outcome is seen within 2 s of AWS answering again.
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(TROUBLE_CAP_MS);
    expect(clock.sleeps[0]).toBeLessThan(clock.sleeps[11]);
    expect(lines[3]).toMatch(/^ECS throttling for \d+ s, still watching$/);
    expect(lines.at(-1)).toMatch(/^ECS throttling for \d+ s; answering again/);
  });

  it('times out while AWS is still in trouble, saying how long it has been', async () => {
    const clock = fakeClock();
    const end = await follow(
      async () => {
        throw Object.assign(new Error('boom'), {
          name: 'InternalFailure',
          $metadata: { httpStatusCode: 500 },
        });
      },
      { clock, signal: new AbortController().signal, timeoutMs: 10_000, api: 'ECS' },
    );
    expect(end).toMatchObject({ kind: 'timeout', trouble: 'ECS server errors for 10 s' });
  });
});

describe('troubleDelay', () => {
  it('grows from 0.25–0.5 s to at most 2 s', () => {
    expect(troubleDelay(0, () => 0)).toBe(250);
    expect(troubleDelay(0, () => 1)).toBe(500);
    expect(troubleDelay(10, () => 1)).toBe(TROUBLE_CAP_MS);
    expect(troubleDelay(10, () => 0)).toBe(TROUBLE_CAP_MS / 2);
  });
});
