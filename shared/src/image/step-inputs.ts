// Inputs the build, test and push steps read alike: the `services` selection, KEY=VALUE lists, and
// the engine chosen by name.
import { UserError } from '../errors.js';
import type { ServiceManifest } from '../manifest/schema.js';
import { BuildahEngine } from './buildah.js';
import { DockerEngine } from './docker.js';
import type { EngineName, ImageEngine } from './engine.js';

/** The `services` input: names separated by commas/spaces, or a JSON array (the plan step's output). Empty: all. */
export function selectServices(manifests: ServiceManifest[], raw: string | undefined): ServiceManifest[] {
  const text = raw?.trim() ?? '';
  const names = parseNames(text);
  // No input means every service; the plan's empty list ("[]": nothing changed) means none, never all.
  if (names.length === 0) return text.startsWith('[') ? [] : manifests;
  const known = manifests.map((m) => m.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new UserError(
      `unknown service${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')} (known: ${known.join(', ')})`,
      'services',
      'use names of folders under services/ that hold a service.yml',
    );
  }
  return manifests.filter((m) => names.includes(m.name));
}

/** Service names from an input: comma/space-separated, or a JSON list. */
export function parseNames(v: string): string[] {
  if (!v.startsWith('[')) return v.split(/[,\s]+/).filter(Boolean);
  try {
    const list = JSON.parse(v);
    if (Array.isArray(list) && list.every((x) => typeof x === 'string')) return list;
  } catch {}
  throw new UserError(`input "services" is not a JSON list of names: ${v}`, 'services');
}

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
