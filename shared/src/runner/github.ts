// GitHub Actions adapter over @actions/core: inputs from INPUT_*, outputs to $GITHUB_OUTPUT,
// ::add-mask:: so the runner hides secrets too, ::group::, annotations, and the job summary.
import * as core from '@actions/core';
import { type Annotation, Masker, type Runner } from './types.js';

export class GitHubRunner implements Runner {
  readonly kind = 'github';
  private readonly masker = new Masker();
  private lastProgress = '';

  input(name: string): string | undefined {
    const v = core.getInput(name);
    return v === '' ? undefined : v;
  }
  mask(secret: string): void {
    this.masker.add(secret);
    core.setSecret(secret);
  }
  info(message: string): void {
    core.info(this.masker.apply(message));
  }
  debug(message: string): void {
    core.debug(this.masker.apply(message));
  }
  warning(message: string, where?: Annotation): void {
    core.warning(this.masker.apply(message), toProps(where));
  }
  error(message: string, where?: Annotation): void {
    core.error(this.masker.apply(message), toProps(where));
  }
  group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    return core.group(this.masker.apply(title), fn);
  }
  progress(line: string): void {
    if (line === this.lastProgress) return;
    this.lastProgress = line;
    core.info(this.masker.apply(line));
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
