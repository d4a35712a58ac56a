// Which services a set of changed files affects, and why: a file in the service's folder or build
// context, a file under one of its build.paths (shared code), or a dependency that is affected.
import path from 'node:path';
import { dependencyWaves, dependentsOf } from '../manifest/graph.js';
import type { ServiceManifest } from '../manifest/schema.js';

export interface AffectedService {
  service: string;
  /** Human-readable reasons, e.g. "services/auth/src/index.ts", "shared path libs/proto", "depends on game". */
  reasons: string[];
}

export interface Affected {
  /** In dependency order (dependencies first, ties by name). */
  services: AffectedService[];
  /** Services that can run in parallel, wave by wave. */
  waves: string[][];
}

/** True when file is the path itself or lies under it (paths are repository-relative, '/'-separated). */
export function isUnder(file: string, dir: string): boolean {
  const d = path.posix.normalize(dir).replace(/\/+$/, '');
  if (d === '.' || d === '') return true;
  return file === d || file.startsWith(`${d}/`);
}

/** Which paths inside a build context can affect the image (image/context.ts contextMatcher). */
export type ContextFilter = (pathInContext: string) => boolean;

interface Watched {
  path: string;
  reason: string;
  /** Narrows the files under `path` that count (a shared build context: only what the Dockerfile reads). */
  accepts?: (file: string) => boolean;
}

/** The repository-relative folders and paths whose changes select this service directly. */
export function watchedPaths(m: ServiceManifest, contextFilter?: ContextFilter): Watched[] {
  const context = path.posix.normalize(path.posix.join(m.dir, m.build.context));
  const dockerfile = path.posix.normalize(path.posix.join(m.dir, m.build.dockerfile));
  const watched: Watched[] = [{ path: m.dir, reason: 'service folder' }];
  if (!isUnder(context, m.dir)) {
    const prefix = context === '.' ? '' : `${context}/`;
    const accepts = contextFilter ? (f: string) => contextFilter(f.slice(prefix.length)) : undefined;
    watched.push({ path: context, reason: 'build context', accepts });
  }
  if (!isUnder(dockerfile, m.dir) && !isUnder(dockerfile, context))
    watched.push({ path: dockerfile, reason: 'Dockerfile' });
  for (const p of m.build.paths) watched.push({ path: p, reason: `shared path ${p}` });
  return watched;
}

/**
 * `contextFilters` (by service name) narrow a build context shared by several services to what each
 * Dockerfile reads; without one, any change in a service's context selects it.
 */
export function affectedServices(
  manifests: ServiceManifest[],
  files: string[],
  contextFilters: Map<string, ContextFilter> = new Map(),
): Affected {
  const reasons = new Map<string, string[]>();
  const add = (name: string, reason: string) => {
    const list = reasons.get(name) ?? [];
    if (!list.includes(reason)) list.push(reason);
    reasons.set(name, list);
  };
  for (const m of manifests) {
    for (const w of watchedPaths(m, contextFilters.get(m.name))) {
      const hits = files.filter((f) => isUnder(f, w.path) && (w.accepts?.(f) ?? true));
      if (hits.length > 0)
        add(m.name, `${w.reason} (${hits.length} file${hits.length > 1 ? 's' : ''}, e.g. ${hits[0]})`);
    }
  }
  const direct = new Set(reasons.keys());
  const dependents = dependentsOf(manifests, direct);
  for (const m of manifests.filter((x) => dependents.has(x.name))) {
    add(m.name, `depends on ${m.dependsOn.filter((d) => direct.has(d) || dependents.has(d)).join(', ')}`);
  }
  const waves = dependencyWaves(manifests, reasons.keys());
  return {
    services: waves.flat().map((service) => ({ service, reasons: reasons.get(service) ?? [] })),
    waves,
  };
}
