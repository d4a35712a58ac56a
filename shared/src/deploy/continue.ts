// The second half of a stage gate: a deployment held at --stop-at test-traffic is later continued
// (deploy --continue <arn>: production traffic shifts, wait to the end) or rolled back (rollback
// --deployment <arn>: wait until ECS or CodeDeploy finished the rollback). A new job does this, so no
// runner is held during the test phase or the bake.

import { DescribeServiceRevisionsCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import { API_UNAVAILABLE, isAwsError } from '../aws/errors.js';
import { UserError } from '../errors.js';
import type { Runner } from '../runner/types.js';
import {
  describeServiceDeployment,
  followServiceDeployment,
  parseServiceDeploymentArn,
  plannedWaitMinutes,
  resumeGate,
} from './blue-green.js';
import { continueCodeDeploy, followCodeDeploy } from './codedeploy.js';
import { type Execution, settle } from './execute.js';
import { type Clock, follow, type PollTiming } from './follow.js';
import type { Verdict } from './outcome.js';
import { buildRecord, type DeploymentRecord, writeRecord } from './record.js';
import { releaseSummary } from './summary.js';
import type { CancelPolicy, ServiceResult } from './types.js';

export interface GateOptions {
  runner: Runner;
  signal: AbortSignal;
  clock: Clock;
  onCancel: CancelPolicy;
  timeoutMs: number;
  outputDir?: string;
  timing?: PollTiming;
}

export interface GateResult {
  services: ServiceResult[];
  record: DeploymentRecord;
  recordFile?: string;
}

/** Service revision ARN → its task definition (DescribeServiceRevisions); empty where unavailable. */
export async function revisionTaskDefinitions(ecs: ECSClient, arns: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wanted = arns.filter(Boolean);
  if (wanted.length === 0) return out;
  try {
    const r = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: wanted }));
    for (const rev of r.serviceRevisions ?? []) {
      if (rev.serviceRevisionArn && rev.taskDefinition) out.set(rev.serviceRevisionArn, rev.taskDefinition);
    }
  } catch (err) {
    // Where the API is not offered the record simply lacks the revisions; any other error is real.
    if (!isAwsError(err, ...API_UNAVAILABLE)) throw err;
  }
  return out;
}

export async function continueGated(
  aws: AwsClients,
  id: string,
  action: 'CONTINUE' | 'ROLLBACK',
  opts: GateOptions,
): Promise<GateResult> {
  const started = new Date(opts.clock.now());
  const result = /^d-[A-Z0-9]{9}$/.test(id)
    ? await gateCodeDeploy(aws, id, action, opts)
    : await gateEcs(aws, id, action, opts);
  const outcome = result.outcome === 'succeeded' ? 'succeeded' : 'failed';
  const record = buildRecord(
    action === 'CONTINUE' ? 'deploy' : 'rollback',
    [result],
    started,
    new Date(opts.clock.now()),
    outcome,
  );
  const recordFile = opts.outputDir ? await writeRecord(opts.outputDir, record) : undefined;
  const summary = releaseSummary(action === 'CONTINUE' ? 'deploy' : 'rollback', [result]);
  opts.runner.info(summary.text);
  await opts.runner.summary(summary.markdown);
  return { services: [result], record, ...(recordFile ? { recordFile } : {}) };
}

async function gateEcs(
  aws: AwsClients,
  arn: string,
  action: 'CONTINUE' | 'ROLLBACK',
  opts: GateOptions,
): Promise<ServiceResult> {
  const { cluster, service } = parseServiceDeploymentArn(arn);
  const before = await describeServiceDeployment(aws.ecs, arn);
  if (!before) {
    throw new UserError(
      `service deployment ${arn} does not exist`,
      action === 'CONTINUE' ? 'continue' : 'deployment',
      'pass the deployment-arn output of the gated deploy',
    );
  }
  const source = before.sourceServiceRevisions?.[0]?.arn;
  const target = before.targetServiceRevision?.arn;
  const taskDefs = await revisionTaskDefinitions(aws.ecs, [source ?? '', target ?? '']);
  const previousTaskDefinition = source ? taskDefs.get(source) : undefined;
  const startedAt = new Date(opts.clock.now()).toISOString();
  const ref = { name: service, cluster, service };
  const did = await resumeGate(aws.ecs, arn, action);
  opts.runner.info(`${service}: ${did}`);
  const timeoutMs =
    opts.timeoutMs +
    (action === 'CONTINUE' ? plannedWaitMinutes(before.deploymentConfiguration) * 60_000 : 0);
  const f = await followServiceDeployment(aws.ecs, service, arn, {
    runner: opts.runner,
    clock: opts.clock,
    signal: opts.signal,
    timeoutMs,
    bakeMinutes: before.deploymentConfiguration?.bakeTimeInMinutes ?? 0,
    ...(opts.timing ? { timing: opts.timing } : {}),
    rollingBack: action === 'ROLLBACK',
  });
  const ex: Execution = { serviceDeploymentArn: arn, end: f.end };
  const s = await settle(aws, ref, ex, {
    // Cancelling the wait for a rollback must not "roll back the rollback".
    onCancel: action === 'ROLLBACK' ? 'leave' : opts.onCancel,
    containers: [],
    timeoutMs,
    runner: opts.runner,
    ...(previousTaskDefinition ? { previousTaskDefinition } : {}),
  });
  const strategy = before.deploymentConfiguration?.strategy;
  return {
    name: service,
    cluster,
    service,
    strategy: strategy === 'CANARY' ? 'canary' : strategy === 'LINEAR' ? 'linear' : 'blue-green',
    ...(previousTaskDefinition ? { previousTaskDefinition } : {}),
    ...(target && taskDefs.get(target) ? { taskDefinition: taskDefs.get(target) } : {}),
    images: [],
    serviceDeploymentArn: arn,
    ...s,
    startedAt,
    finishedAt: new Date(opts.clock.now()).toISOString(),
    polls: f.end.polls,
  };
}

async function gateCodeDeploy(
  aws: AwsClients,
  id: string,
  action: 'CONTINUE' | 'ROLLBACK',
  opts: GateOptions,
): Promise<ServiceResult> {
  const startedAt = new Date(opts.clock.now()).toISOString();
  const info = (await aws.codedeploy.send((sdk) => new sdk.GetDeploymentCommand({ deploymentId: id })))
    .deploymentInfo;
  const name = info?.deploymentGroupName ?? id;
  const ref = { name, cluster: '', service: name };
  const follow0 = {
    runner: opts.runner,
    clock: opts.clock,
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    ...(opts.timing ? { timing: opts.timing } : {}),
  };
  let end: Execution['end'];
  if (action === 'CONTINUE') {
    await continueCodeDeploy(aws, id);
    end = (await followCodeDeploy(aws, name, id, follow0)).end;
  } else {
    await aws.codedeploy.send(
      (sdk) => new sdk.StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }),
    );
    end = await follow<Verdict>(async () => {
      const status = (await aws.codedeploy.send((sdk) => new sdk.GetDeploymentCommand({ deploymentId: id })))
        .deploymentInfo?.status;
      if (status === 'Stopped')
        return { near: false, done: { kind: 'succeeded', reason: 'stopped with rollback' } };
      if (status === 'Succeeded')
        return {
          near: false,
          done: { kind: 'failed', reason: 'the deployment succeeded before it could be stopped' },
        };
      if (status === 'Failed')
        return { near: false, done: { kind: 'succeeded', reason: 'failed and rolled back' } };
      return { near: true };
    }, follow0);
  }
  const s = await settle(
    aws,
    ref,
    { codedeployDeploymentId: id, end },
    {
      onCancel: action === 'ROLLBACK' ? 'leave' : opts.onCancel,
      containers: [],
      timeoutMs: opts.timeoutMs,
      runner: opts.runner,
    },
  );
  return {
    name,
    cluster: '',
    service: name,
    strategy: 'codedeploy',
    images: [],
    codedeployDeploymentId: id,
    ...s,
    startedAt,
    finishedAt: new Date(opts.clock.now()).toISOString(),
    polls: end.polls,
  };
}
