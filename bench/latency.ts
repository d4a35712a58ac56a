// Outcome latency and API calls of one single-service rolling deploy: the deploy step against what the
// waiter-based anchor (aws-actions/amazon-ecs-deploy-task-definition, v2.6.2 and later) does on the same
// rollout — RegisterTaskDefinition, DescribeServices, UpdateService, the SDK's own
// waitUntilServicesStable with its default delays (minDelay 15 s as aws-actions passes it, the SDK's
// maxDelay), then one DescribeServices to check that the deployment it started is still there (gone
// after a circuit-breaker rollback: the step fails).
// Both run on the emulator's virtual clock (see virtual-time.ts): ECS's decision time and the time the
// tool reported are read in emulated time; the wall time the tool spent after the decision (HTTP, the
// diagnosis, writing the record) is measured separately and added, because a virtual clock does not
// count it.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type ServiceDeployment,
  UpdateServiceCommand,
  waitUntilServicesStable,
} from '@aws-sdk/client-ecs';
import type { CallRecord } from '../emulator/src/index.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import { type DeployWorld, deployWorld, imagesInput, rollingService } from '../test/deploy-harness.js';
import { runStep } from '../test/render-world.js';
import { LoggedVirtualTime } from './virtual-time.js';

export type Rollout = 'completed' | 'failed';

export interface LatencyTrial {
  tool: 'cendence' | 'waiter';
  rollout: Rollout;
  /** What the tool told its user: succeeded / rolled-back (ours), success / failure (waiter). */
  reported: string;
  /** Emulated seconds from ECS deciding (COMPLETED, or the circuit breaker starting the rollback) to the tool returning. */
  emulatedSeconds: number;
  /** Wall ms the tool spent after the emulator reached that decision (work a virtual clock does not count). */
  wallMs: number;
  /** API calls the tool made for this deploy, by operation. */
  calls: Record<string, number>;
  totalCalls: number;
}

const SERVICE = 'api';
const CRASHING_TAG = 'bad';

function countByOperation(calls: CallRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) out[c.operation] = (out[c.operation] ?? 0) + 1;
  return out;
}

async function serviceDeployment(w: DeployWorld, arn: string): Promise<ServiceDeployment> {
  const sd = (await w.aws.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))
    .serviceDeployments?.[0];
  if (!sd) throw new Error(`bench: service deployment ${arn} not found`);
  return sd;
}

/** When ECS decided the rollout: COMPLETED = finishedAt; FAILED = the circuit breaker's rollback start. */
function decidedAt(sd: ServiceDeployment, rollout: Rollout): number {
  const at = rollout === 'failed' ? sd.rollback?.startedAt : sd.finishedAt;
  if (!at) throw new Error(`bench: service deployment ${sd.serviceDeploymentArn} has no ${rollout} time`);
  return at.getTime();
}

async function world(rollout: Rollout): Promise<{ w: DeployWorld; lt: LoggedVirtualTime; tag: string }> {
  // The service runs with the circuit breaker on (as terraform/ configures services), so a waiter-based
  // tool that only calls UpdateService gets the same rollback on the same rollout.
  const w = await deployWorld([rollingService(SERVICE)], {
    extra: (spec) => ({
      ...spec,
      services: spec.services?.map((s) => ({
        ...s,
        deploymentConfiguration: {
          ...s.deploymentConfiguration,
          deploymentCircuitBreaker: { enable: true, rollback: true },
        },
      })),
    }),
  });
  if (rollout === 'failed') w.emu.behavior({ image: `*${SERVICE}:${CRASHING_TAG}`, behavior: 'crash' });
  return { w, lt: new LoggedVirtualTime(w.emu), tag: rollout === 'failed' ? CRASHING_TAG : 'v2' };
}

export async function cendenceTrial(rollout: Rollout): Promise<LatencyTrial> {
  const { w, lt, tag } = await world(rollout);
  try {
    const mark = w.emu.calls().length;
    const run = await runStep(
      makeDeployStep(lt.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { [SERVICE]: tag }) },
      { cwd: w.root },
    );
    const wallReturned = performance.now();
    const emuReturned = w.emu.clock.now();
    const calls = w.emu.calls().slice(mark);
    const record = JSON.parse(
      await readFile(path.join(w.awsInputs['output-dir'], 'deploy-record.json'), 'utf8'),
    );
    const svc = record.services[0] as { outcome: string; serviceDeploymentArn: string };
    if (rollout === 'completed' && run.error) throw run.error;
    const decided = decidedAt(await serviceDeployment(w, svc.serviceDeploymentArn), rollout);
    return {
      tool: 'cendence',
      rollout,
      reported: svc.outcome,
      emulatedSeconds: (emuReturned - decided) / 1000,
      wallMs: wallReturned - (lt.wallWhenReached(decided) ?? wallReturned),
      calls: countByOperation(calls),
      totalCalls: calls.length,
    };
  } finally {
    await w.stop();
    await rm(w.root, { recursive: true, force: true });
  }
}

export async function waiterTrial(rollout: Rollout): Promise<LatencyTrial> {
  const { w, lt, tag } = await world(rollout);
  // A default SDK client, as aws-actions builds it (its own retries, no request timeout).
  const ecs = new ECSClient({
    region: w.emu.region,
    endpoint: w.emu.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  try {
    // The rendered task definition is a file for aws-actions (amazon-ecs-render-task-definition works
    // offline), so reading the live one happens before the counted window.
    const live = (await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: [SERVICE] })))
      .services?.[0];
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: live?.taskDefinition })))
      .taskDefinition;
    if (!td) throw new Error('bench: no live task definition');
    const rendered: RegisterTaskDefinitionCommandInput = {
      family: td.family,
      networkMode: td.networkMode,
      requiresCompatibilities: td.requiresCompatibilities,
      cpu: td.cpu,
      memory: td.memory,
      executionRoleArn: td.executionRoleArn,
      containerDefinitions: (td.containerDefinitions ?? []).map((c) => ({
        ...c,
        image: `${w.emu.host}/${SERVICE}:${tag}`,
      })),
    };

    const mark = w.emu.calls().length;
    const registered = await ecs.send(new RegisterTaskDefinitionCommand(rendered));
    await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: [SERVICE] }));
    const updated = await ecs.send(
      new UpdateServiceCommand({
        cluster: 'main',
        service: SERVICE,
        taskDefinition: registered.taskDefinition?.taskDefinitionArn,
      }),
    );
    const started = updated.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
    const state = await lt.withVirtualTimers(async () => {
      try {
        const r = await waitUntilServicesStable(
          { client: ecs, minDelay: 15, maxWaitTime: 30 * 60 },
          { cluster: 'main', services: [SERVICE] },
        );
        if (r.state !== 'SUCCESS') return `failure (${r.state})`;
        // Since v2.6.2 the anchor checks, once the service is stable, that the deployment it started
        // is still there: a circuit-breaker rollback replaced it, so the step fails.
        const after = await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: [SERVICE] }));
        const still = after.services?.[0]?.deployments?.some((d) => d.id === started);
        return still ? 'success' : 'failure (its deployment is gone after stabilisation)';
      } catch (err) {
        return `failure (${(err as Error).name})`;
      }
    });
    const wallReturned = performance.now();
    const emuReturned = w.emu.clock.now();
    const calls = w.emu.calls().slice(mark);
    const sdArn = updated.service?.currentServiceDeployment;
    if (!sdArn) throw new Error('bench: UpdateService returned no currentServiceDeployment');
    const decided = decidedAt(await serviceDeployment(w, sdArn), rollout);
    return {
      tool: 'waiter',
      rollout,
      reported: state,
      emulatedSeconds: (emuReturned - decided) / 1000,
      wallMs: wallReturned - (lt.wallWhenReached(decided) ?? wallReturned),
      calls: countByOperation(calls),
      totalCalls: calls.length,
    };
  } finally {
    ecs.destroy();
    await w.stop();
    await rm(w.root, { recursive: true, force: true });
  }
}

/** `trials` runs of each tool on each rollout (the waiter's delays are random, ours are not). */
export async function measureLatency(trials: number): Promise<LatencyTrial[]> {
  const out: LatencyTrial[] = [];
  for (const rollout of ['completed', 'failed'] as const) {
    for (let i = 0; i < trials; i++) {
      out.push(await cendenceTrial(rollout));
      out.push(await waiterTrial(rollout));
    }
  }
  return out;
}
