// ECR in the emulator: the API handlers, the registry endpoint (/v2/ on the same port) and world-file
// seeding, all over one EcrStore per emulator world (dropped with the world on reset).
import { worldOf } from '../context.js';
import type { World } from '../state.js';
import type { HandlerContext } from '../types.js';
import { createEcrApi } from './api.js';
import { createRegistryRoute } from './registry.js';
import { seedRepositories as seedInto } from './seed.js';
import { EcrStore } from './store.js';

export type { RepositorySpec, SeedImage } from './seed.js';
export { EcrStore } from './store.js';

/** The ECR store of the world behind `ctx`, created on first use. */
export function ecrStore(ctx: HandlerContext): EcrStore {
  const world = worldOf(ctx);
  return world.slot('ecr', () => {
    const store = new EcrStore();
    world.onDispose(() => store.dispose());
    return store;
  });
}

export const ecrHandlers = createEcrApi(ecrStore);
export const registryRoute = createRegistryRoute(ecrStore);

/** World files: creates `spec.repositories` (and their seeded images) in `world`. */
export function seedRepositories(world: World, spec: { repositories?: unknown }): void {
  const ctx = {
    clock: world.clock,
    region: world.region,
    accountId: world.accountId,
    host: world.host,
    world,
  };
  seedInto(ecrStore(ctx), ctx, spec);
}
