import { describe, expect, it } from '@jest/globals';
import { type Clock, follow, PollSchedule } from './follow.js';

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

  it('ends with the error when a poll fails after the SDK retries (no silent retry of AccessDenied)', async () => {
    const clock = fakeClock();
    await expect(
      follow(
        async () => {
          throw new Error('AccessDeniedException');
        },
        { clock, signal: new AbortController().signal, timeoutMs: 60_000 },
      ),
    ).rejects.toThrow('AccessDenied');
  });
});
