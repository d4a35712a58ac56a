// What a CLI command is. Each step's command lives in commands/<step>.ts and is listed in commands/index.ts.
// A command parses its own flags (node:util parseArgs), builds the step's typed options, calls one core
// function and returns a JSON-serialisable result (printed with --json).
import type { Runner } from '../runner/types.js';

export interface CommandContext {
  runner: Runner;
  /** --json was given: print the result as JSON on stdout, human output goes to stderr. */
  json: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM; long-running steps stop waiting and apply their cancel policy. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** One line for `cendence --help`. */
  summary: string;
  /** Full help: usage line, options with defaults, examples. */
  help: string;
  run(argv: string[], ctx: CommandContext): Promise<unknown>;
}
