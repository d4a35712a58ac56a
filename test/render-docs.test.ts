// The inputs/outputs tables in docs/steps/{render,diff,verify,run-task}.md are generated from the steps'
// declarations (scripts/step-docs.ts); this fails when a step's inputs change and the doc was not updated.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { inputsTable, updateDoc } from '../scripts/step-docs.js';
import { STEPS } from '../shared/src/steps/index.js';

describe('step docs', () => {
  it.each(['render', 'diff', 'verify', 'run-task'])(
    "docs/steps/%s.md lists the step's current inputs and outputs",
    (name) => {
      const step = STEPS.find((s) => s.name === name)!;
      const text = readFileSync(path.join('docs', 'steps', `${name}.md`), 'utf8');
      expect(updateDoc(text, step)).toBe(text);
      for (const i of step.inputs) expect(inputsTable(step)).toContain(`| \`${i.name}\` `);
    },
  );
});
