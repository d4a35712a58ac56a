// The benches' and tests' virtual clock must not invent latency. It jumps to the earliest wake-up once
// everyone is asleep; a jump while one service of a release is still mid-call (a loaded machine, a slow
// answer) pushed that service's next poll back by the jump: 7 s "outcome latency" for 6 and 24 services
// that the deploy step does not have. Actors (clock.actor, one per service of a release) close that gap.
import { afterEach, describe, expect, it } from '@jest/globals';
import { pacedRelease } from '../bench/follow.js';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { VirtualTime } from '../harness/deploy-world.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

const realDelay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('virtual time', () => {
  it('does not jump while an actor is still at work', async () => {
    emu = await startEmulator({ clock: 'virtual' });
    const time = new VirtualTime(emu);
    const signal = new AbortController().signal;
    const t0 = time.now();
    const wokeAt: Record<string, number> = {};
    await Promise.all([
      time.actor(async () => {
        await time.sleep(5000, signal);
        wokeAt.a = time.now() - t0;
      }),
      time.actor(async () => {
        // A call that takes far longer in real time than the clock's settle delay.
        await realDelay(60);
        await time.sleep(1000, signal);
        wokeAt.b = time.now() - t0;
      }),
    ]);
    expect(wokeAt).toEqual({ a: 5000, b: 1000 });
  });

  it('still jumps for sleepers outside any actor', async () => {
    emu = await startEmulator({ clock: 'virtual' });
    const time = new VirtualTime(emu);
    const t0 = time.now();
    await time.sleep(30_000, new AbortController().signal);
    expect(time.now() - t0).toBe(30_000);
  });

  it('reports every service of a release within 2 s of ECS, on a process starved of CPU', async () => {
    const r = await pacedRelease(6, { starve: true });
    expect(r.succeeded).toBe(6);
    expect(r.latencySeconds).toHaveLength(6);
    for (const s of r.latencySeconds) expect(s).toBeLessThanOrEqual(2);
  }, 60_000);
});
