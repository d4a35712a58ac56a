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
    throw new UserError((err as Error).message, command, `run "cendence ${command} --help" for its options`);
  }
}

/** Parses a positive integer flag, naming the flag when it is not one. */
export function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UserError(`--${name} must be a whole number, got "${value}"`, `--${name}`);
  return n;
}
