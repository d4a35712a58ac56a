// Generates the inputs and outputs tables of terraform/README.md (between the BEGIN_TF_DOCS/END_TF_DOCS
// markers) from the variable and output blocks, parsed with HashiCorp's HCL parser, so the README cannot
// drift from the code. `npx tsx scripts/terraform-docs.ts` rewrites the README; `--check` exits 1 when stale.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from '@cdktf/hcl2json';

export const TERRAFORM_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'terraform');
const BEGIN = '<!-- BEGIN_TF_DOCS -->';
const END = '<!-- END_TF_DOCS -->';

interface Declared {
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: hcl2json returns untyped JSON
  body: any;
}

async function declarations(dir: string): Promise<{ variables: Declared[]; outputs: Declared[] }> {
  const variables: Declared[] = [];
  const outputs: Declared[] = [];
  const files = readdirSync(dir).filter((f) => f.endsWith('.tf'));
  for (const file of files.sort()) {
    const json = await parse(file, readFileSync(join(dir, file), 'utf8'));
    for (const [name, blocks] of Object.entries(json.variable ?? {}))
      variables.push({ name, body: (blocks as unknown[])[0] });
    for (const [name, blocks] of Object.entries(json.output ?? {}))
      outputs.push({ name, body: (blocks as unknown[])[0] });
  }
  const byName = (a: Declared, b: Declared) => a.name.localeCompare(b.name);
  return { variables: variables.sort(byName), outputs: outputs.sort(byName) };
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const cell = (text: string) =>
  oneLine(text).replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

function typeText(type: string): string {
  const expr = oneLine(type.replace(/^\$\{([\s\S]*)\}$/, '$1'));
  // Long object types are summarised; variables.tf has the attributes.
  if (expr.length <= 60 || !expr.includes('{')) return expr;
  const prefix = expr.slice(0, expr.indexOf('{') + 1);
  return `${prefix}…}${')'.repeat((prefix.match(/\(/g) ?? []).length)}`;
}

function defaultText(body: Declared['body']): string {
  if (!('default' in body)) return 'n/a';
  const text = JSON.stringify(body.default);
  return text.length <= 60 ? code(text) : 'see variables.tf';
}

/** The markdown between the markers. */
export async function renderTables(dir = TERRAFORM_DIR): Promise<string> {
  const { variables, outputs } = await declarations(dir);
  const inputs = variables.map(
    ({ name, body }) =>
      `| ${code(name)} | ${cell(body.description ?? '')} | ${code(typeText(body.type ?? 'any'))} | ${defaultText(body)} | ${'default' in body ? 'no' : 'yes'} |`,
  );
  const outs = outputs.map(({ name, body }) => `| ${code(name)} | ${cell(body.description ?? '')} |`);
  return [
    '## Inputs',
    '',
    '| Name | Description | Type | Default | Required |',
    '|------|-------------|------|---------|:--------:|',
    ...inputs,
    '',
    '## Outputs',
    '',
    '| Name | Description |',
    '|------|-------------|',
    ...outs,
  ].join('\n');
}

/** The README with its tables replaced by freshly rendered ones. */
export async function renderReadme(readme: string, dir = TERRAFORM_DIR): Promise<string> {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`terraform/README.md needs the ${BEGIN} and ${END} markers`);
  return `${readme.slice(0, begin + BEGIN.length)}\n${await renderTables(dir)}\n${readme.slice(end)}`;
}

async function main(argv: string[]): Promise<number> {
  const path = join(TERRAFORM_DIR, 'README.md');
  const current = readFileSync(path, 'utf8');
  const expected = await renderReadme(current);
  if (argv.includes('--check')) {
    if (current === expected) return 0;
    console.error(`${path} is stale: run npx tsx scripts/terraform-docs.ts`);
    return 1;
  }
  writeFileSync(path, expected);
  console.log(`wrote ${path}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
