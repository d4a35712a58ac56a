// Terminal adapter: readable output for people. On a TTY the progress line is redrawn in place;
// in a pipe (CI logs, files) each changed progress line is printed once, so logs stay readable.
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFile } from 'node:fs/promises';
import { type Annotation, Masker, type Runner } from './types.js';
import { neutralise } from './untrusted.js';

export interface TerminalOptions {
  /** Where log lines go: stderr when --json keeps stdout for the result. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  inputs?: Record<string, string | undefined>;
  debug?: boolean;
  /** File the markdown summary is appended to (the CLI's --summary). */
  summaryFile?: string;
  outputs?: Record<string, string>;
}

export class TerminalRunner implements Runner {
  readonly kind = 'terminal';
  private readonly masker = new Masker();
  private readonly out: NonNullable<TerminalOptions['stream']>;
  private readonly tty: boolean;
  private lastProgress = '';
  private progressShown = false;
  // Depth per async flow: services deployed in parallel each indent their own groups correctly.
  private readonly depth = new AsyncLocalStorage<number>();
  readonly outputs: Record<string, string>;

  constructor(private readonly opts: TerminalOptions = {}) {
    this.out = opts.stream ?? process.stdout;
    this.tty = Boolean(this.out.isTTY);
    this.outputs = opts.outputs ?? {};
  }

  input(name: string): string | undefined {
    const v = this.opts.inputs?.[name];
    return v === undefined || v === '' ? undefined : v;
  }
  mask(secret: string): void {
    this.masker.add(secret);
  }
  private write(line: string): void {
    this.clearProgress();
    const indent = '  '.repeat(this.depth.getStore() ?? 0);
    this.out.write(`${indent}${neutralise(this.masker.apply(line)).split('\n').join(`\n${indent}`)}\n`);
  }
  private clearProgress(): void {
    if (this.tty && this.progressShown) {
      this.out.write('\r\x1b[2K');
      this.progressShown = false;
    }
  }
  info(message: string): void {
    this.write(message);
  }
  debug(message: string): void {
    if (this.opts.debug) this.write(`debug: ${message}`);
  }
  warning(message: string, where?: Annotation): void {
    this.write(`warning: ${location(where)}${message}`);
  }
  error(message: string, where?: Annotation): void {
    this.write(`error: ${location(where)}${message}`);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.write(`▸ ${title}`);
    return this.depth.run((this.depth.getStore() ?? 0) + 1, fn);
  }
  progress(line: string): void {
    const text = neutralise(this.masker.apply(line));
    if (text === this.lastProgress) return;
    this.lastProgress = text;
    if (this.tty) {
      const width = (this.out.columns ?? 100) - 1;
      this.out.write(`\r\x1b[2K${'  '.repeat(this.depth.getStore() ?? 0)}${text.slice(0, width)}`);
      this.progressShown = true;
    } else {
      this.write(text);
    }
  }
  setOutput(name: string, value: string): void {
    this.outputs[name] = value;
    this.debug(`output ${name}=${value}`);
  }
  async summary(markdown: string): Promise<void> {
    if (this.opts.summaryFile) await appendFile(this.opts.summaryFile, `${this.masker.apply(markdown)}\n`);
  }
}

function location(where?: Annotation): string {
  if (!where?.file) return '';
  return `${where.file}${where.line ? `:${where.line}` : ''}: `;
}
