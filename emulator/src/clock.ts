// The emulator's clock. Every time-driven behaviour (task start-up, health, deployments, bake times)
// runs on timers of this clock, never on wall time, so a virtual clock makes tests instant and
// deterministic and a real clock with a speed factor makes the demo watchable.
import type { Clock } from './types.js';

export type ClockMode = 'virtual' | 'real';

interface Timer {
  id: number;
  due: number;
  seq: number;
  fn: () => void;
  /** Repeat interval in emulated ms (every()), or 0 for one-shot timers. */
  every: number;
  /** Set for sleep() timers: a promise continuation must be allowed to run after it fires. */
  wakes: boolean;
  handle?: ReturnType<typeof setTimeout>;
}

export class EmulatorClock implements Clock {
  private timers = new Map<number, Timer>();
  private nextId = 1;
  private seq = 0;
  private virtualNow: number;
  private readonly realStart = Date.now();
  private readonly emuStart: number;

  constructor(
    readonly mode: ClockMode = 'virtual',
    /** Emulated seconds per real second (real mode only). */
    readonly speed = 1,
    start = Date.now(),
  ) {
    if (!(speed > 0)) throw new Error(`clock speed must be > 0, got ${speed}`);
    this.virtualNow = start;
    this.emuStart = start;
  }

  now(): number {
    if (this.mode === 'virtual') return this.virtualNow;
    return Math.floor(this.emuStart + (Date.now() - this.realStart) * this.speed);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.schedule(ms, resolve, 0, true));
  }

  every(ms: number, fn: () => void): () => void {
    const id = this.schedule(ms, fn, Math.max(1, ms), false);
    return () => this.cancel(id);
  }

  /** Runs `fn` once after `ms` of emulated time; returns a cancel function. */
  after(ms: number, fn: () => void): () => void {
    const id = this.schedule(ms, fn, 0, false);
    return () => this.cancel(id);
  }

  /**
   * Virtual clock only: moves time forward by `seconds`, firing every due timer in due order (ties in
   * creation order). Promise continuations of sleep() run before the next timer fires.
   */
  async advance(seconds: number): Promise<number> {
    if (this.mode !== 'virtual') throw new Error('advance() needs the virtual clock');
    if (!(seconds >= 0)) throw new Error(`seconds must be a non-negative number, got ${seconds}`);
    const target = this.virtualNow + seconds * 1000;
    for (;;) {
      const next = this.earliest(target);
      if (!next) break;
      this.virtualNow = Math.max(this.virtualNow, next.due);
      this.fire(next);
      if (next.wakes) await new Promise((r) => setImmediate(r));
    }
    this.virtualNow = target;
    return this.virtualNow;
  }

  /** Drops every timer (reset and stop). */
  clear(): void {
    for (const t of this.timers.values()) if (t.handle) clearTimeout(t.handle);
    this.timers.clear();
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  private earliest(limit: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers.values()) {
      if (t.due > limit) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }

  private schedule(ms: number, fn: () => void, every: number, wakes: boolean): number {
    const id = this.nextId++;
    const timer: Timer = { id, due: this.now() + Math.max(0, ms), seq: this.seq++, fn, every, wakes };
    this.timers.set(id, timer);
    if (this.mode === 'real') this.arm(timer);
    return id;
  }

  private arm(timer: Timer): void {
    const delay = Math.max(0, (timer.due - this.now()) / this.speed);
    timer.handle = setTimeout(() => this.fire(timer), delay);
  }

  private fire(timer: Timer): void {
    if (!this.timers.has(timer.id)) return;
    if (timer.every > 0) {
      timer.due += timer.every;
      timer.seq = this.seq++;
      if (this.mode === 'real') this.arm(timer);
    } else {
      this.timers.delete(timer.id);
    }
    timer.fn();
  }

  private cancel(id: number): void {
    const t = this.timers.get(id);
    if (t?.handle) clearTimeout(t.handle);
    this.timers.delete(id);
  }
}
