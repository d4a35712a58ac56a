// Turns a Step into a CLI command: each input becomes --<name>; a GitLab job may instead pass inputs
// as CENDENCE_<NAME> variables (what the templates do), which the runner port reads.
import { UserError } from '../errors.js';
import { invokeStep } from '../steps/invoke.js';
import type { Step } from '../steps/step.js';
import { type OptionSpec, parseFlags } from './args.js';
import type { Command, CommandContext } from './command.js';

export function stepCommand(step: Step): Command {
  const options: OptionSpec = {};
  for (const i of step.inputs) {
    options[i.name] = i.kind === 'boolean' ? { type: 'string' } : { type: 'string' };
  }
  return {
    name: step.name,
    summary: step.summary,
    help: stepHelp(step),
    async run(argv: string[], ctx: CommandContext) {
      // Boolean flags may be given bare (--wait) or with a value (--wait=false).
      const normalised = argv.map((a) => {
        const name = a.startsWith('--') ? a.slice(2) : '';
        const spec = step.inputs.find((i) => i.name === name);
        return spec?.kind === 'boolean' ? `--${name}=true` : a;
      });
      const { values, positionals } = parseFlags(step.name, normalised, options);
      if (positionals.length > 0) {
        throw new UserError(
          `unexpected argument "${positionals[0]}"`,
          step.name,
          `see "cendence ${step.name} --help"`,
        );
      }
      const flags = values as Record<string, string | undefined>;
      const read = (name: string) => flags[name] ?? ctx.runner.input(name) ?? undefined;
      const stepCtx = { runner: ctx.runner, signal: ctx.signal, env: ctx.env, cwd: ctx.cwd };
      return (await invokeStep(step, read, stepCtx)).result;
    },
  };
}

export function stepHelp(step: Step): string {
  const rows = step.inputs.map((i) => {
    const flag =
      i.kind === 'boolean' ? `--${i.name}` : `--${i.name} <${i.options ? i.options.join('|') : 'value'}>`;
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
