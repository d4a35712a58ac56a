// One emulated AWS account in one region: every service's state, the clock and the task behaviours.
// A World is replaced wholesale on reset. Service modules reach it through worldOf(ctx) (see services.ts).
import { BehaviorBook } from './behaviors.js';
import type { EmulatorClock } from './clock.js';
import { EcsState } from './ecs/state.js';
import { Elbv2State } from './elbv2/state.js';
import { LogsState } from './logs/state.js';

export interface WorldOptions {
  clock: EmulatorClock;
  region: string;
  accountId: string;
  /** 127.0.0.1:<port> */
  host: string;
}

export class World {
  readonly clock: EmulatorClock;
  readonly region: string;
  readonly accountId: string;
  readonly host: string;
  readonly behaviors = new BehaviorBook();
  readonly elbv2: Elbv2State;
  readonly logs: LogsState;
  readonly ecs: EcsState;
  private readonly slots = new Map<string, unknown>();
  private readonly stoppers: (() => void)[] = [];

  constructor(opts: WorldOptions) {
    this.clock = opts.clock;
    this.region = opts.region;
    this.accountId = opts.accountId;
    this.host = opts.host;
    this.elbv2 = new Elbv2State(this);
    this.logs = new LogsState(this);
    this.ecs = new EcsState(this);
  }

  /** An ARN in this account and region. */
  arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.region}:${this.accountId}:${resource}`;
  }

  /**
   * Per-world state owned by another module (ECR repositories, CodeDeploy deployments), created on
   * first use. Keyed by module name; dropped with the world on reset.
   */
  slot<T>(key: string, make: () => T): T {
    let v = this.slots.get(key) as T | undefined;
    if (v === undefined) {
      v = make();
      this.slots.set(key, v);
    }
    return v;
  }

  /** Makes another world's slot this world's too: global state (IAM, STS sessions) seen from every region. */
  share(key: string, from: World, make: () => unknown): void {
    this.slots.set(key, from.slot(key, make));
  }

  /** Runs `fn` every `ms` of emulated time while this world lives (cancelled on reset/stop). */
  every(ms: number, fn: () => void): void {
    this.stoppers.push(this.clock.every(ms, fn));
  }

  /** Registers a cleanup run when the world is discarded. */
  onDispose(fn: () => void): void {
    this.stoppers.push(fn);
  }

  dispose(): void {
    for (const stop of this.stoppers.splice(0)) stop();
  }

  /** A JSON-friendly dump for GET /_cendence/state. */
  snapshot(): Record<string, unknown> {
    const modules: Record<string, unknown> = {};
    for (const [k, v] of this.slots) {
      const s = v as { snapshot?: () => unknown };
      modules[k] = typeof s?.snapshot === 'function' ? s.snapshot() : undefined;
    }
    return {
      now: new Date(this.clock.now()).toISOString(),
      region: this.region,
      accountId: this.accountId,
      ecs: this.ecs.snapshot(),
      elbv2: this.elbv2.snapshot(),
      logs: this.logs.snapshot(),
      behaviors: this.behaviors.list(),
      ...modules,
    };
  }
}
