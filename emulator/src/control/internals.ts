// What the control API needs from a running emulator.
import type { CallLog } from '../calls.js';
import type { EmulatorClock } from '../clock.js';
import type { FaultBook } from '../faults.js';
import type { World } from '../state.js';
import type { Throttler } from '../throttle.js';
import type { WorldSpec } from '../world.js';

export interface EmulatorInternals {
  clock: EmulatorClock;
  calls: CallLog;
  faults: FaultBook;
  throttler: Throttler;
  world(): World;
  reset(): Promise<void>;
  seed(spec: WorldSpec): Promise<void>;
  /** `terraform output -json` of a world built from Terraform, else undefined. */
  terraformOutputs(): unknown;
  /** Requests the ALB proxies forwarded per task definition, with `--tasks docker`; else undefined. */
  albCounts(): Record<string, number> | undefined;
}
