// Runs an external tool (docker, buildah) with an argv array — never a shell string — optionally feeding
// stdin (how passwords reach `docker login`), streaming output lines to a callback and capturing them.
import { spawn } from 'node:child_process';
import { abortError, currentCallScope } from '../aws/retry.js';

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, then closed. The way secrets are passed: never argv, never env. */
  stdin?: string;
  /** Called with each output line (stdout and stderr interleaved as they arrive). */
  onLine?: (line: string) => void;
  /** Kills the tool (SIGTERM) when it aborts. Default: the signal of the current call scope (a step's deadline). */
  signal?: AbortSignal;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr lines in arrival order, for showing a failure. */
  output: string;
}

/** Thrown when the program itself cannot be started (not installed). */
export class ToolMissing extends Error {
  constructor(readonly tool: string) {
    super(`${tool} is not installed or not on PATH`);
  }
}

export function exec(tool: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  // A step's deadline bounds its tools as it bounds its AWS calls: a push stuck on a registry that
  // never answers is killed with the step, not left holding the job.
  const signal = opts.signal ?? currentCallScope()?.signal;
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      signal,
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    const splitter = () => {
      let pending = '';
      return (chunk: Buffer, sink: (s: string) => void) => {
        const text = chunk.toString('utf8');
        sink(text);
        output += text;
        pending += text;
        const lines = pending.split(/\r?\n|\r/);
        pending = lines.pop() ?? '';
        for (const l of lines) if (l.trim()) opts.onLine?.(l);
      };
    };
    const onOut = splitter();
    const onErr = splitter();
    child.stdout.on('data', (c: Buffer) => onOut(c, (t) => (stdout += t)));
    child.stderr.on('data', (c: Buffer) => onErr(c, (t) => (stderr += t)));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (signal?.aborted) reject(abortError(signal));
      else reject(err.code === 'ENOENT' ? new ToolMissing(tool) : err);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, output }));
    child.stdin.on('error', () => {}); // the child may exit before reading stdin; its exit code tells.
    child.stdin.end(opts.stdin ?? '');
  });
}

/** The last lines of a tool's output, for an error message. */
export function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
