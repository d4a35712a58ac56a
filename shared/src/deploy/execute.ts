// One deployment of one service, start to outcome, whatever started it (deploy, rollback, a release
// rolling back its earlier services): start it (UpdateService or CodeDeploy CreateDeployment), follow
// it with the strategy's follower, then settle: map the wait's end to an outcome, apply the cancel
// policy to a deployment left in flight, and collect a diagnosis of a failure before ECS forgets it.
import type { ContainerDefinition, Service, UpdateServiceCommandInput } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import { afterGrace, awsErrorText, withDeadline } from '../aws/retry.js';
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
  /** A mutating call was sent (the deployment may exist even when the call failed). */
  sent?: boolean;
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
  /** startOnly: start the deployment and return without following it (a cancelled job's restores). */
  opts: FollowSettings & { stopAt?: StopAt; startOnly?: boolean },
): Promise<Execution> {
  const notFollowed: FollowEnd<Verdict> = { kind: 'cancelled', polls: 0, elapsedMs: 0 };
  // Right after the start there is nothing to see yet: the first poll waits one slow delay.
  opts = { ...opts, delayFirstPoll: true };
  const ids: Omit<Execution, 'end'> = { sent: true };
  try {
    if (plan.kind === 'codedeploy') {
      const id = await withDeadline(
        opts.timeoutMs,
        () => createCodeDeployDeployment(aws, plan.target, plan.appSpec),
        afterGrace(opts.signal, CANCEL_BUDGET_MS),
      );
      ids.codedeployDeploymentId = id;
      opts.runner.info(`${ref.name}: CodeDeploy deployment ${id} created`);
      if (opts.startOnly) return { ...ids, end: notFollowed };
      const f = await followCodeDeploy(aws, ref.name, id, {
        ...opts,
        stopAtReady: opts.stopAt === 'test-traffic',
      });
      return { ...ids, end: f.end };
    }
    const started = await withDeadline(
      opts.timeoutMs,
      () => startUpdate(aws.ecs, plan.update, live),
      afterGrace(opts.signal, CANCEL_BUDGET_MS),
    );
    opts.runner.info(
      `${ref.name}: deployment ${started.deploymentId} started (${plan.update.taskDefinition})` +
        (started.serviceDeploymentArn ? `\n  service deployment ${started.serviceDeploymentArn}` : ''),
    );
    ids.deploymentId = started.deploymentId;
    if (started.serviceDeploymentArn) ids.serviceDeploymentArn = started.serviceDeploymentArn;
    if (opts.startOnly) return { ...ids, end: notFollowed };
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
  } catch (err) {
    // The start itself failed (UpdateService or CreateDeployment throttled or refused for good, or
    // aborted): the change may have happened, so it is settled like any other end of the wait.
    const end: FollowEnd<Verdict> = opts.signal.aborted
      ? { kind: 'cancelled', polls: 0, elapsedMs: 0 }
      : { kind: 'error', error: err as Error, polls: 0, elapsedMs: 0 };
    return { ...ids, end };
  }
}

/** Wall-time budgets of the work after the wait, so a step ends within its timeout plus 10 s. */
export const CANCEL_BUDGET_MS = 4000;
export const DIAGNOSIS_BUDGET_MS = 5000;

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
    const outcome = ex.end.kind === 'error' ? 'failed' : ex.end.kind;
    const reason =
      ex.end.kind === 'error'
        ? awsErrorText(ex.end.error)
        : ex.end.kind === 'timeout'
          ? `no outcome after ${Math.round(opts.timeoutMs / 1000)} s (the deployment is still in progress)` +
            (ex.end.trouble ? `; ${ex.end.trouble} until then` : '')
          : 'cancelled while waiting';
    opts.runner.warning(`${ref.name}: ${reason}; state at that moment: ${describeLast(ex)}`);
    let afterwards: string;
    try {
      // The job's own signal may be the one that aborted: the cancel policy gets its own short budget.
      afterwards = await withDeadline(CANCEL_BUDGET_MS, () =>
        applyCancelPolicy(
          aws,
          {
            cluster: ref.cluster,
            service: ref.service,
            ...(ex.serviceDeploymentArn ? { serviceDeploymentArn: ex.serviceDeploymentArn } : {}),
            ...(ex.codedeployDeploymentId ? { codedeployDeploymentId: ex.codedeployDeploymentId } : {}),
            ...(opts.previousTaskDefinition && ex.sent
              ? { previousTaskDefinition: opts.previousTaskDefinition }
              : {}),
          },
          opts.onCancel,
        ),
      );
    } catch (err) {
      afterwards = `could not apply --on-cancel ${opts.onCancel}: ${awsErrorText(err)}`;
    }
    opts.runner.info(`${ref.name}: ${afterwards}`);
    settled = { outcome, reason, afterwards };
  }
  // Task failures get a diagnosis; a replaced or cancelled deployment says nothing about our tasks.
  if (['failed', 'rolled-back', 'timeout'].includes(settled.outcome) && ex.deploymentId !== undefined) {
    const d = await withDeadline(DIAGNOSIS_BUDGET_MS, () =>
      diagnose(aws, {
        ...ref,
        deploymentId: ex.deploymentId,
        reason: settled.reason,
        ...(ex.lastService ? { last: ex.lastService } : {}),
        containers: opts.containers,
      }),
    );
    opts.runner.error(`${ref.name}: ${settled.reason}`);
    opts.runner.info(diagnosisMarkdown(d));
    await opts.runner.summary(`${diagnosisMarkdown(d)}\n`);
    if (opts.outputDir) settled.diagnosisFiles = await saveDiagnosis(opts.outputDir, d);
  } else if (settled.outcome === 'failed') {
    opts.runner.error(`${ref.name}: ${settled.reason}`);
  }
  return settled;
}

function describeLast(ex: Execution): string {
  const d = ex.lastService?.deployments?.find((x) => x.id === ex.deploymentId);
  if (!d) return ex.codedeployDeploymentId ?? ex.serviceDeploymentArn ?? 'unknown';
  return `${d.id} ${d.rolloutState ?? d.status}, running ${d.runningCount ?? 0}/${d.desiredCount ?? 0}, pending ${d.pendingCount ?? 0}, failed ${d.failedTasks ?? 0}`;
}
