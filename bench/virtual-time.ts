// Virtual time for the outcome-latency bench. The deploy step sleeps on the test harness's VirtualTime
// (sleepers park, time jumps to the earliest wake-up); this adds a log of the wall instant at which
// each emulated instant was reached, and a scoped shim that puts the AWS SDK waiter's own timers
// (global setTimeout and Date.now, which it cannot be given) on the same virtual clock, so both
// approaches are driven the same way and their multi-minute waits take milliseconds.
import type { Emulator } from '../emulator/src/index.js';
import { VirtualTime } from '../harness/deploy-world.js';

interface Advance {
  /** Emulated ms reached. */
  to: number;
  /** performance.now() when the emulator had run everything due up to `to`. */
  wall: number;
}

export class LoggedVirtualTime {
  readonly time: VirtualTime;
  private readonly advances: Advance[] = [];

  constructor(private readonly emu: Emulator) {
    // VirtualTime only needs the clock and advance(); route advance() through the log.
    const driven = {
      clock: emu.clock,
      advance: async (seconds: number) => {
        await emu.advance(seconds);
        this.advances.push({ to: emu.clock.now(), wall: performance.now() });
      },
    } as unknown as Emulator;
    this.time = new VirtualTime(driven);
  }

  /** Wall time (performance.now) at which the emulator had reached emulated instant `at`. */
  wallWhenReached(at: number): number | undefined {
    return this.advances.find((a) => a.to >= at)?.wall;
  }

  /**
   * Runs `fn` with setTimeout calls of at least `minMs` (the SDK waiter's delays start at 15 s; the
   * SDK's HTTP housekeeping timers are all shorter) and Date.now on the emulator's virtual clock.
   */
  async withVirtualTimers<T>(fn: () => Promise<T>, minMs = 10_000): Promise<T> {
    const realSetTimeout = globalThis.setTimeout;
    const realClearTimeout = globalThis.clearTimeout;
    const realNow = Date.now;
    const cancelled = new Set<object>();
    const parked = new Set<object>();
    const signal = new AbortController().signal;
    const shimSetTimeout = (cb: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      if (typeof ms !== 'number' || ms < minMs) return realSetTimeout(cb, ms, ...args);
      const handle = {};
      parked.add(handle);
      void this.time.sleep(ms, signal).then(() => {
        parked.delete(handle);
        if (!cancelled.delete(handle)) cb(...args);
      });
      return handle;
    };
    const shimClearTimeout = (handle: unknown) => {
      if (handle && typeof handle === 'object' && parked.has(handle)) cancelled.add(handle);
      else realClearTimeout(handle as NodeJS.Timeout);
    };
    globalThis.setTimeout = shimSetTimeout as unknown as typeof setTimeout;
    globalThis.clearTimeout = shimClearTimeout as typeof clearTimeout;
    Date.now = () => this.emu.clock.now();
    try {
      return await fn();
    } finally {
      globalThis.setTimeout = realSetTimeout;
      globalThis.clearTimeout = realClearTimeout;
      Date.now = realNow;
    }
  }
}
