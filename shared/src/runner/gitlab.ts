// GitLab adapter: collapsible sections with GitLab's section markers, outputs as a dotenv report
// (artifacts:reports:dotenv) so later jobs receive them as variables, and the summary as a markdown file
// kept as an artifact. GitLab masks only variables declared masked, so we mask in-process before printing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { type Annotation, Masker, type Runner } from './types.js';
import { neutralise } from './untrusted.js';

export interface GitLabOptions {
  env?: NodeJS.ProcessEnv;
  stream?: NodeJS.WritableStream;
  /** dotenv report file (default cendence.env). */
  dotenvFile?: string;
  /** markdown summary artifact (default cendence-summary.md). */
  summaryFile?: string;
  /** Folder every output is also written to, one file each (default .cendence/outputs). */
  outputsDir?: string;
  cwd?: string;
  now?: () => number;
}

/** Longest value the dotenv report carries; longer ones are only in their output file. */
export const DOTENV_VALUE_MAX = 512;
/** GitLab refuses dotenv reports over 5 KB; stay well below. */
export const DOTENV_BUDGET = 4096;

export class GitLabRunner implements Runner {
  readonly kind = 'gitlab';
  private readonly masker = new Masker();
  private readonly out: NodeJS.WritableStream;
  private readonly env: NodeJS.ProcessEnv;
  private sections = 0;
  private lastProgress = '';
  readonly dotenvFile: string;
  readonly summaryFile: string;
  readonly outputsDir: string;
  private readonly cwd: string;
  private step = '';
  private readonly dotenv = new Map<string, string>();

  constructor(private readonly opts: GitLabOptions = {}) {
    this.env = opts.env ?? process.env;
    this.out = opts.stream ?? process.stdout;
    this.dotenvFile = opts.dotenvFile ?? this.env.CENDENCE_DOTENV ?? 'cendence.env';
    this.summaryFile = opts.summaryFile ?? this.env.CENDENCE_SUMMARY ?? 'cendence-summary.md';
    this.outputsDir = opts.outputsDir ?? path.join('.cendence', 'outputs');
    this.cwd = opts.cwd ?? process.cwd();
    // Several steps in one job (build, test, push) add to one report; the template clears it first.
    const existing = path.resolve(this.cwd, this.dotenvFile);
    if (existsSync(existing)) {
      for (const l of readFileSync(existing, 'utf8').split('\n')) {
        const eq = l.indexOf('=');
        if (eq > 0) this.dotenv.set(l.slice(0, eq), l.slice(eq + 1));
      }
    }
  }

  forStep(name: string): void {
    this.step = name;
  }

  /** The dotenv name of an output: CENDENCE_<STEP>_<NAME>, so project variables named SERVICES or IMAGES cannot shadow it. */
  dotenvName(name: string): string {
    return ['CENDENCE', this.step, name]
      .filter(Boolean)
      .join('_')
      .toUpperCase()
      .replace(/[^A-Z0-9_]/g, '_');
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
    // A path this job wrote is given relative to the project folder: a later job checks out elsewhere.
    let v = value;
    if (path.isAbsolute(v) && !v.includes('\n')) {
      const rel = path.relative(this.cwd, v);
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) v = rel;
    }
    // Every output is also a file under .cendence/outputs (kept as an artifact): values that grow with
    // the number of services (images, builds, matrix) stay out of the dotenv report, which GitLab caps
    // at 5 KB; the report keeps the short ones and says where the long ones are.
    const file = path.join(this.outputsDir, `${this.step ? `${this.step}-` : ''}${name}`);
    mkdirSync(path.join(this.cwd, this.outputsDir), { recursive: true });
    writeFileSync(path.join(this.cwd, file), v);
    const key = this.dotenvName(name);
    // dotenv reports take KEY=VALUE lines; multi-line values are not allowed there.
    const line = v.replace(/\n/g, ' ');
    this.dotenv.delete(key);
    this.dotenv.delete(`${key}_FILE`);
    const size = [...this.dotenv].reduce((n, [k, x]) => n + k.length + x.length + 2, 0);
    if (line.length <= DOTENV_VALUE_MAX && size + key.length + line.length + 2 <= DOTENV_BUDGET) {
      this.dotenv.set(key, line);
    } else {
      this.dotenv.set(`${key}_FILE`, file);
    }
    writeFileSync(
      path.resolve(this.cwd, this.dotenvFile),
      [...this.dotenv].map(([k, x]) => `${k}=${x}\n`).join(''),
    );
  }
  async summary(markdown: string): Promise<void> {
    await appendFile(this.summaryFile, `${this.masker.apply(markdown)}\n`);
  }
}
