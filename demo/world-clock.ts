// The clock the demo's deploy and rollback steps follow the world with. The emulator's world runs ×speed
// (its timestamps, task start-up, health intervals, bake times are emulated), and the steps compare the
// timestamps ECS reports with their clock and pace their polls by what ECS can do next (a new task's
// health check interval, the old tasks' stop): on the wall clock they waited 20 s for a wave of a
// release the world had finished in a few. On the world's clock their waits shrink by the same factor,
// never below a floor of wall time, so no poll loop hammers the emulator.
import type { EmulatorClock } from '../emulator/src/clock.js';
import { type Clock, systemClock } from '../shared/src/deploy/follow.js';

/** Shortest wall time between two polls of a step (a poll the step wants sooner waits this long). */
export const MIN_WALL_SLEEP_MS = 500;

export function worldClock(
  world: Pick<EmulatorClock, 'now' | 'speed'>,
  minWallMs = MIN_WALL_SLEEP_MS,
  /** Sleeps in wall time (the system clock's; replaced in tests). */
  sleepWall: Clock['sleep'] = systemClock.sleep,
): Clock {
  return {
    now: () => world.now(),
    sleep: (ms, signal) =>
      sleepWall(ms <= 0 ? 0 : Math.max(ms / world.speed, Math.min(ms, minWallMs)), signal),
  };
}
