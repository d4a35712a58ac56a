// The registry layer cache: which references a service's build imports its cache from and exports it to
// (default: a moving `buildcache` tag in the service's own repository), checked against the registry the
// step has credentials for, and the cache hits and misses read back from the engine's output.
import { UserError } from '../errors.js';

export type CacheMode = 'min' | 'max';

/** The cache inputs as given: reference templates ({image}, {repository}, {service}), or none. */
export interface CacheSettings {
  from: string[];
  /** undefined: no cache export. */
  to?: string;
  mode: CacheMode;
}

export const DEFAULT_CACHE_REF = '{image}:buildcache';
/** Tags the cache uses: repositories exclude them from tag immutability (terraform/ecr.tf). */
export const CACHE_TAG_FILTER = 'buildcache*';

/** Reads the cache-from / cache-to values: "none" switches a side off, empty means the default. */
export function cacheSettings(from: string[], to: string | undefined, mode: CacheMode): CacheSettings {
  const off = (v: string | undefined) => v !== undefined && /^(none|false|off)$/i.test(v.trim());
  const fromRefs = from.length === 1 && off(from[0]) ? [] : from.length > 0 ? from : [DEFAULT_CACHE_REF];
  for (const r of fromRefs) checkTemplate(r, 'cache-from');
  if (to && !off(to)) checkTemplate(to, 'cache-to');
  return { from: fromRefs, to: off(to) ? undefined : (to ?? DEFAULT_CACHE_REF), mode };
}

function checkTemplate(ref: string, input: string): void {
  if (/\s/.test(ref) || ref.includes('@') || !/^[\w{}.:/-]+$/.test(ref)) {
    throw new UserError(
      `input "${input}" has '${ref}', which is not an image reference`,
      input,
      "use <registry>/<repository>:<tag>, or {image}:<tag> for each service's own repository (default {image}:buildcache)",
    );
  }
}

export interface ServiceCache {
  from: string[];
  to?: string;
  mode: CacheMode;
}

/** The cache references of one service, checked to live in `registry` (the only one we hold credentials for). */
export function serviceCache(
  s: CacheSettings,
  names: { image: string; repository: string; service: string },
  registry: string,
): ServiceCache {
  const fill = (t: string) =>
    withTag(
      t
        .replaceAll('{image}', names.image)
        .replaceAll('{repository}', names.repository)
        .replaceAll('{service}', names.service),
    );
  const check = (ref: string, input: string) => {
    const host = ref.split('/')[0];
    if (!ref.includes('/') || host !== registry) {
      throw new UserError(
        `input "${input}": the cache reference '${ref}' is not in ${registry}, the registry this step has credentials for`,
        input,
        `keep the cache in the service's ECR repository (default {image}:buildcache), or log in to that registry and build there`,
      );
    }
    return ref;
  };
  return {
    from: s.from.map((t) => check(fill(t), 'cache-from')),
    to: s.to ? check(fill(s.to), 'cache-to') : undefined,
    mode: s.mode,
  };
}

/** A reference with a tag (":buildcache" when none is given). */
export function withTag(ref: string): string {
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  return last.includes(':') ? ref : `${ref}:buildcache`;
}

/** The reference without its tag (buildah's cache takes a repository). */
export function repositoryOf(ref: string): string {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(0, colon) : ref;
}

/** Docker's per-stage cache references (mode max): "<repo>:<tag>-<stage>". */
export function stageRef(ref: string, stage: string): string {
  return `${ref}-${stage}`;
}

export interface CacheStats {
  /** Build instructions (RUN, COPY, ADD) answered from the cache. */
  hits: number;
  /** Instructions that ran. */
  misses: number;
  /** The instructions that ran, as the engine printed them (e.g. "RUN cd auth && npm ci"). */
  ran: string[];
  /** Named stages in which at least one instruction ran (BuildKit output only). */
  stagesRan?: string[];
}

/** Counts cached and executed instructions in BuildKit's plain progress or buildah's output. */
export function cacheStats(output: string): CacheStats {
  const steps = new Map<string, { text: string; stage: string; cached: boolean }>();
  // BuildKit: "#7 [build 3/9] RUN …", later "#7 CACHED".
  for (const m of output.matchAll(/^#(\d+) \[\s*(\S*?)\s*\d+\/\d+\] ((?:RUN|COPY|ADD)\b.*)$/gm))
    steps.set(m[1], { text: m[3], stage: m[2], cached: false });
  for (const m of output.matchAll(/^#(\d+) CACHED$/gm)) {
    const step = steps.get(m[1]);
    if (step) step.cached = true;
  }
  const ran = [...steps.values()].filter((st) => !st.cached).map((st) => st.text);
  const stagesRan = [
    ...new Set([...steps.values()].filter((st) => !st.cached && st.stage).map((st) => st.stage)),
  ];
  let hits = steps.size - ran.length;
  let misses = ran.length;
  // buildah: "STEP 3/9: RUN …", followed by "--> Using cache <id>" when the layer was reused.
  const lines = output.split('\n');
  lines.forEach((l, i) => {
    const step = /^(?:\[\S+\] )?STEP \d+\/\d+: ((?:RUN|COPY|ADD)\b.*)$/.exec(l);
    if (!step) return;
    const next = lines
      .slice(i + 1)
      .map((n) => n.replace(/^\[\S+\] /, ''))
      .find((n) => /^(STEP \d|--> Using cache|COMMIT|--> [0-9a-f])/.test(n));
    if (next?.startsWith('--> Using cache')) hits++;
    else {
      misses++;
      ran.push(step[1]);
    }
  });
  return { hits, misses, ran, ...(steps.size > 0 ? { stagesRan } : {}) };
}
