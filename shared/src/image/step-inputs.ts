// Inputs the build, test and push steps read alike: KEY=VALUE lists and the engine chosen by name.
// (The `services` selection is shared/src/steps/list-input.ts.)
import { UserError } from '../errors.js';
import { BuildahEngine } from './buildah.js';
import { DockerEngine } from './docker.js';
import type { EngineName, ImageEngine } from './engine.js';

export function makeEngine(name: EngineName, env: NodeJS.ProcessEnv, buildahRoot?: string): ImageEngine {
  return name === 'buildah' ? new BuildahEngine(buildahRoot, env) : new DockerEngine(env);
}

/** KEY=VALUE list → record, naming the input on a malformed entry. */
export function keyValueList(items: string[], input: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UserError(`input "${input}" entry '${item}' is not KEY=VALUE`, input);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}
