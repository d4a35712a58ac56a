// The plan step's outputs feed every later step unchanged: its `services` output (a JSON list) selects
// the same services in each step that takes a `services` input, at the settings stage every door shares.
// (rollback once read it as a comma list and got ['["api"', '"web"]'].)
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rollingService } from '../harness/deploy-world.js';
import { makeRepo, removeRepos, runStep } from '../harness/render-world.js';
import { TerminalRunner } from '../shared/src/runner/terminal.js';
import { STEPS } from '../shared/src/steps/index.js';
import { planStep } from '../shared/src/steps/plan.js';

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const build = (name: string) => ({
  image: `${ECR}/${name}`,
  repository: name,
  contentTag: 'c-0123456789abcdef',
  gitTag: 'g-abc',
  status: 'built',
});

const ctx = (cwd: string) => ({
  runner: new TerminalRunner({ stream: new PassThrough() }),
  signal: new AbortController().signal,
  env: {},
  cwd,
});

/** The service names a step's settings selected, read from each step's own settings shape. */
function selected(step: string, s: Record<string, unknown>): string[] {
  const names = (list: unknown) => (list as { name: string }[]).map((x) => x.name);
  switch (step) {
    case 'plan':
      return s.services as string[];
    case 'push':
      return Object.keys(s.builds as object);
    case 'deploy':
      return names(s.targets);
    case 'rollback':
      return names(s.requests);
    default:
      return names(s.manifests);
  }
}

describe("every step takes the plan step's services output as it is", () => {
  let repo: string;
  let services: string;

  beforeAll(async () => {
    repo = await makeRepo([rollingService('api'), rollingService('web')]);
    const plan = await runStep(planStep, { all: 'true' }, { cwd: repo });
    expect(plan.exitCode).toBe(0);
    services = plan.outputs.services;
  });
  afterAll(removeRepos);

  it('plan prints a JSON list', () => {
    expect(JSON.parse(services)).toEqual(['api', 'web']);
  });

  const withServices = STEPS.filter((s) => s.inputs.some((i) => i.name === 'services'));

  it('declares every services input as a list', () => {
    expect(withServices.map((s) => s.name).length).toBeGreaterThanOrEqual(9);
    for (const s of withServices)
      expect([s.name, s.inputs.find((i) => i.name === 'services')?.kind]).toEqual([s.name, 'list']);
  });

  it.each(withServices.map((s) => [s.name, s] as const))('%s selects api and web', async (name, step) => {
    const inputs: Record<string, string> = {
      services,
      root: repo,
      region: 'us-east-1',
      cluster: 'main',
      'git-sha': 'f'.repeat(40),
      builds: JSON.stringify({ api: build('api'), web: build('web') }),
      images: JSON.stringify({ api: `${ECR}/api@${DIGEST}`, web: `${ECR}/web@${DIGEST}` }),
    };
    const declared = new Set(step.inputs.map((i) => i.name));
    const settings = await step.settings((n: string) => (declared.has(n) ? inputs[n] : undefined), ctx(repo));
    expect([name, selected(name as string, settings as Record<string, unknown>)]).toEqual([
      name,
      ['api', 'web'],
    ]);
  });

  it('the same list written with commas or one per line selects the same', async () => {
    const rollback = STEPS.find((s) => s.name === 'rollback')!;
    for (const list of ['api, web', 'api\nweb', ' ["api", "web"] ']) {
      const read = (n: string) => ({ services: list, root: repo, region: 'us-east-1' })[n as 'root'];
      const s = await rollback.settings(read, ctx(repo));
      expect(selected('rollback', s as Record<string, unknown>)).toEqual(['api', 'web']);
    }
  });
});
