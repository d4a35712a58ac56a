// CodeDeploy in the emulator (ECS blue/green): the API handlers over one store and engine per
// emulator world, the engine ticking on the world's clock.
import { worldOf } from '../context.js';
import type { World } from '../state.js';
import type { HandlerContext } from '../types.js';
import { type CodeDeployParts, createCodeDeployApi } from './api.js';
import { ecsTaskSets } from './ecs-task-sets.js';
import { CodeDeployEngine } from './engine.js';
import { seedCodeDeploy } from './seed.js';
import { CodeDeployStore } from './store.js';

/** Engine resolution: traffic steps and health checks land on whole emulated seconds. */
const TICK_MS = 1000;

export function codedeployParts(ctx: HandlerContext): CodeDeployParts {
  const world = worldOf(ctx);
  return world.slot('codedeploy', () => {
    const store = new CodeDeployStore();
    const engine = new CodeDeployEngine(world, store, ecsTaskSets(world));
    world.every(TICK_MS, () => engine.tick());
    return { store, engine, snapshot: () => store.snapshot() };
  });
}

export const codedeployHandlers = createCodeDeployApi(codedeployParts);

/** World files: `codedeploy.applications[].deploymentGroups[]` (see seed.ts). */
export function seedCodeDeployGroups(world: World, spec: { codedeploy?: unknown }): Promise<void> {
  return seedCodeDeploy(world, codedeployHandlers, spec);
}

export type { CodeDeploySpec, DeploymentGroupSpec } from './seed.js';
