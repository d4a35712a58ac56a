// The whole body of a GitHub Action entry: read inputs, build settings, run the step, set outputs.
// Exit code follows the CLI contract (1 failed, 2 bad input) and the error becomes an annotation.
import { describeError, exitCodeOf } from '../errors.js';
import { invokeStep } from '../steps/invoke.js';
import type { Step } from '../steps/step.js';
import { GitHubRunner } from './github.js';

export async function runAction(step: Step): Promise<void> {
  const runner = new GitHubRunner();
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('cancelled'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const ctx = { runner, signal: abort.signal, env: process.env, cwd: process.cwd() };
  try {
    await invokeStep(step, (n) => runner.input(n), ctx);
  } catch (err) {
    runner.error(describeError(err));
    process.exitCode = exitCodeOf(err);
  }
}
