// GitLab adapter: collapsible sections with GitLab's section markers, outputs as a dotenv report
// (artifacts:reports:dotenv) so later jobs receive them as variables, and the summary as a markdown file
// kept as an artifact. GitLab masks only variables declared masked, so we mask in-process before printing.
import { appendFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { type Annotation, Masker, type Runner } from './types.js';
import { neutralise } from './untrusted.js';

export interface GitLabOptions {
  env?: NodeJS.ProcessEnv;
  stream?: NodeJS.WritableStream;
  /** dotenv report file (default cendence.env). */
  dotenvFile?: string;
  /** markdown summary artifact (default cendence-summary.md). */
  summaryFile?: string;
  now?: () => number;
}

export class GitLabRunner implements Runner {
  readonly kind = 'gitlab';
  private readonly masker = new Masker();
  private readonly out: NodeJS.WritableStream;
  private readonly env: NodeJS.ProcessEnv;
  private sections = 0;
  private lastProgress = '';
  readonly dotenvFile: string;
  readonly summaryFile: string;

  constructor(private readonly opts: GitLabOptions = {}) {
    this.env = opts.env ?? process.env;
    this.out = opts.stream ?? process.stdout;
    this.dotenvFile = opts.dotenvFile ?? this.env.CENDENCE_DOTENV ?? 'cendence.env';
    this.summaryFile = opts.summaryFile ?? this.env.CENDENCE_SUMMARY ?? 'cendence-summary.md';
  }

  /** Inputs arrive as CENDENCE_<NAME> variables set by the templates' spec:inputs. */
  input(name: string): string | undefined {
    const v = this.env[`CENDENCE_${name.toUpperCase().replace(/-/g, '_')}`];
    return v === undefined || v === '' ? undefined : v;
  }
  mask(secret: string): void {
    this.masker.add(secret);
  }
  /** `prefix` is ours (colours); the message may carry outside text, so it is masked and defused. */
  private write(message: string, prefix = ''): void {
    this.out.write(`${prefix}${neutralise(this.masker.apply(message))}\n`);
  }
  info(message: string): void {
    this.write(message);
  }
  debug(message: string): void {
    if (this.env.CI_DEBUG_TRACE === 'true' || this.env.CENDENCE_DEBUG === 'true')
      this.write(`debug: ${message}`);
  }
  warning(message: string, where?: Annotation): void {
    this.write(`${where?.file ? `${where.file}: ` : ''}${message}`, '\x1b[33mWARNING:\x1b[0m ');
  }
  error(message: string, where?: Annotation): void {
    this.write(`${where?.file ? `${where.file}: ` : ''}${message}`, '\x1b[31mERROR:\x1b[0m ');
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    const id = `cendence_${++this.sections}`;
    const now = () => Math.floor((this.opts.now ?? Date.now)() / 1000);
    this.out.write(
      `\x1b[0Ksection_start:${now()}:${id}[collapsed=false]\r\x1b[0K${neutralise(this.masker.apply(title))}\n`,
    );
    try {
      return await fn();
    } finally {
      this.out.write(`\x1b[0Ksection_end:${now()}:${id}\r\x1b[0K\n`);
    }
  }
  progress(line: string): void {
    if (line === this.lastProgress) return;
    this.lastProgress = line;
    this.write(line);
  }
  setOutput(name: string, value: string): void {
    // dotenv reports take KEY=VALUE lines; multi-line values are not allowed there.
    const key = name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    appendFileSync(this.dotenvFile, `${key}=${value.replace(/\n/g, ' ')}\n`);
  }
  async summary(markdown: string): Promise<void> {
    await appendFile(this.summaryFile, `${this.masker.apply(markdown)}\n`);
  }
}
