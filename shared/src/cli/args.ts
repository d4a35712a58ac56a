// Flag parsing shared by every command: node:util parseArgs, with unknown flags reported as bad input.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UserError } from '../errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Options every AWS-calling command accepts. */
export const AWS_OPTIONS = {
  region: { type: 'string' },
  endpoint: { type: 'string' },
} as const satisfies OptionSpec;

export function parseFlags<O extends OptionSpec>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const unknown = /^Unknown option '--([^']+)'/.exec((err as Error).message)?.[1];
    if (unknown) throw unknownOption(command, unknown, Object.keys(options));
    throw new UserError((err as Error).message, command, `run "cendence ${command} --help" for its options`);
  }
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The known name nearest to a mistyped one, when it is close enough to be the one meant. */
export function nearest(word: string, names: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const n of names) {
    const d = n.startsWith(word) || word.startsWith(n) ? 1 : distance(word, n);
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function unknownOption(command: string, flag: string, names: string[]): UserError {
  const guess = nearest(flag, names);
  return new UserError(
    `unknown option --${flag}${guess ? ` (did you mean --${guess}?)` : ''}`,
    command,
    `run "cendence ${command} --help" for its options`,
  );
}

/** Words a boolean flag takes as its value (Inputs.boolean accepts the same). */
const BOOLEAN_WORD = /^(true|false|yes|no|1|0|on|off)$/i;

export interface FlagSpec {
  name: string;
  boolean?: boolean;
}

/**
 * A step command's flags: --name value and --name=value; a boolean also as --name, --name=false,
 * --name false and --no-name. Unknown flags are refused with the nearest known one.
 */
export function parseStepFlags(
  command: string,
  argv: string[],
  flags: FlagSpec[],
): { values: Record<string, string>; positionals: string[] } {
  const values: Record<string, string> = {};
  const positionals: string[] = [];
  const names = flags.map((f) => f.name);
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '--') {
      positionals.push(...argv.slice(k + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    let spec = flags.find((f) => f.name === name);
    if (!spec && name.startsWith('no-') && value === undefined) {
      const negated = flags.find((f) => f.name === name.slice(3) && f.boolean);
      if (negated) [spec, name, value] = [negated, negated.name, 'false'];
    }
    if (!spec) throw unknownOption(command, name, names);
    if (value === undefined) {
      const next = argv[k + 1];
      if (spec.boolean) {
        value = next !== undefined && BOOLEAN_WORD.test(next) ? argv[++k] : 'true';
      } else {
        if (next === undefined || next.startsWith('--'))
          throw new UserError(`option --${name} needs a value`, command, `--${name} <value>`);
        value = argv[++k];
      }
    }
    values[name] = value;
  }
  return { values, positionals };
}

/** Parses a positive integer flag, naming the flag when it is not one. */
export function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UserError(`--${name} must be a whole number, got "${value}"`, `--${name}`);
  return n;
}
