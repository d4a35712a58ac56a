// The clock the demo's deploy and rollback steps follow the emulator's world with: the world's time,
// waits shrunk by its speed, never below a floor of wall time.
import { describe, expect, it } from '@jest/globals';
import { worldClock } from '../demo/world-clock.js';
import { EmulatorClock } from '../emulator/src/clock.js';

describe('worldClock', () => {
  it("reads the world's time", async () => {
    const world = new EmulatorClock('virtual', 1, Date.UTC(2026, 0, 1));
    const clock = worldClock(world);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1));
    await world.advance(90);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1) + 90_000);
  });

  it("waits the world's milliseconds divided by its speed in wall time, never below the floor", async () => {
    const asked: number[] = [];
    const clock = worldClock({ now: () => 0, speed: 30 }, 250, async (ms) => {
      asked.push(ms);
    });
    const signal = new AbortController().signal;
    await clock.sleep(15_000, signal); // a health check interval: half a second of wall time
    await clock.sleep(1000, signal); // a near poll: 33 ms would hammer the emulator, the floor holds
    await clock.sleep(100, signal); // shorter than the floor: not stretched
    await clock.sleep(0, signal);
    expect(asked).toEqual([500, 250, 100, 0]);
  });

  it('hands the cancel signal to the wall sleep', async () => {
    const signals: AbortSignal[] = [];
    const clock = worldClock({ now: () => 0, speed: 30 }, 250, async (_ms, signal) => {
      signals.push(signal);
    });
    const cancel = new AbortController();
    await clock.sleep(600_000, cancel.signal);
    expect(signals).toEqual([cancel.signal]);
  });
});
