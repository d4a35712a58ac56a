// An empty plan ("services": [] — nothing changed) must never mean "every service".
import { afterEach, describe, expect, it } from '@jest/globals';
import { type DeployWorld, deployWorld, rollingService } from '../harness/deploy-world.js';
import { runStep } from '../harness/render-world.js';
import type { ServiceManifest } from '../shared/src/manifest/schema.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import { selectServices } from '../shared/src/steps/list-input.js';

const manifests = [{ name: 'a' }, { name: 'b' }] as ServiceManifest[];

describe('selecting services', () => {
  it('takes every service when the input is absent, none for an empty list', () => {
    expect(selectServices(manifests, undefined)).toHaveLength(2);
    expect(selectServices(manifests, '')).toHaveLength(2);
    expect(selectServices(manifests, '[]')).toEqual([]);
    expect(selectServices(manifests, '["b"]').map((m) => m.name)).toEqual(['b']);
  });
});

describe('deploy with an empty plan', () => {
  let w: DeployWorld | undefined;
  afterEach(async () => {
    await w?.stop();
    w = undefined;
  });

  it('succeeds without changing anything', async () => {
    w = await deployWorld([rollingService('api')]);
    const before = w.emu.calls({ mutates: true }).length;
    const run = await runStep(makeDeployStep(w.time), { ...w.awsInputs, services: '[]' }, { cwd: w.root });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    expect(run.log).toContain('nothing to deploy');
    expect(w.emu.calls({ mutates: true }).length).toBe(before);
  });
});
