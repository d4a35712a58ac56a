// One deployment of one service, start to outcome, whatever started it (deploy, rollback, a release
// rolling back its earlier services): start it (UpdateService or CodeDeploy CreateDeployment), follow
// it with the strategy's follower, then settle: map the wait's end to an outcome, apply the cancel
// policy to a deployment left in flight, and collect a diagnosis of a failure before ECS forgets it.
import type { ContainerDefinition, Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import { followServiceDeployment } from './blue-green.js';
import { applyCancelPolicy } from './cancel.js';
import { type AppSpec, createCodeDeployDeployment, followCodeDeploy } from './codedeploy.js';
import { diagnose, diagnosisMarkdown, saveDiagnosis } from './diagnose.js';
import type { FollowEnd } from './follow.js';
import type { Verdict } from './outcome.js';
import { type FollowSettings, followRolling, startUpdate } from './rolling.js';
import type { CancelPolicy, ServiceOutcome, ServiceTarget, StopAt } from './types.js';

export interface ServiceRef {
  name: string;
  cluster: string;
  service: string;
}

export type Plan =
  | {
      kind: 'ecs';
      update: UpdateServiceCommandInput;
      /** Follow the service deployment's lifecycle (BLUE_GREEN, LINEAR, CANARY) instead of rolloutState. */
      native: boolean;
      bakeMinutes?: number;
    }
  | { kind: 'codedeploy'; target: ServiceTarget; appSpec: AppSpec };

export interface Execution {
  deploymentId?: string;
  serviceDeploymentArn?: string;
  codedeployDeploymentId?: string;
  end: FollowEnd<Verdict>;
  lastService?: Service;
}

/** Starts the planned deployment and follows it to its outcome (or timeout, or cancellation). */
export async function execute(
  aws: AwsClients,
  ref: ServiceRef,
  plan: Plan,
  live: Service,
  previousTaskDefinition: string | undefined,
  opts: FollowSettings & { stopAt?: StopAt },
): Promise<Execution> {
  // Right after the start there is nothing to see yet: the first poll waits one slow delay.
  opts = { ...opts, delayFirstPoll: true };
  if (plan.kind === 'codedeploy') {
    const id = await createCodeDeployDeployment(aws, plan.target, plan.appSpec);
    opts.runner.info(`${ref.name}: CodeDeploy deployment ${id} created`);
    const f = await followCodeDeploy(aws, ref.name, id, {
      ...opts,
      stopAtReady: opts.stopAt === 'test-traffic',
    });
    return { codedeployDeploymentId: id, end: f.end };
  }
  const started = await startUpdate(aws.ecs, plan.update, live);
  opts.runner.info(
    `${ref.name}: deployment ${started.deploymentId} started (${plan.update.taskDefinition})` +
      (started.serviceDeploymentArn ? `\n  service deployment ${started.serviceDeploymentArn}` : ''),
  );
  const ids = {
    deploymentId: started.deploymentId,
    ...(started.serviceDeploymentArn ? { serviceDeploymentArn: started.serviceDeploymentArn } : {}),
  };
  if (plan.native && started.serviceDeploymentArn) {
    const f = await followServiceDeployment(aws.ecs, ref.name, started.serviceDeploymentArn, {
      ...opts,
      ...(plan.bakeMinutes !== undefined ? { bakeMinutes: plan.bakeMinutes } : {}),
    });
    return { ...ids, end: f.end };
  }
  const f = await followRolling(
    aws.ecs,
    ref,
    { deploymentId: started.deploymentId, ...(previousTaskDefinition ? { previousTaskDefinition } : {}) },
    started,
    opts,
  );
  return { ...ids, end: f.end, ...(f.last ? { lastService: f.last } : {}) };
}

export interface Settled {
  outcome: ServiceOutcome;
  reason: string;
  stage?: string;
  afterwards?: string;
  diagnosisFiles?: string[];
}

export interface SettleOptions {
  onCancel: CancelPolicy;
  outputDir?: string;
  containers: ContainerDefinition[];
  previousTaskDefinition?: string;
  timeoutMs: number;
  runner: FollowSettings['runner'];
}

/** From the wait's end to an outcome; applies the cancel policy and diagnoses failures. */
export async function settle(
  aws: AwsClients,
  ref: ServiceRef,
  ex: Execution,
  opts: SettleOptions,
): Promise<Settled> {
  let settled: Settled;
  if (ex.end.kind === 'done') {
    const v = ex.end.value;
    settled = { outcome: v.kind, reason: v.reason, ...(v.stage ? { stage: v.stage } : {}) };
  } else {
    const outcome = ex.end.kind;
    const reason =
      outcome === 'timeout'
        ? `no outcome after ${Math.round(opts.timeoutMs / 1000)} s (the deployment is still in progress)`
        : 'cancelled while waiting';
    opts.runner.warning(`${ref.name}: ${reason}; state at that moment: ${describeLast(ex)}`);
    let afterwards: string;
    try {
      afterwards = await applyCancelPolicy(
        aws,
        {
          cluster: ref.cluster,
          service: ref.service,
          ...(ex.serviceDeploymentArn ? { serviceDeploymentArn: ex.serviceDeploymentArn } : {}),
          ...(ex.codedeployDeploymentId ? { codedeployDeploymentId: ex.codedeployDeploymentId } : {}),
          ...(opts.previousTaskDefinition ? { previousTaskDefinition: opts.previousTaskDefinition } : {}),
        },
        opts.onCancel,
      );
    } catch (err) {
      afterwards = `could not apply --on-cancel ${opts.onCancel}: ${(err as Error).message}`;
    }
    opts.runner.info(`${ref.name}: ${afterwards}`);
    settled = { outcome, reason, afterwards };
  }
  // Task failures get a diagnosis; a replaced or cancelled deployment says nothing about our tasks.
  if (['failed', 'rolled-back', 'timeout'].includes(settled.outcome) && ex.deploymentId !== undefined) {
    const d = await diagnose(aws, {
      ...ref,
      deploymentId: ex.deploymentId,
      reason: settled.reason,
      ...(ex.lastService ? { last: ex.lastService } : {}),
      containers: opts.containers,
    });
    opts.runner.error(`${ref.name}: ${settled.reason}`);
    opts.runner.info(diagnosisMarkdown(d));
    await opts.runner.summary(`${diagnosisMarkdown(d)}\n`);
    if (opts.outputDir) settled.diagnosisFiles = await saveDiagnosis(opts.outputDir, d);
  }
  return settled;
}

function describeLast(ex: Execution): string {
  const d = ex.lastService?.deployments?.find((x) => x.id === ex.deploymentId);
  if (!d) return ex.codedeployDeploymentId ?? ex.serviceDeploymentArn ?? 'unknown';
  return `${d.id} ${d.rolloutState ?? d.status}, running ${d.runningCount ?? 0}/${d.desiredCount ?? 0}, pending ${d.pendingCount ?? 0}, failed ${d.failedTasks ?? 0}`;
}
