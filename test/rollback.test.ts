// The rollback step, as an operator dispatches it: back to the revision live before the last deploy
// (from the deployment history or the record), to a named revision or image, or stopping a deployment
// still in flight with ECS's own rollback.
import { readFile } from 'node:fs/promises';
import { RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
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
import { makeRollbackStep } from '../shared/src/steps/rollback.js';

let w: DeployWorld | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

async function deployed(names: string[], tag = 'v2'): Promise<{ world: DeployWorld; recordFile: string }> {
  const world = await deployWorld(names.map((n) => rollingService(n)));
  const images = imagesInput(world.emu, Object.fromEntries(names.map((n) => [n, tag])));
  const run = await runStep(makeDeployStep(world.time), { ...world.awsInputs, images }, { cwd: world.root });
  expect(run.outputs.status).toBe('succeeded');
  return { world, recordFile: run.outputs['record-file'] };
}

const rollback = (world: DeployWorld, inputs: Record<string, string>) =>
  runStep(makeRollbackStep(world.time), { ...world.awsInputs, ...inputs }, { cwd: world.root });

describe('rollback', () => {
  it('returns a service to the revision live before the last deploy, found in its deployment history', async () => {
    const d = await deployed(['api']);
    w = d.world;
    // A later revision registered but never deployed: "latest minus one" would pick api:2, the live one.
    await w.aws.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'api',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'api', image: 'api:unreleased', essential: true }],
      }),
    );
    expect((await describe1(w, 'api')).taskDefinition).toMatch(/api:2$/);
    const run = await rollback(w, { services: 'api' });
    expect(run.error).toBeUndefined();
    expect(run.outputs.status).toBe('succeeded');
    expect(JSON.parse(run.outputs.revisions).api).toMatch(/api:1$/);
    const s = await describe1(w, 'api');
    expect(s.taskDefinition).toMatch(/api:1$/);
    expect(s.deployments?.[0]).toMatchObject({
      id: JSON.parse(run.outputs['deployment-ids']).api,
      rolloutState: 'COMPLETED',
    });
    expect(run.log).toContain('live before the last deploy (deployment history)');
  });

  it('returns every service of a release to what the deploy record says was live before', async () => {
    const d = await deployed(['api', 'web']);
    w = d.world;
    const run = await rollback(w, { 'record-file': d.recordFile });
    expect(run.outputs.status).toBe('succeeded');
    for (const name of ['api', 'web'])
      expect((await describe1(w, name)).taskDefinition).toMatch(new RegExp(`${name}:1$`));
    const record = JSON.parse(await readFile(run.outputs['record-file'], 'utf8'));
    expect(record.kind).toBe('rollback');
    expect(record.services.map((s: { outcome: string }) => s.outcome)).toEqual(['succeeded', 'succeeded']);
  });

  it('goes to a named revision, and to a named image as a new revision', async () => {
    const d = await deployed(['api']);
    w = d.world;
    const named = await rollback(w, { services: 'api', 'to-revision': 'api:1' });
    expect(named.outputs.status).toBe('succeeded');
    expect((await describe1(w, 'api')).taskDefinition).toMatch(/api:1$/);

    const image = `${w.emu.host}/api:v0`;
    const byImage = await rollback(w, { services: 'api', 'to-image': image });
    expect(byImage.error).toBeUndefined();
    const s = await describe1(w, 'api');
    expect(s.taskDefinition).toMatch(/api:3$/);
    expect(byImage.log).toContain(`api back to ${image}`);
    expect(JSON.parse(await readFile(byImage.outputs['record-file'], 'utf8')).services[0].images).toEqual([
      { container: 'api', image },
    ]);
  });

  it('stops a deployment still in flight with ECS rollback and waits for ROLLBACK_SUCCESSFUL', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.behavior({ image: '*api:slow', behavior: 'slow', startSeconds: 600 });
    // A deploy that was left running (its job died), then an operator rolls back.
    const world = w;
    const start = world.emu.clock.now();
    const leave = new AbortController();
    const timer = setInterval(() => world.emu.clock.now() > start + 10_000 && leave.abort(), 1);
    await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'slow' }), 'on-cancel': 'leave' },
      { cwd: w.root, signal: leave.signal },
    );
    clearInterval(timer);
    const run = await rollback(w, { services: 'api' });
    expect(run.error).toBeUndefined();
    expect(run.log).toMatch(/is in flight; asking ECS to roll it back/);
    expect(w.emu.calls({ operation: 'StopServiceDeployment' })).toHaveLength(1);
    expect((await describe1(w, 'api')).taskDefinition).toMatch(/api:1$/);
  });
});
