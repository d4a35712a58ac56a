// Deploy features around the rollout: the pre-deploy one-off task (migrations) that must succeed first,
// and the clean-up of old task definition revisions (--keep-revisions).

import { readFile } from 'node:fs/promises';
import { ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  type DeployWorld,
  deployWorld,
  describe1,
  imagesInput,
  rollingService,
} from '../harness/deploy-world.js';
import { runStep } from '../harness/render-world.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';

let w: DeployWorld | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

describe('deploy extras', () => {
  it('verifies before changing anything (default): a missing image is exit 2 with no mutating call', async () => {
    w = await deployWorld([rollingService('api')], {
      extra: (world) => ({ ...world, repositories: [{ name: 'api', images: ['v2'] }] }),
    });
    const verified = { ...w.awsInputs, verify: 'true' };
    const missing = await runStep(
      makeDeployStep(w.time),
      { ...verified, images: imagesInput(w.emu, { api: 'v9' }) },
      { cwd: w.root },
    );
    expect(missing.exitCode).toBe(2);
    expect(missing.error?.message).toMatch(/image tag v9 is not in ECR repository "api"/);
    expect(w.emu.calls({ mutates: true })).toEqual([]);

    const ok = await runStep(
      makeDeployStep(w.time),
      { ...verified, images: imagesInput(w.emu, { api: 'v2' }) },
      { cwd: w.root },
    );
    expect(ok.error).toBeUndefined();
    expect(ok.outputs.status).toBe('succeeded');
  });

  it('runs deploy.preDeployTask first; a migration that exits non-zero stops the deploy before UpdateService', async () => {
    w = await deployWorld([
      rollingService('api', { preDeployTask: { command: ['npm', 'run', 'migrate'], timeoutSeconds: 120 } }),
    ]);
    w.emu.behavior({
      image: '*api:v2',
      behavior: 'exit',
      exitCode: 7,
      logLines: ['migrating…', 'relation "users" already exists'],
    });
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }) },
      { cwd: w.root },
    );
    expect(run.exitCode).toBe(1);
    expect(run.error?.message).toMatch(/api failed \(preDeployTask failed: .*7/);
    expect(w.emu.calls({ operation: 'RunTask' })).toHaveLength(1);
    expect(w.emu.calls({ operation: 'UpdateService' })).toHaveLength(0);
    expect((await describe1(w, 'api')).taskDefinition).toMatch(/api:1$/);
  });

  it('--keep-revisions N deregisters older revisions, never the live or the previous one', async () => {
    w = await deployWorld([rollingService('api')]);
    let last: Awaited<ReturnType<typeof runStep>> | undefined;
    for (const tag of ['v2', 'v3', 'v4']) {
      last = await runStep(
        makeDeployStep(w.time),
        { ...w.awsInputs, images: imagesInput(w.emu, { api: tag }), 'keep-revisions': '2' },
        { cwd: w.root },
      );
      expect(last.outputs.status).toBe('succeeded');
    }
    const active = await w.aws.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'api', status: 'ACTIVE' }),
    );
    expect(active.taskDefinitionArns?.map((a) => a.split('/').pop())).toEqual(['api:3', 'api:4']);
    // Each deploy dropped what fell out of the newest two: the third one dropped api:2.
    const record = JSON.parse(await readFile(last?.outputs['record-file'] as string, 'utf8'));
    expect(record.deregistered.map((a: string) => a.split('/').pop())).toEqual(['api:2']);
  });
});
