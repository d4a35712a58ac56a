// runAction: the whole body of an action entry. Inputs through INPUT_*, settings validated before run,
// outputs to $GITHUB_OUTPUT, and the CLI's exit-code contract (2 bad input, 1 failed) with an annotation.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { StepFailed } from '../errors.js';
import { Inputs, type Step } from '../steps/step.js';
import { runAction } from './action.js';

// A small real step: greets a service, fails when asked to.
const greet: Step<{ service: string; times: number }, string[]> = {
  name: 'greet',
  summary: 'greets a service',
  inputs: [
    { name: 'service', description: 'service name', required: true },
    { name: 'times', description: 'how often', kind: 'number', default: '1' },
  ],
  outputs: [{ name: 'greetings', description: 'the greetings' }],
  settings(read) {
    const i = new Inputs(read, greet.inputs);
    return { service: i.required('service'), times: i.number('times') ?? 1 };
  },
  async run(s, ctx) {
    if (s.service === 'broken') throw new StepFailed('api did not become healthy');
    ctx.runner.info(`greeting ${s.service}`);
    return Array.from({ length: s.times }, () => `hello ${s.service}`);
  },
  outputValues: (r) => ({ greetings: r.join('\n') }),
};

describe('runAction', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cendence-action-'));
  const saved = { ...process.env };
  let stdout: string;
  let runs: number;

  beforeEach(() => {
    process.env = { ...saved, GITHUB_OUTPUT: join(dir, 'out') };
    writeFileSync(join(dir, 'out'), '');
    stdout = '';
    runs = 0;
    jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      stdout += String(c);
      return true;
    });
    const run = greet.run;
    jest.spyOn(greet, 'run').mockImplementation((s, ctx) => {
      runs++;
      return run(s, ctx);
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    process.exitCode = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('reads INPUT_*, runs the step and writes its outputs', async () => {
    process.env.INPUT_SERVICE = 'api';
    process.env.INPUT_TIMES = '2';
    await runAction(greet);
    expect(process.exitCode).toBeUndefined();
    expect(stdout).toContain('greeting api');
    expect(readFileSync(join(dir, 'out'), 'utf8')).toMatch(/greetings<<(\S+)\nhello api\nhello api\n\1\n/);
  });

  test('bad input: exit code 2, an error annotation naming the input, and the step never runs', async () => {
    process.env.INPUT_SERVICE = 'api';
    process.env.INPUT_TIMES = 'lots';
    await runAction(greet);
    expect(process.exitCode).toBe(2);
    expect(stdout).toContain('::error::times: input "times" must be a number, got "lots"');
    expect(runs).toBe(0);
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('');
  });

  test('a failed step: exit code 1 and the reason as an error annotation', async () => {
    process.env.INPUT_SERVICE = 'broken';
    await runAction(greet);
    expect(process.exitCode).toBe(1);
    expect(stdout).toContain('::error::api did not become healthy');
  });
});
