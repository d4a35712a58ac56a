// What build hands to test and push: the builds record, as the `builds` output (JSON) and optionally a
// file (GitLab artifacts, or the CLI between commands). Also the shared reading of the `services` input.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { ServiceManifest } from '../manifest/schema.js';
import type { BuildRecord } from './build.js';
import { BuildahEngine } from './buildah.js';
import { DockerEngine } from './docker.js';
import type { EngineName, ImageEngine } from './engine.js';

export type Builds = Record<string, BuildRecord>;

/** Reads the `builds` input: JSON text, or the path of a file holding it (the build step's builds-file). */
export function readBuilds(value: string, cwd: string): Builds {
  const text = value.trim().startsWith('{') ? value : readBuildsFile(path.resolve(cwd, value));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UserError(
      `input "builds" is not valid JSON: ${(err as Error).message}`,
      'builds',
      "pass the build step's builds output or builds-file",
    );
  }
  // Accept the output itself or the build step's --json result, which nests it under "builds".
  const map = (parsed as { builds?: unknown }).builds ?? parsed;
  if (!map || typeof map !== 'object' || Array.isArray(map)) {
    throw new UserError('input "builds" must be a JSON object {"<service>": {...}}', 'builds');
  }
  for (const [service, r] of Object.entries(map as Record<string, Partial<BuildRecord>>)) {
    for (const key of ['image', 'repository', 'contentTag', 'gitTag', 'status'] as const) {
      if (typeof r?.[key] !== 'string')
        throw new UserError(
          `builds.${service}.${key} is missing`,
          'builds',
          "pass the build step's builds output unchanged",
        );
    }
  }
  return map as Builds;
}

function readBuildsFile(file: string): string {
  if (!existsSync(file))
    throw new UserError(
      `builds file not found: ${file}`,
      'builds',
      'run the build step first (with --builds-file), or pass its builds output',
    );
  return readFileSync(file, 'utf8');
}

/** The `services` input: names separated by commas/spaces, or a JSON array (the plan step's output). Empty: all. */
export function selectServices(manifests: ServiceManifest[], raw: string | undefined): ServiceManifest[] {
  const names = parseNames(raw?.trim() ?? '');
  if (names.length === 0) return manifests;
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

function parseNames(v: string): string[] {
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
