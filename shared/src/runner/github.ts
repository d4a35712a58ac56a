// GitHub Actions adapter over @actions/core: inputs from INPUT_*, outputs to $GITHUB_OUTPUT,
// ::add-mask:: so the runner hides secrets too, ::group::, annotations, and the job summary.
import * as core from '@actions/core';
import { type Annotation, Masker, type Runner } from './types.js';
import { neutralise } from './untrusted.js';

export class GitHubRunner implements Runner {
  readonly kind = 'github';
  private readonly masker = new Masker();
  private lastProgress = '';

  /** Masked, then defused: a line from a container must not become a workflow command. */
  private clean(text: string): string {
    return neutralise(this.masker.apply(text));
  }
  input(name: string): string | undefined {
    const v = core.getInput(name);
    return v === '' ? undefined : v;
  }
  mask(secret: string): void {
    this.masker.add(secret);
    core.setSecret(secret);
  }
  info(message: string): void {
    core.info(this.clean(message));
  }
  debug(message: string): void {
    core.debug(this.clean(message));
  }
  warning(message: string, where?: Annotation): void {
    core.warning(this.clean(message), toProps(where));
  }
  error(message: string, where?: Annotation): void {
    core.error(this.clean(message), toProps(where));
  }
  group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    return core.group(this.clean(title), fn);
  }
  progress(line: string): void {
    if (line === this.lastProgress) return;
    this.lastProgress = line;
    core.info(this.clean(line));
  }
  setOutput(name: string, value: string): void {
    core.setOutput(name, value);
  }
  async summary(markdown: string): Promise<void> {
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    await core.summary.addRaw(this.masker.apply(markdown), true).write();
  }
}

function toProps(where?: Annotation): core.AnnotationProperties | undefined {
  if (!where) return undefined;
  return { file: where.file, startLine: where.line, title: where.title };
}
