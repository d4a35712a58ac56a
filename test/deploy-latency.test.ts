// Outcome latency and API calls, measured on the emulator's virtual clock (deterministic, not timed):
// how long after ECS reached COMPLETED (or FAILED) the deploy reported it, in emulated seconds and in
// polls, and how many API calls one single-service rolling deploy makes — next to a waiter-based
// deploy (RegisterTaskDefinition, UpdateService, then the SDK waiter's services-stable schedule with its
// default 15 s minimum delay) on the same rollout.

import { readFile } from 'node:fs/promises';
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type DeployWorld, deployWorld, imagesInput, rollingService } from '../harness/deploy-world.js';
import { runStep } from '../harness/render-world.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import { toRegisterInput } from '../shared/src/taskdef/shape.js';

let w: DeployWorld | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

/** The SDK waiter's delay before poll n+1 (poller.js), with the random factor fixed for repeatability. */
function waiterDelayMs(attempt: number, minDelay = 15, maxDelay = 120, random = 0.5): number {
  const [min, max] = [minDelay * 1000, maxDelay * 1000];
  if (attempt > Math.log(max / min) / Math.log(2) + 1) return max;
  return min + random * (Math.min(min * 2 ** (attempt - 1), max) - min);
}

interface Figures {
  latencySeconds: number;
  pollsAfterOutcome: number;
  calls: number;
}

async function ourDeploy(world: DeployWorld, tag: string): Promise<Figures & { outcome: string }> {
  const run = await runStep(
    makeDeployStep(world.time),
    { ...world.awsInputs, images: imagesInput(world.emu, { api: tag }) },
    { cwd: world.root },
  );
  const record = JSON.parse(await readFile(run.outputs['record-file'], 'utf8'));
  const svc = record.services[0];
  const sd = (
    await world.aws.ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [svc.serviceDeploymentArn] }),
    )
  ).serviceDeployments?.[0];
  // When ECS decided: COMPLETED = the service deployment finished; FAILED = its rollback started.
  const decided = (sd?.rollback?.startedAt ?? sd?.finishedAt) as Date;
  const reported = Date.parse(svc.finishedAt);
  const calls = world.emu.calls();
  const pollsAfterOutcome = calls.filter(
    (c) => c.operation === 'DescribeServices' && Date.parse(c.time) >= decided.getTime(),
  ).length;
  const ours = calls.filter((c) => !['ListTasks', 'DescribeTasks', 'GetLogEvents'].includes(c.operation));
  return {
    latencySeconds: (reported - decided.getTime()) / 1000,
    pollsAfterOutcome,
    calls: ours.length,
    outcome: svc.outcome,
  };
}

/** What a waiter-based tool does for the same rollout: register, update, waitUntilServicesStable. */
async function waiterDeploy(world: DeployWorld, image: string): Promise<Figures & { stableAt: number }> {
  // The service's own circuit breaker (Terraform sets it, REL-13); the tool itself does not touch it.
  const ecs = world.aws.ecs;
  const start = world.emu.calls().length;
  const live = (await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['api'] })))
    .services?.[0];
  const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: live?.taskDefinition })))
    .taskDefinition;
  // The live task definition with the new image, as aws-actions' render + deploy would register it.
  const input = toRegisterInput(td as Record<string, unknown>)
    .taskDefinition as unknown as RegisterTaskDefinitionCommandInput;
  input.containerDefinitions = (input.containerDefinitions ?? []).map((c) => ({ ...c, image }));
  const reg = await ecs.send(new RegisterTaskDefinitionCommand(input));
  await ecs.send(
    new UpdateServiceCommand({
      cluster: 'main',
      service: 'api',
      taskDefinition: reg.taskDefinition?.taskDefinitionArn,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    }),
  );
  const signal = new AbortController().signal;
  let stableAt = 0;
  const deadline = world.emu.clock.now() + 600_000;
  for (let attempt = 0; world.emu.clock.now() < deadline; attempt++) {
    if (attempt > 0) await world.time.sleep(waiterDelayMs(attempt), signal);
    const s = (await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['api'] })))
      .services?.[0];
    if (s?.deployments?.length === 1 && s.runningCount === s.desiredCount) {
      stableAt = world.emu.clock.now();
      break;
    }
  }
  // DescribeTaskDefinition only builds this test's input (aws-actions renders from a file): not counted.
  return { latencySeconds: 0, pollsAfterOutcome: 0, calls: world.emu.calls().length - start - 1, stableAt };
}

describe('outcome latency and API calls (virtual clock)', () => {
  it('reports COMPLETED within one poll of ECS, long before the services-stable waiter would', async () => {
    w = await deployWorld([rollingService('api')]);
    const ours = await ourDeploy(w, 'v2');
    expect(ours.outcome).toBe('succeeded');
    expect(ours.latencySeconds).toBeLessThanOrEqual(2);
    expect(ours.pollsAfterOutcome).toBe(1);

    const w2 = await deployWorld([rollingService('api')]);
    try {
      const waiter = await waiterDeploy(w2, `${w2.emu.host}/api:v2`);
      const sd = (
        await w2.aws.ecs.send(
          new DescribeServiceDeploymentsCommand({
            serviceDeploymentArns: [
              (
                await w2.aws.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['api'] }))
              ).services?.[0]?.currentServiceDeployment as string,
            ],
          }),
        )
      ).serviceDeployments?.[0];
      const waiterLatency = (waiter.stableAt - (sd?.finishedAt?.getTime() ?? 0)) / 1000;
      process.stdout.write(
        `\n[figures] rolling COMPLETED: ours latency ${ours.latencySeconds} s, ${ours.pollsAfterOutcome} poll after, ${ours.calls} calls; ` +
          `waiter (15 s min delay) latency ${waiterLatency} s, ${waiter.calls} calls\n`,
      );
      expect(waiterLatency).toBeGreaterThan(ours.latencySeconds);
    } finally {
      await w2.stop();
    }
  });

  it('reports a blue/green SUCCESSFUL at the end of a 5-minute bake within 2 s, polling slowly during the bake', async () => {
    const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
    w = await deployWorld([
      rollingService('api', {
        strategy: 'blue-green',
        blueGreen: {
          targetGroup: `${ELB}:targetgroup/api-blue/1111111111111111`,
          alternateTargetGroup: `${ELB}:targetgroup/api-green/2222222222222222`,
          productionListenerRule: `${ELB}:listener-rule/app/main/3333333333333333/4444444444444444/5555555555555555`,
          roleArn: 'arn:aws:iam::123456789012:role/ecs-infra',
          containerPort: 8080,
          bakeTimeMinutes: 5,
        },
      }),
    ]);
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }) },
      { cwd: w.root },
    );
    expect(run.outputs.status).toBe('succeeded');
    const record = JSON.parse(await readFile(run.outputs['record-file'], 'utf8'));
    const svc = record.services[0];
    const sd = (
      await w.aws.ecs.send(
        new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [svc.serviceDeploymentArn] }),
      )
    ).serviceDeployments?.[0];
    const latency = (Date.parse(svc.finishedAt) - (sd?.finishedAt?.getTime() ?? 0)) / 1000;
    const polls = w.emu.calls({ operation: 'DescribeServiceDeployments' }).length;
    expect(latency).toBeLessThanOrEqual(2);
    process.stdout.write(
      `\n[figures] blue/green (5 min bake) SUCCESSFUL: latency ${latency} s, ${polls} DescribeServiceDeployments polls over ${svc.polls ? `${Math.round((Date.parse(svc.finishedAt) - Date.parse(svc.startedAt)) / 1000)} s` : '?'}\n`,
    );
  });

  it('counts the calls of a verified deploy (the default): checks first, then the same rollout', async () => {
    w = await deployWorld([rollingService('api')], {
      extra: (world) => ({ ...world, repositories: [{ name: 'api', images: ['v2'] }] }),
    });
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, verify: 'true', images: imagesInput(w.emu, { api: 'v2' }) },
      { cwd: w.root },
    );
    expect(run.outputs.status).toBe('succeeded');
    const ops = w.emu.calls().map((c) => c.operation);
    const count = (op: string) => ops.filter((o) => o === op).length;
    // verify reads the live service once and the deploy reuses it: no second DescribeServices before the update.
    const firstUpdate = ops.indexOf('UpdateService');
    expect(ops.slice(0, firstUpdate).filter((o) => o === 'DescribeServices')).toHaveLength(1);
    process.stdout.write(
      `\n[figures] verified rolling deploy: ${ops.length} calls (${[...new Set(ops)].map((o) => `${o}×${count(o)}`).join(', ')})\n`,
    );
  });

  it('a long health-check grace period does not delay the report: grace only excuses failing checks', async () => {
    // ECS counts a task healthy as soon as its checks pass; the grace period (here 10 emulated minutes, as
    // services with a slow warm-up set it) only keeps ECS from stopping a task whose ELB checks still fail.
    w = await deployWorld([rollingService('api')], {
      extra: (world) => ({
        ...world,
        services: (world.services ?? []).map((s) => ({ ...s, healthCheckGracePeriodSeconds: 600 })),
      }),
    });
    const ours = await ourDeploy(w, 'v2');
    expect(ours.outcome).toBe('succeeded');
    expect(ours.latencySeconds).toBeLessThanOrEqual(2);
  });

  it('reports a circuit-breaker FAILED within one poll of ECS deciding it', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.behavior({ image: '*api:bad', behavior: 'crash' });
    const ours = await ourDeploy(w, 'bad');
    expect(ours.outcome).toBe('rolled-back');
    expect(ours.latencySeconds).toBeLessThanOrEqual(2);
    expect(ours.pollsAfterOutcome).toBe(1);
    // The waiter on the same crash: it ends "stable" once ECS has rolled back — a false success.
    const w2 = await deployWorld([rollingService('api')]);
    try {
      w2.emu.behavior({ image: '*api:bad', behavior: 'crash' });
      const waiter = await waiterDeploy(w2, `${w2.emu.host}/api:bad`);
      const live = (
        await w2.aws.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['api'] }))
      ).services?.[0];
      expect(live?.taskDefinition).toMatch(/api:1$/);
      expect(waiter.stableAt).toBeGreaterThan(0);
      process.stdout.write(
        `\n[figures] rolling FAILED: ours latency ${ours.latencySeconds} s, ${ours.pollsAfterOutcome} poll after, ${ours.calls} calls; ` +
          `waiter reported SUCCESS (wrong) after ${waiter.calls} calls\n`,
      );
    } finally {
      await w2.stop();
    }
  });
});
