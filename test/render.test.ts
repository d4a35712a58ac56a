// render through the step, as the CLI and the actions run it: several services from one images map,
// files written for deploy, and every service's problems reported in one exit-2 error.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ACCOUNT, fargateTemplate, makeRepo, removeRepos, runStep } from '../harness/render-world.js';
import { renderStep } from '../shared/src/steps/render.js';

afterAll(removeRepos);

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const registry = `${ACCOUNT}.dkr.ecr.eu-west-3.amazonaws.com`;
const images = { api: `${registry}/api@${digest('a')}`, worker: `${registry}/worker@${digest('b')}` };

describe('render step', () => {
  it('renders every deployable service, writes one file each and outputs the map', async () => {
    const root = await makeRepo([
      {
        name: 'api',
        deploy: { cluster: 'prod', environment: { PORT: '8080' } },
        taskdef: fargateTemplate('api'),
      },
      {
        name: 'worker',
        deploy: { cluster: 'prod', container: 'main' },
        taskdef: {
          ...fargateTemplate('worker'),
          containerDefinitions: [{ name: 'main', image: 'x', essential: true }],
        },
      },
    ]);
    const run = await runStep(
      renderStep,
      { images: JSON.stringify(images), region: 'eu-west-3', 'output-dir': 'out' },
      { cwd: root },
    );
    expect(run.error).toBeUndefined();
    const files = JSON.parse(run.outputs['task-definitions']);
    expect(Object.keys(files).sort()).toEqual(['api', 'worker']);
    const api = JSON.parse(await readFile(files.api, 'utf8'));
    expect(api.containerDefinitions[0].image).toBe(images.api);
    expect(api.containerDefinitions[0].environment).toEqual([{ name: 'PORT', value: '8080' }]);
    const worker = JSON.parse(await readFile(path.join(root, 'out', 'worker.json'), 'utf8'));
    expect(worker.containerDefinitions[0].image).toBe(images.worker);
    expect(JSON.parse(run.outputs.families)).toEqual({ api: 'api', worker: 'worker' });
    expect(run.log).toContain('api: family api');
  });

  it('reports the problems of every service at once, with exit code 2', async () => {
    const root = await makeRepo([
      {
        name: 'api',
        deploy: { cluster: 'prod' },
        taskdef: fargateTemplate('api', { cpu: '512', memory: '512' }),
      },
      { name: 'worker', deploy: { cluster: 'prod', container: 'nope' }, taskdef: fargateTemplate('worker') },
    ]);
    const run = await runStep(
      renderStep,
      { images: JSON.stringify(images), region: 'eu-west-3' },
      { cwd: root },
    );
    expect(run.exitCode).toBe(2);
    expect(run.error?.message).toMatch(/2 services have task definition problems/);
    expect(run.error?.message).toMatch(
      /services\/api\/taskdef\.json.*memory "512" is not allowed with cpu 512/,
    );
    expect(run.error?.message).toMatch(/1024, 2048, 3072, 4096/);
    expect(run.error?.message).toMatch(
      /services\/worker\/taskdef\.json.*deploy\.container: no container named "nope"/,
    );
  });

  it('points at the line and column of a JSON syntax error in a template', async () => {
    const root = await makeRepo([
      {
        name: 'api',
        deploy: { cluster: 'prod' },
        taskdef: '{\n  "family": "api",\n  "cpu": 256\n  "memory": "512"\n}',
      },
    ]);
    const run = await runStep(renderStep, { region: 'eu-west-3' }, { cwd: root });
    expect(run.exitCode).toBe(2);
    expect(run.error?.where).toMatch(/^services\/api\/taskdef\.json:4:\d+$/);
    expect(run.error?.fix).toMatch(/JSON syntax/);
  });

  it('rejects an images input that is not a JSON map, naming the input', async () => {
    const root = await makeRepo([
      { name: 'api', deploy: { cluster: 'prod' }, taskdef: fargateTemplate('api') },
    ]);
    const run = await runStep(renderStep, { images: '{"api": 42}', region: 'eu-west-3' }, { cwd: root });
    expect(run.exitCode).toBe(2);
    expect(run.error?.where).toBe('images');
    expect(run.error?.fix).toMatch(/"api": "123456789012\.dkr\.ecr/);
  });

  it('rejects an unknown service name and lists the known ones', async () => {
    const root = await makeRepo([
      { name: 'api', deploy: { cluster: 'prod' }, taskdef: fargateTemplate('api') },
    ]);
    const run = await runStep(renderStep, { services: 'apii', region: 'eu-west-3' }, { cwd: root });
    expect(run.exitCode).toBe(2);
    expect(run.error?.message).toMatch(/unknown service 'apii' \(known: api\)/);
  });
});
