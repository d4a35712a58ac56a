// Traffic-shifting deploys end to end: ECS-native BLUE_GREEN / CANARY / LINEAR (lifecycle stages, bake,
// the stage gate and its continue / rollback in a later job) and CodeDeploy blue/green (AppSpec,
// honest Stopped/Failed, stop with rollback).

import { readFile } from 'node:fs/promises';
import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  blueGreenSettings,
  codeDeployWorld,
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

const blueGreen = blueGreenSettings;

async function greenWeight(world: DeployWorld, rule: string): Promise<number | undefined> {
  const out = await world.aws.elbv2.send(new DescribeRulesCommand({ RuleArns: [rule] }));
  const groups = out.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? [];
  return groups.find((g) => g.TargetGroupArn?.includes('api-green'))?.Weight;
}

describe('ECS-native blue/green, canary, linear', () => {
  it.each([
    ['blue-green', {}],
    ['canary', { canaryPercent: 10, canaryBakeMinutes: 2 }],
    ['linear', { linearStepPercent: 50, linearStepBakeMinutes: 1 }],
  ])('%s: follows the lifecycle stages through the bake to SUCCESSFUL', async (strategy, extra) => {
    w = await deployWorld([rollingService('api', { strategy, blueGreen: blueGreen(extra) })]);
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }) },
      { cwd: w.root },
    );
    expect(run.error).toBeUndefined();
    expect(run.outputs.status).toBe('succeeded');
    expect(run.log).toMatch(/api: lifecycle stage (TEST|PRODUCTION)_TRAFFIC_SHIFT/);
    expect(run.log).toContain('api: lifecycle stage BAKE_TIME');
    const s = await describe1(w, 'api');
    expect(s.deploymentConfiguration?.strategy).toBe(
      strategy === 'blue-green' ? 'BLUE_GREEN' : strategy.toUpperCase(),
    );
    expect(s.loadBalancers?.[0].advancedConfiguration?.alternateTargetGroupArn).toContain('api-green');
    expect(s.taskDefinition).toMatch(/api:2$/);
    // Production traffic now on the new revision.
    const prod = blueGreen().productionListenerRule;
    const green = await greenWeight(w, prod);
    const blue = (await w.aws.elbv2.send(new DescribeRulesCommand({ RuleArns: [prod] }))).Rules?.[0]
      ?.Actions?.[0]?.ForwardConfig?.TargetGroups;
    expect(green === 100 || blue?.find((g) => g.TargetGroupArn?.includes('api-blue'))?.Weight === 100).toBe(
      true,
    );
    // The whole bake was waited for, at a low poll rate: no fast polling for five minutes.
    const polls = w.emu.calls({ operation: 'DescribeServiceDeployments' }).length;
    expect(polls).toBeLessThan(5 * 60);
  });

  it('times out a green revision that never gets healthy and rolls traffic back to blue', async () => {
    w = await deployWorld([rollingService('api', { strategy: 'blue-green', blueGreen: blueGreen() })]);
    w.emu.behavior({ image: '*api:bad', behavior: 'crash' });
    // No circuit breaker on this service: green never becomes healthy, the wait times out and the
    // default --on-cancel rollback sends traffic back to blue.
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'bad' }), timeout: '120' },
      { cwd: w.root },
    );
    expect(run.exitCode).toBe(1);
    expect(run.error?.message).toMatch(/api timeout/);
    // The diagnosis has the crashing green tasks and the service's events.
    const diag = JSON.parse(await readFile(`${w.awsInputs['output-dir']}/diagnosis-api.json`, 'utf8'));
    expect(diag.stoppedTasks[0].containers[0].exitCode).toBe(1);
    expect(diag.events.length).toBeGreaterThan(0);
    expect(run.log).toMatch(/StopServiceDeployment ROLLBACK/);
    await w.emu.advance(120);
    expect((await describe1(w, 'api')).taskDefinition).toMatch(/api:1$/);
  });

  it('stage gate: returns at test traffic with the test listener rule, then --continue finishes in a later job', async () => {
    w = await deployWorld([
      rollingService('api', { strategy: 'blue-green', blueGreen: blueGreen({ bakeTimeMinutes: 30 }) }),
    ]);
    const gate = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }), 'stop-at': 'test-traffic' },
      { cwd: w.root },
    );
    expect(gate.error).toBeUndefined();
    expect(gate.outputs.status).toBe('stage-reached');
    expect(gate.outputs['test-listener-rule']).toBe(blueGreen().testListenerRule);
    expect(gate.outputs['deployment-arn']).toMatch(/:service-deployment\/main\/api\//);
    // The test listener serves the new revision; production traffic is still all on the old one.
    expect(await greenWeight(w, blueGreen().testListenerRule)).toBe(100);
    expect(await greenWeight(w, blueGreen().productionListenerRule)).toBe(0);
    expect(gate.outputs.stage).toBe('POST_TEST_TRAFFIC_SHIFT');
    // Held there however long the tests take (no runner is waiting meanwhile).
    await w.emu.advance(3600);
    expect(await greenWeight(w, blueGreen().productionListenerRule)).toBe(0);
    // The gate asked ECS to pause after the test traffic shift.
    const hooks = (await describe1(w, 'api')).deploymentConfiguration?.lifecycleHooks ?? [];
    expect(hooks).toEqual([
      expect.objectContaining({ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }),
    ]);

    const done = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, continue: gate.outputs['deployment-arn'] },
      { cwd: w.root },
    );
    expect(done.error).toBeUndefined();
    expect(done.outputs.status).toBe('succeeded');
    expect(done.log).toContain('continued past the stage gate');
    expect(w.emu.calls({ operation: 'ContinueServiceDeployment' })).toHaveLength(1);
    expect((await describe1(w, 'api')).taskDefinition).toMatch(/api:2$/);
  });

  it('stage gate: rollback --deployment returns traffic to the old revision', async () => {
    w = await deployWorld([
      rollingService('api', { strategy: 'blue-green', blueGreen: blueGreen({ bakeTimeMinutes: 30 }) }),
    ]);
    const gate = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }), 'stop-at': 'test-traffic' },
      { cwd: w.root },
    );
    expect(gate.outputs.status).toBe('stage-reached');
    const back = await runStep(
      makeRollbackStep(w.time),
      { ...w.awsInputs, deployment: gate.outputs['deployment-arn'] },
      { cwd: w.root },
    );
    expect(back.error).toBeUndefined();
    expect(back.outputs.status).toBe('succeeded');
    expect(back.log).toContain('rolled back at the stage gate');
    expect(w.emu.calls({ operation: 'ContinueServiceDeployment' })).toHaveLength(1);
    expect((await describe1(w, 'api')).taskDefinition).toMatch(/api:1$/);
    expect(await greenWeight(w, blueGreen().productionListenerRule)).toBe(0);
  });
});

describe('CodeDeploy blue/green', () => {
  const world = codeDeployWorld;

  it('creates a deployment from a generated AppSpec and follows it to Succeeded', async () => {
    w = await world();
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }) },
      { cwd: w.root },
    );
    expect(run.error).toBeUndefined();
    const id = JSON.parse(run.outputs['deployment-ids']).api;
    expect(id).toMatch(/^d-[A-Z0-9]{9}$/);
    const info = (await w.aws.codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
    expect(info?.status).toBe('Succeeded');
    expect(run.log).toMatch(/CodeDeploy d-\w+ Succeeded/);
    expect(w.emu.calls({ operation: 'UpdateService' })).toHaveLength(0);
  });

  it('sees task sets, not deployments, as AWS shows them, so it does not warn about a missing rollback target', async () => {
    w = await world();
    const before = await describe1(w, 'api');
    expect(before.deployments).toEqual([]);
    expect(before.taskSets).toEqual([
      expect.objectContaining({
        status: 'PRIMARY',
        stabilityStatus: 'STEADY_STATE',
        startedBy: 'CodeDeploy',
      }),
    ]);
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }) },
      { cwd: w.root },
    );
    expect(run.error).toBeUndefined();
    expect(run.log).not.toContain('nothing to roll back to');
    const after = await describe1(w, 'api');
    // The new revision is the PRIMARY task set; the original one may still be draining.
    expect(after.taskSets?.find((t) => t.status === 'PRIMARY')?.taskDefinition).toBe(after.taskDefinition);
    expect(after.taskDefinition).toMatch(/api:2$/);
  });

  it('stage gate at Ready: returns with the deployment id, then --continue shifts production', async () => {
    w = await world({ readyWaitMinutes: 60 });
    const gate = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }), 'stop-at': 'test-traffic' },
      { cwd: w.root },
    );
    expect(gate.error).toBeUndefined();
    expect(gate.outputs.status).toBe('stage-reached');
    expect(gate.outputs.stage).toBe('Ready');
    const id = gate.outputs['deployment-arn'];
    expect(id).toMatch(/^d-[A-Z0-9]{9}$/);
    const done = await runStep(makeDeployStep(w.time), { ...w.awsInputs, continue: id }, { cwd: w.root });
    expect(done.error).toBeUndefined();
    expect(done.outputs.status).toBe('succeeded');
    expect(w.emu.calls({ operation: 'ContinueDeployment' })).toHaveLength(1);
    const info = (await w.aws.codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
    expect(info?.status).toBe('Succeeded');
  });

  it('rollback --record-file sends a CodeDeploy service back through a new CodeDeploy deployment', async () => {
    w = await world();
    const first = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }) },
      { cwd: w.root },
    );
    expect(first.outputs.status).toBe('succeeded');
    expect((await describe1(w, 'api')).taskDefinition).toMatch(/api:2$/);
    const back = await runStep(
      makeRollbackStep(w.time),
      { ...w.awsInputs, 'record-file': first.outputs['record-file'] },
      { cwd: w.root },
    );
    expect(back.error).toBeUndefined();
    expect(back.outputs.status).toBe('succeeded');
    expect(w.emu.calls({ operation: 'CreateDeployment' })).toHaveLength(2);
    expect(w.emu.calls({ operation: 'UpdateService' })).toHaveLength(0);
    expect((await describe1(w, 'api')).taskDefinition).toMatch(/api:1$/);
  });

  it('stops the deployment with rollback when the job is cancelled', async () => {
    w = await world({ readyWaitMinutes: 60 });
    const abort = new AbortController();
    const wd = w;
    const at = wd.emu.clock.now() + 30_000;
    const timer = setInterval(() => wd.emu.clock.now() >= at && abort.abort(), 1);
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }) },
      { cwd: w.root, signal: abort.signal },
    );
    clearInterval(timer);
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/stopped CodeDeploy deployment d-\w+ with rollback/);
    const stop = w.emu.calls({ operation: 'StopDeployment' });
    expect(stop).toHaveLength(1);
    const id = JSON.parse(run.outputs['deployment-ids']).api;
    await w.emu.advance(120);
    const info = (await w.aws.codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
    expect(info?.status).toBe('Stopped');
  });
});
