// The runner port: everything a step needs from the CI system it runs in, and nothing else.
// The core depends only on this interface; adapters (github.ts, gitlab.ts, terminal.ts) implement it.

export type Outputs = Record<string, string>;

export interface Annotation {
  file?: string;
  line?: number;
  title?: string;
}

export interface Runner {
  /** Which adapter this is; lets the core word hints for the place it runs in. */
  readonly kind: 'github' | 'gitlab' | 'terminal';
  /** A named input (GitHub `with:`, GitLab/CLI option). Undefined when absent or empty. */
  input(name: string): string | undefined;
  /** Registers a value that must never be printed; later output shows *** in its place. */
  mask(secret: string): void;
  info(message: string): void;
  debug(message: string): void;
  warning(message: string, where?: Annotation): void;
  /** An error annotation (the step decides the exit code, not this call). */
  error(message: string, where?: Annotation): void;
  /** A collapsible section of log lines. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  /** A live status line (overwritten on a TTY, printed when changed elsewhere). */
  progress(line: string): void;
  setOutput(name: string, value: string): void;
  /** Told which step runs, before it runs (GitLab prefixes its dotenv names with it). */
  forStep?(name: string): void;
  /** Appends markdown to the job summary (GitHub step summary, GitLab artifact, a file for the CLI). */
  summary(markdown: string): Promise<void>;
}

/** Removes every masked value from a text; shared by all adapters so masking is identical everywhere. */
export class Masker {
  private readonly secrets = new Set<string>();

  add(secret: string): void {
    // Very short values would mask ordinary words; AWS secrets and tokens are long.
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  apply(text: string): string {
    let out = text;
    // Longest first so a secret containing another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
    return out;
  }
}
