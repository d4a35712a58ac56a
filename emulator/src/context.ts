// What handlers and raw routes receive: the HandlerContext of types.ts plus the emulator's World.
// Kept apart from services.ts so service modules can import it without an import cycle.
import type { CallLog } from './calls.js';
import type { FaultBook } from './faults.js';
import type { World } from './state.js';
import type { HandlerContext } from './types.js';

export interface EmulatorContext extends HandlerContext {
  world: World;
  /** The call log, for raw routes that record what they serve as API operations (ECR's registry). */
  calls?: CallLog;
  /** Injected faults, for raw routes that honour them (ECR's registry). */
  faults?: FaultBook;
}

/** The World (all per-emulator state) behind a handler or raw-route context. */
export function worldOf(ctx: HandlerContext | undefined): World {
  const world = (ctx as EmulatorContext | undefined)?.world;
  if (!world) throw new Error('handler context carries no emulator world');
  return world;
}
