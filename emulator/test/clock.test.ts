// The virtual clock: time moves only when advanced, timers fire in due order, sleep() continuations run
// before later timers.
import { describe, expect, it } from '@jest/globals';
import { EmulatorClock } from '../src/clock.js';

describe('virtual clock', () => {
  it('fires due timers in order, deterministically', async () => {
    const clock = new EmulatorClock('virtual', 1, 1_000_000);
    const seen: string[] = [];
    clock.after(3000, () => seen.push(`b@${clock.now()}`));
    clock.after(1000, () => seen.push(`a@${clock.now()}`));
    const stop = clock.every(2000, () => seen.push(`tick@${clock.now()}`));
    clock.sleep(2500).then(() => {
      seen.push(`woke@${clock.now()}`);
      clock.after(100, () => seen.push(`after-wake@${clock.now()}`));
    });
    expect(clock.now()).toBe(1_000_000);
    await clock.advance(4);
    stop();
    await clock.advance(10);
    expect(seen).toEqual([
      'a@1001000',
      'tick@1002000',
      'woke@1002500',
      'after-wake@1002600',
      'b@1003000',
      'tick@1004000',
    ]);
    expect(clock.now()).toBe(1_014_000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses to advance a real clock', async () => {
    const clock = new EmulatorClock('real', 10);
    await expect(clock.advance(1)).rejects.toThrow('virtual');
    const t0 = clock.now();
    await new Promise((r) => setTimeout(r, 50));
    expect(clock.now() - t0).toBeGreaterThanOrEqual(400);
  });
});
