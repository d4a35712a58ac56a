// Keeps the inputs/outputs tables of docs/steps/<step>.md in sync with each Step's declared inputs and
// outputs (the same declarations the CLI flags, action.yml and GitLab spec:inputs derive from).
// A doc opts in with the markers <!-- step-inputs --> … <!-- /step-inputs --> and
// <!-- step-outputs --> … <!-- /step-outputs -->; text outside them is left alone.
//   npx tsx scripts/step-docs.ts          rewrite the tables
//   npx tsx scripts/step-docs.ts --check  exit 1 when a table is out of date (CI)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STEPS } from '../shared/src/steps/index.js';
import type { Step } from '../shared/src/steps/step.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ');

export function inputsTable(step: Step): string {
  const rows = step.inputs.map((i) => {
    const kind =
      i.kind === 'choice' && i.options
        ? i.options.map((o) => `\`${o}\``).join(' \\| ')
        : (i.kind ?? 'string');
    const dflt = i.required ? 'required' : i.default !== undefined ? `\`${i.default}\`` : '';
    return [`\`${i.name}\``, kind, dflt, cell(i.description)];
  });
  const kinds = new Set(step.inputs.map((i) => i.kind));
  const notes = [
    kinds.has('boolean')
      ? 'A boolean is `true` or `false`; on the CLI `--x`, `--x=false`, `--x false` and `--no-x` all work.'
      : '',
    kinds.has('list') ? 'A list is comma-separated, one item per line, or a JSON list (`["a","b"]`).' : '',
    kinds.has('seconds') ? 'Seconds are a positive number.' : '',
  ].filter(Boolean);
  return [
    table(['input', 'type', 'default', 'description'], rows),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
}

export function outputsTable(step: Step): string {
  return table(
    ['output', 'description'],
    step.outputs.map((o) => [`\`${o.name}\``, cell(o.description)]),
  );
}

/** A markdown table with padded columns, as `biome format` writes it, so lint and --check agree. */
function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, c) => Math.max(3, h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `| ${cells.map((x, c) => x.padEnd(widths[c])).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The doc with its marked tables regenerated; unchanged when it has no markers. */
export function updateDoc(text: string, step: Step): string {
  const put = (t: string, tag: string, table: string) =>
    t.replace(new RegExp(`(<!-- ${tag} -->)[\\s\\S]*?(<!-- /${tag} -->)`), `$1\n${table}\n$2`);
  return put(put(text, 'step-inputs', inputsTable(step)), 'step-outputs', outputsTable(step));
}

function main(): number {
  const check = process.argv.includes('--check');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const stale: string[] = [];
  for (const step of STEPS) {
    const file = path.join(root, 'docs', 'steps', `${step.name}.md`);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const next = updateDoc(text, step);
    if (next === text) continue;
    stale.push(path.relative(root, file));
    if (!check) writeFileSync(file, next);
  }
  if (check && stale.length > 0) {
    process.stderr.write(`out of date (run npx tsx scripts/step-docs.ts): ${stale.join(', ')}\n`);
    return 1;
  }
  if (!check) for (const f of stale) process.stdout.write(`updated ${f}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = main();
