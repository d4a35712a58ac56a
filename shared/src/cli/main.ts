#!/usr/bin/env node
// The cendence CLI: one binary, a command per step. Exit codes: 0 success, 1 step failed, 2 bad input.
import './quiet.js';
import { describeError, exitCodeOf } from '../errors.js';
import { onCancelSignals } from '../runner/cancel-signals.js';
import { pickRunner } from '../runner/pick.js';
import { VERSION } from '../version.js';
import { COMMANDS } from './commands/index.js';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    `cendence ${VERSION} — build, test, push and deploy containerized services to Amazon ECS`,
    '',
    'Usage: cendence <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    '  --json       print the result as JSON on stdout (logs go to stderr)',
    '  --help, -h   help for cendence or for a command',
    '  --version    print the version',
    '',
    'Exit codes: 0 success, 1 the step ran and failed, 2 bad input or configuration (nothing changed).',
  ].join('\n');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const json = argv.includes('--json');
  const rest = argv.filter((a) => a !== '--json');
  const [name, ...args] = rest;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`cendence: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${command.help.trim()}\n`);
    return 0;
  }
  const runner = pickRunner(env, { json });
  const cancel = onCancelSignals((line) => runner.warning(line));
  try {
    const result = await command.run(args, { runner, json, env, cwd: process.cwd(), signal: cancel.signal });
    if (json) process.stdout.write(`${JSON.stringify(result ?? null, null, 2)}\n`);
    return 0;
  } catch (err) {
    runner.error(describeError(err));
    if (json)
      process.stdout.write(`${JSON.stringify({ error: describeError(err), exitCode: exitCodeOf(err) })}\n`);
    return exitCodeOf(err);
  } finally {
    cancel.dispose();
  }
}

// Run when executed directly (the bundle, tsx), not when imported by tests.
const entry = process.argv[1] ?? '';
if (/(?:cli[\\/]dist[\\/]index\.js|cli[\\/]main\.ts|cendence)$/.test(entry)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
