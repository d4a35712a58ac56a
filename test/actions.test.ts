// The GitHub actions' metadata: each actions/<step>/ is what the step generates (action.yml, README tables,
// entry, GitLab template: no drift), and each action.yml obeys GitHub's action metadata rules, node24 included.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { z } from 'zod';
import { DOOR_STEPS, generatedFiles, ROOT, staleFiles } from '../scripts/gen-actions.js';
import { STEPS } from '../shared/src/steps/index.js';

// GitHub's metadata syntax for a JavaScript action (docs: "Metadata syntax for GitHub Actions").
const ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const FEATHER_ICONS = [
  'list',
  'package',
  'check-circle',
  'upload-cloud',
  'file-text',
  'send',
  'rotate-ccw',
  'play',
  'shield',
  'git-pull-request',
  'box',
];
const COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];
const actionMetadata = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1),
  author: z.string().optional(),
  branding: z.strictObject({ icon: z.enum(FEATHER_ICONS), color: z.enum(COLORS) }).optional(),
  inputs: z
    .record(
      z.string().regex(ID),
      z.strictObject({
        description: z.string().min(1),
        required: z.boolean().optional(),
        default: z.string().optional(),
        deprecationMessage: z.string().optional(),
      }),
    )
    .optional(),
  outputs: z.record(z.string().regex(ID), z.strictObject({ description: z.string().min(1) })).optional(),
  runs: z.strictObject({
    using: z.enum(['node20', 'node24']),
    main: z.string().min(1),
    pre: z.string().optional(),
    post: z.string().optional(),
    'pre-if': z.string().optional(),
    'post-if': z.string().optional(),
  }),
});

const doorSteps = STEPS.filter((s) => DOOR_STEPS.includes(s.name));
const actionDirs = existsSync(join(ROOT, 'actions'))
  ? readdirSync(join(ROOT, 'actions')).filter((d) => existsSync(join(ROOT, 'actions', d, 'action.yml')))
  : [];
// Until a step is registered there is no action to check; the table tests then show as skipped.
const eachAction = actionDirs.length ? test.each(actionDirs) : test.skip.each(['(no action yet)']);
const readAction = (dir: string) => parse(readFileSync(join(ROOT, 'actions', dir, 'action.yml'), 'utf8'));

describe('action metadata rules', () => {
  test('the schema accepts node24 and rejects the mistakes it is there to catch', () => {
    const good = {
      name: 'x',
      description: 'd',
      inputs: { 'role-to-assume': { description: 'r', required: false } },
      runs: { using: 'node24', main: 'dist/index.js' },
    };
    expect(actionMetadata.safeParse(good).success).toBe(true);
    const issues = (doc: unknown) => actionMetadata.safeParse(doc).error?.issues.map((i) => i.path.join('.'));
    expect(issues({ ...good, inputs: { who: { descripton: 'typo' } } })).toEqual(
      expect.arrayContaining(['inputs.who.description', 'inputs.who']),
    );
    expect(issues({ ...good, inputs: { who: { description: 'd', required: 'yes' } } })).toEqual([
      'inputs.who.required',
    ]);
    expect(issues({ ...good, runs: { using: 'node18', main: 'x.js' } })).toEqual(['runs.using']);
    expect(issues({ ...good, runs: { using: 'node24', mian: 'x.js' } })).toEqual(['runs.main', 'runs']);
  });

  eachAction('actions/%s/action.yml follows the metadata rules and points at its bundle', (dir) => {
    const doc = readAction(dir);
    const result = actionMetadata.safeParse(doc);
    expect(result.error?.issues ?? []).toEqual([]);
    expect(doc.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(existsSync(join(ROOT, 'actions', dir, 'dist/index.js'))).toBe(true);
    // A required input with a default is contradictory in GitHub's model.
    for (const [name, input] of Object.entries<{ required?: boolean; default?: string }>(doc.inputs ?? {})) {
      if (input.required) expect([name, input.default]).toEqual([name, undefined]);
    }
  });
});

describe('generated doors', () => {
  test('every action folder belongs to a registered step (no orphans)', () => {
    expect(actionDirs.filter((d) => !doorSteps.some((s) => s.name === d))).toEqual([]);
  });

  test('every committed generated file equals what the steps generate (run npx tsx scripts/gen-actions.ts)', async () => {
    const files = await generatedFiles();
    // Per step: action.yml, README.md, src/index.ts, the GitLab template and its component; plus the pipeline twice.
    expect(files.filter((f) => !f.path.startsWith('docs/')).length).toBe(doorSteps.length * 5 + 2);
    expect(staleFiles(files)).toEqual([]);
  });

  eachAction('actions/%s: inputs and outputs in action.yml match the step and the README tables', (dir) => {
    const step = doorSteps.find((s) => s.name === dir)!;
    const doc = readAction(dir);
    expect(Object.keys(doc.inputs ?? {})).toEqual(step.inputs.map((i) => i.name));
    expect(Object.keys(doc.outputs ?? {})).toEqual(step.outputs.map((o) => o.name));

    const readme = readFileSync(join(ROOT, 'actions', dir, 'README.md'), 'utf8');
    const rows = (header: string) =>
      readme
        .split(`## ${header}`)[1]
        .split('\n## ')[0]
        .split('\n')
        .filter((l) => l.startsWith('| `'))
        .map((l) =>
          l
            .split('|')
            .slice(1, -1)
            .map((c) => c.trim().replace(/^`|`$/g, '')),
        );
    expect(rows('Inputs').map(([name, , required, def]) => ({ name, required, def }))).toEqual(
      Object.entries<{ required: boolean; default?: string }>(doc.inputs ?? {}).map(([name, i]) => ({
        name,
        required: i.required ? 'yes' : 'no',
        def: i.default ?? '',
      })),
    );
    expect(rows('Outputs').map(([name]) => name)).toEqual(Object.keys(doc.outputs ?? {}));
  });
});
