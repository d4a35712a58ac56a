// Turns a Step into a CLI command: each input becomes --<name>; a GitLab job may instead pass inputs
// as CENDENCE_<NAME> variables (what the templates do), which the runner port reads.
import { UserError } from '../errors.js';
import { invokeStep } from '../steps/invoke.js';
import type { Step } from '../steps/step.js';
import { parseStepFlags } from './args.js';
import type { Command, CommandContext } from './command.js';

export function stepCommand(step: Step): Command {
  const flags = step.inputs.map((i) => ({ name: i.name, boolean: i.kind === 'boolean' }));
  return {
    name: step.name,
    summary: step.summary,
    help: stepHelp(step),
    async run(argv: string[], ctx: CommandContext) {
      const { values, positionals } = parseStepFlags(step.name, argv, flags);
      if (positionals.length > 0) {
        throw new UserError(
          `unexpected argument "${positionals[0]}"`,
          step.name,
          `see "cendence ${step.name} --help"`,
        );
      }
      const read = (name: string) => values[name] ?? ctx.runner.input(name) ?? undefined;
      const stepCtx = { runner: ctx.runner, signal: ctx.signal, env: ctx.env, cwd: ctx.cwd };
      return (await invokeStep(step, read, stepCtx)).result;
    },
  };
}

export function stepHelp(step: Step): string {
  const rows = step.inputs.map((i) => {
    const flag =
      i.kind === 'boolean'
        ? `--${i.name}, --${i.name}=false, --no-${i.name}`
        : `--${i.name} <${i.options ? i.options.join('|') : i.kind === 'list' ? 'a,b | JSON list' : i.kind === 'seconds' ? 'seconds' : 'value'}>`;
    const extra = [i.required ? 'required' : '', i.default !== undefined ? `default: ${i.default}` : '']
      .filter(Boolean)
      .join(', ');
    return `  ${flag}\n      ${i.description}${extra ? ` (${extra})` : ''}`;
  });
  const outs = step.outputs.map((o) => `  ${o.name}: ${o.description}`);
  return [
    `cendence ${step.name} — ${step.summary}`,
    '',
    `Usage: cendence ${step.name} [options]`,
    '',
    'Options:',
    ...rows,
    '',
    'Outputs (with --json, and as CI outputs):',
    ...outs,
  ].join('\n');
}
