// Runs a step from raw string inputs: settings (validation, no AWS call), the core call, output values.
// Every door ends here: the CLI, the GitHub action entry, the demo.
import type { ReadInput, Step, StepContext } from './step.js';

export interface Invocation<R> {
  result: R;
  outputs: Record<string, string>;
}

export async function invokeStep<S, R>(
  step: Step<S, R>,
  read: ReadInput,
  ctx: StepContext,
): Promise<Invocation<R>> {
  ctx.runner.forStep?.(step.name);
  const settings = await step.settings(read, ctx);
  const result = await step.run(settings, ctx);
  const outputs = step.outputValues(result);
  for (const [k, v] of Object.entries(outputs)) ctx.runner.setOutput(k, v);
  return { result, outputs };
}
