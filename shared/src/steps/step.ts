// A step is the user-visible contract of one CI verb (plan, build, test, push, render, deploy,
// rollback, run-task): its inputs, outputs, how raw inputs become typed settings, and the core call.
// The three doors derive from it: the CLI's flags (--<input>), the action's action.yml inputs and
// outputs, and the GitLab templates' spec:inputs. One definition, so they cannot drift apart.
import { UserError } from '../errors.js';
import type { Runner } from '../runner/types.js';
import { parseList } from './list-input.js';

/** 'seconds': a positive number of seconds (timeouts). 'list': comma, newline or JSON list. */
export type InputKind = 'string' | 'boolean' | 'number' | 'seconds' | 'list' | 'choice';

export interface InputSpec {
  name: string;
  description: string;
  kind?: InputKind;
  required?: boolean;
  /** Default as the user would type it; documented in action.yml and --help. */
  default?: string;
  /** Allowed values for kind 'choice'. */
  options?: string[];
}

export interface OutputSpec {
  name: string;
  description: string;
}

export interface StepContext {
  runner: Runner;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Reads one raw input; undefined when not given. */
export type ReadInput = (name: string) => string | undefined;

export interface Step<S = unknown, R = unknown> {
  name: string;
  summary: string;
  inputs: InputSpec[];
  outputs: OutputSpec[];
  /** Raw string inputs → typed settings. Throws UserError naming the input; makes no AWS call. */
  settings(read: ReadInput, ctx: StepContext): S | Promise<S>;
  /** The core call. */
  run(settings: S, ctx: StepContext): Promise<R>;
  /** Values for the declared outputs. */
  outputValues(result: R): Record<string, string>;
}

/** Helpers for settings(): typed reads that name the input on error. */
export class Inputs {
  constructor(
    private readonly read: ReadInput,
    private readonly specs: InputSpec[],
  ) {}

  private spec(name: string): InputSpec {
    const s = this.specs.find((i) => i.name === name);
    if (!s) throw new Error(`input "${name}" is not declared by this step`);
    return s;
  }

  string(name: string): string | undefined {
    return this.read(name) ?? this.spec(name).default;
  }

  /** An input whose spec has a default: the value given, else that default (written once, in the spec). */
  withDefault(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw new Error(`input "${name}" has no default in its spec`);
    return v;
  }

  required(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === '')
      throw new UserError(`input "${name}" is required`, name, this.spec(name).description);
    return v;
  }

  boolean(name: string): boolean {
    const v = this.string(name);
    if (v === undefined) return false;
    if (/^(true|yes|1|on)$/i.test(v)) return true;
    if (/^(false|no|0|off)$/i.test(v)) return false;
    throw new UserError(`input "${name}" must be true or false, got "${v}"`, name);
  }

  number(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new UserError(`input "${name}" must be a number, got "${v}"`, name);
    return n;
  }

  /** A positive number of seconds, or undefined when neither given nor defaulted. */
  seconds(name: string): number | undefined {
    const n = this.number(name);
    if (n !== undefined && !(n > 0))
      throw new UserError(`input "${name}" must be a positive number of seconds, got ${n}`, name, 'e.g. 600');
    return n;
  }

  /** Comma-separated, one per line, or a JSON list: the same at every door (list-input.ts). */
  list(name: string): string[] {
    return parseList(this.string(name), name);
  }

  choice<T extends string>(name: string): T | undefined {
    const v = this.string(name);
    const options = this.spec(name).options ?? [];
    if (v !== undefined && !options.includes(v)) {
      throw new UserError(`input "${name}" must be one of ${options.join(', ')}, got "${v}"`, name);
    }
    return v as T | undefined;
  }
}

/** Where the service manifests are: every step that reads services/<name>/service.yml takes it. */
export const ROOT_INPUT: InputSpec = {
  name: 'root',
  description: 'Repository root holding services/<name>/service.yml.',
  default: '.',
};

/** What test and push read from the build step: its builds record, optionally narrowed to some services. */
export const BUILDS_INPUTS: InputSpec[] = [
  {
    name: 'builds',
    required: true,
    description: "The build step's builds output (JSON), or the path of its builds-file.",
  },
  {
    name: 'services',
    kind: 'list',
    description: 'Only these services (names or a JSON list). Default: every service in builds.',
  },
];

/** Inputs every AWS-calling step takes. */
export const AWS_INPUTS: InputSpec[] = [
  { name: 'region', description: 'AWS region; defaults to AWS_REGION.' },
  {
    name: 'endpoint',
    description:
      'Endpoint override for every AWS service (the local emulator); defaults to AWS_ENDPOINT_URL.',
  },
  {
    name: 'role-to-assume',
    description: 'IAM role ARN to assume with the CI OIDC token (GitHub id-token, GitLab id_tokens).',
  },
  {
    name: 'audience',
    description: 'Audience (aud) of the OIDC token exchanged for role-to-assume.',
    default: 'sts.amazonaws.com',
  },
  {
    name: 'role-duration-seconds',
    kind: 'number',
    description:
      "Session length of the assumed role (900 to the role's maximum); renewed before it ends during long waits.",
    default: '3600',
  },
  {
    name: 'role-session-name',
    description:
      'Session name of the assumed role, as CloudTrail shows it. Default: cendence-<CI run or job id>.',
  },
];
