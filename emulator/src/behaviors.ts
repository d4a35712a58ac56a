// How tasks of an image behave (POST /_cendence/behaviors). Images without a matching behaviour are
// healthy. The latest matching registration wins.

export const BEHAVIORS = ['healthy', 'crash', 'unhealthy', 'slow', 'exit', 'stall', 'pull-error'] as const;
export type BehaviorKind = (typeof BEHAVIORS)[number];

export interface BehaviorSpec {
  /** "repo:tag", "repo@sha256:…", a full image URI, a bare digest, or a glob with * and ?. */
  image: string;
  behavior: BehaviorKind;
  /** Seconds from PENDING to RUNNING (image pull and start). Default 5, or 120 for "slow". */
  startSeconds?: number;
  /** crash/exit: seconds the container runs before exiting. Default 3 (crash) or 5 (exit). */
  runSeconds?: number;
  /** crash/exit: the essential container's exit code. Default 1 (crash) or 0 (exit). */
  exitCode?: number;
  /** Lines the container writes to its awslogs stream once it runs. */
  logLines?: string[];
}

/** A behaviour with every default filled in. */
export interface Behavior extends Required<Omit<BehaviorSpec, 'image'>> {
  image: string;
}

export function resolveDefaults(spec: BehaviorSpec): Behavior {
  const b = spec.behavior;
  return {
    image: spec.image,
    behavior: b,
    startSeconds: spec.startSeconds ?? (b === 'slow' ? 120 : 5),
    runSeconds: spec.runSeconds ?? (b === 'exit' ? 5 : 3),
    exitCode: spec.exitCode ?? (b === 'exit' ? 0 : 1),
    logLines: spec.logLines ?? [],
  };
}

const HEALTHY = (image: string): Behavior => resolveDefaults({ image, behavior: 'healthy' });

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** The image without its registry host: "1234.dkr.ecr.r.amazonaws.com/web:v1" → "web:v1". */
export function withoutRegistry(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return image;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? image.slice(slash + 1) : image;
}

export function imageMatches(pattern: string, image: string): boolean {
  const short = withoutRegistry(image);
  if (pattern === image || pattern === short) return true;
  if (pattern.startsWith('sha256:') && image.endsWith(`@${pattern}`)) return true;
  if (pattern.includes('*') || pattern.includes('?')) {
    const re = globToRegExp(pattern);
    return re.test(image) || re.test(short);
  }
  // "web" matches "web:latest" and any tag or digest of web.
  return (
    short === `${pattern}:latest` ||
    short.startsWith(`${pattern}@`) ||
    (!pattern.includes(':') && short.startsWith(`${pattern}:`))
  );
}

export class BehaviorBook {
  private entries: Behavior[] = [];

  add(spec: BehaviorSpec): Behavior {
    if (typeof spec.image !== 'string' || spec.image === '') throw new Error('"image" is required');
    if (!BEHAVIORS.includes(spec.behavior))
      throw new Error(`"behavior" must be one of ${BEHAVIORS.join(', ')}`);
    for (const k of ['startSeconds', 'runSeconds', 'exitCode'] as const) {
      const v = spec[k];
      if (v !== undefined && !(typeof v === 'number' && v >= 0))
        throw new Error(`"${k}" must be a number >= 0`);
    }
    if (spec.logLines !== undefined && !Array.isArray(spec.logLines))
      throw new Error('"logLines" must be a list');
    const b = resolveDefaults(spec);
    this.entries.push(b);
    return b;
  }

  for(image: string): Behavior {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (imageMatches(this.entries[i].image, image)) return this.entries[i];
    }
    return HEALTHY(image);
  }

  list(): Behavior[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
