// The whole body of a GitHub Action entry: read inputs, build settings, run the step, set outputs.
// Exit code follows the CLI contract (1 failed, 2 bad input) and the error becomes an annotation.
import { describeError, exitCodeOf } from '../errors.js';
import { invokeStep } from '../steps/invoke.js';
import type { Step } from '../steps/step.js';
import { onCancelSignals } from './cancel-signals.js';
import { GitHubRunner } from './github.js';

export async function runAction(step: Step): Promise<void> {
  const runner = new GitHubRunner();
  const cancel = onCancelSignals((line) => runner.warning(line));
  const ctx = { runner, signal: cancel.signal, env: process.env, cwd: process.cwd() };
  try {
    await invokeStep(step, (n) => runner.input(n), ctx);
  } catch (err) {
    runner.error(describeError(err));
    process.exitCode = exitCodeOf(err);
  } finally {
    cancel.dispose();
  }
}
