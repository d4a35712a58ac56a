// Honest outcomes: what one observation of AWS says about OUR deployment. Pure functions, no AWS calls.
// The rule every function here follows: success only when the deployment we started reached its own
// terminal success state. A service that is "stable" again after a rollback is a failure (the bug that
// aws-actions#191, ecspresso#732 and fabfuel#185 shipped), and so is a deployment someone else replaced.
import type { Deployment, Service, ServiceDeployment, ServiceEvent } from '@aws-sdk/client-ecs';
import type { Observation } from './follow.js';

export type VerdictKind = 'succeeded' | 'failed' | 'rolled-back' | 'replaced' | 'stage-reached';

export interface Verdict {
  kind: VerdictKind;
  reason: string;
  /** For stage-reached: the lifecycle stage (ECS) or status (CodeDeploy) the wait stopped at. */
  stage?: string;
}

/** What a rolling follow knows about the deployment it started. */
export interface RollingIdentity {
  deploymentId: string;
  /** The task definition ARN that was live before our UpdateService. */
  previousTaskDefinition?: string;
}

export interface Counts {
  desired: number;
  running: number;
  pending: number;
  failed: number;
}

export interface RollingObservation extends Observation<Verdict> {
  counts?: Counts;
  rolloutState?: string;
}

const countsOf = (d: Deployment): Counts => ({
  desired: d.desiredCount ?? 0,
  running: d.runningCount ?? 0,
  pending: d.pendingCount ?? 0,
  failed: d.failedTasks ?? 0,
});

/** Classifies one DescribeServices result for a rolling (ECS controller) deployment. */
export function classifyRolling(service: Service | undefined, mine: RollingIdentity): RollingObservation {
  if (!service) return { near: false, done: { kind: 'failed', reason: 'the service no longer exists' } };
  if (service.status && service.status !== 'ACTIVE') {
    return { near: false, done: { kind: 'failed', reason: `the service is ${service.status}` } };
  }
  const deployments = service.deployments ?? [];
  const ours = deployments.find((d) => d.id === mine.deploymentId);
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  const counts = ours ? countsOf(ours) : undefined;
  const rolloutState = ours?.rolloutState;

  if (ours?.rolloutState === 'FAILED') {
    const why = (ours.rolloutStateReason ?? 'rolloutState is FAILED').replace(/\.$/, '');
    if (primary && primary.id !== ours.id) {
      return {
        near: false,
        counts,
        rolloutState,
        done: { kind: 'rolled-back', reason: `${why}; ECS is rolling back to ${primary.taskDefinition}` },
      };
    }
    return { near: false, counts, rolloutState, done: { kind: 'failed', reason: why } };
  }

  if (ours && ours.status === 'PRIMARY') {
    // rolloutState is absent only where ECS does not track it (Classic LB): fall back to "alone and full".
    const completed =
      ours.rolloutState === 'COMPLETED' ||
      (ours.rolloutState === undefined &&
        deployments.length === 1 &&
        (ours.runningCount ?? 0) === (ours.desiredCount ?? 0));
    if (completed) {
      return {
        near: false,
        counts,
        rolloutState,
        done: { kind: 'succeeded', reason: 'rolloutState COMPLETED' },
      };
    }
    const c = countsOf(ours);
    // Near: our tasks are all up and ECS is retiring the old ones (their desired count went to 0), so
    // only draining is left before COMPLETED; or failures are being counted toward the circuit breaker.
    // While new tasks await their health checks the old ones keep their desired count: that wait is
    // long (health intervals) and polled slowly.
    const others = deployments.filter((d) => d.id !== ours.id);
    const retiring = others.every((d) => (d.desiredCount ?? 0) === 0 || (d.runningCount ?? 0) === 0);
    const near = (c.running >= c.desired && c.pending === 0 && retiring) || c.failed > 0;
    return { near, counts, rolloutState };
  }

  if (primary && primary.id !== mine.deploymentId) {
    if (mine.previousTaskDefinition && primary.taskDefinition === mine.previousTaskDefinition) {
      return {
        near: false,
        counts,
        rolloutState,
        done: {
          kind: 'rolled-back',
          reason: `deployment ${primary.id} returned the service to ${primary.taskDefinition}`,
        },
      };
    }
    return {
      near: false,
      counts,
      rolloutState,
      done: {
        kind: 'replaced',
        reason:
          `another deployment (${primary.id}, task definition ${primary.taskDefinition}) replaced ours ` +
          `(${mine.deploymentId}): someone else updated the service while we were deploying`,
      },
    };
  }
  // No PRIMARY at all: a transient view; keep polling.
  return { near: false, counts, rolloutState };
}

export const LIFECYCLE_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;

/** Where a pipeline may stop waiting: the stage after which test traffic is fully on the new revision. */
export const STOP_AT_STAGES: Record<string, string> = {
  'test-traffic': 'POST_TEST_TRAFFIC_SHIFT',
};

const stageIndex = (stage: string | undefined) =>
  stage ? LIFECYCLE_STAGES.indexOf(stage as (typeof LIFECYCLE_STAGES)[number]) : -1;

export interface ServiceDeploymentIdentity {
  /** Lifecycle stage at which the wait returns (stage gate), if any. */
  stopAtStage?: string;
  /** Clock time at which the bake is expected to end (from our first sight of BAKE_TIME). */
  bakeEndsAt?: number;
  now: number;
}

/** Classifies one ServiceDeployment (ECS-native BLUE_GREEN, LINEAR, CANARY, and rollbacks of any kind). */
export function classifyServiceDeployment(
  sd: ServiceDeployment | undefined,
  at: ServiceDeploymentIdentity,
): Observation<Verdict> {
  if (!sd) return { near: false, done: { kind: 'failed', reason: 'the service deployment is not found' } };
  const why = sd.statusReason ? `: ${sd.statusReason}` : '';
  switch (sd.status) {
    case 'SUCCESSFUL':
      return { near: false, done: { kind: 'succeeded', reason: 'service deployment SUCCESSFUL' } };
    case 'STOPPED':
      return { near: false, done: { kind: 'failed', reason: `the service deployment was stopped${why}` } };
    case 'ROLLBACK_FAILED':
      return { near: false, done: { kind: 'failed', reason: `the rollback failed${why}` } };
    case 'ROLLBACK_REQUESTED':
    case 'ROLLBACK_IN_PROGRESS':
    case 'ROLLBACK_SUCCESSFUL': {
      const reason = sd.rollback?.reason ?? sd.statusReason ?? sd.status;
      return { near: false, done: { kind: 'rolled-back', reason: `rolled back: ${reason}` } };
    }
  }
  const stage = sd.lifecycleStage;
  if (at.stopAtStage) {
    // Held = at the gate stage with our PAUSE hook awaiting action (ECS enters the stage a moment
    // before the hook starts waiting). A deployment already past the gate is reported where it is.
    const held =
      stage === at.stopAtStage && (sd.lifecycleHookDetails ?? []).some((h) => h.status === 'AWAITING_ACTION');
    if (held || stageIndex(stage) > stageIndex(at.stopAtStage)) {
      return { near: false, done: { kind: 'stage-reached', reason: `reached ${stage}`, stage } };
    }
    if (stage === at.stopAtStage) return { near: true };
  }
  const breaker = sd.deploymentCircuitBreaker;
  // Failed tasks bring the outcome near only when a circuit breaker is counting them.
  const failing =
    breaker?.status !== 'DISABLED' && ((breaker?.failureCount ?? 0) > 0 || breaker?.status === 'TRIGGERED');
  // Success can only come at the end of the bake and clean-up (old tasks stopping); earlier stages
  // (tasks starting, health, traffic shifts) are polled slowly.
  const bakeEnding =
    (stage === 'BAKE_TIME' && (at.bakeEndsAt === undefined || at.now >= at.bakeEndsAt - 5000)) ||
    stage === 'CLEAN_UP';
  return { near: failing || bakeEnding };
}

/** The CodeDeploy side: GetDeployment's status. Stopped and Failed are failures, whatever the service looks like. */
export function classifyCodeDeploy(
  info:
    | {
        status?: string;
        errorInformation?: { code?: string; message?: string };
        rollbackInfo?: { rollbackMessage?: string };
      }
    | undefined,
  stopAtReady: boolean,
): Observation<Verdict> {
  const status = info?.status;
  const err = info?.errorInformation;
  const detail = err ? `${err.code ?? ''} ${err.message ?? ''}`.trim() : '';
  switch (status) {
    case 'Succeeded':
      return { near: false, done: { kind: 'succeeded', reason: 'CodeDeploy deployment Succeeded' } };
    case 'Failed':
      return {
        near: false,
        done: { kind: 'failed', reason: `CodeDeploy deployment Failed${detail ? `: ${detail}` : ''}` },
      };
    case 'Stopped': {
      const rb = info?.rollbackInfo?.rollbackMessage;
      const reason = `CodeDeploy deployment Stopped${detail ? `: ${detail}` : ''}${rb ? ` (${rb})` : ''}`;
      return { near: false, done: { kind: rb ? 'rolled-back' : 'failed', reason } };
    }
    case 'Ready':
      if (stopAtReady)
        return { near: false, done: { kind: 'stage-reached', reason: 'test traffic ready', stage: 'Ready' } };
      return { near: false };
    case 'Baking':
      return { near: true };
    default:
      return { near: false };
  }
}

/** Service events not printed yet, oldest first. Dedupe is by event id, so a re-read prints nothing twice. */
export class EventFeed {
  private readonly seen = new Set<string>();

  constructor(initial: ServiceEvent[] = []) {
    for (const e of initial) if (e.id) this.seen.add(e.id);
  }

  fresh(events: ServiceEvent[] = []): ServiceEvent[] {
    const out = events.filter((e) => e.id && !this.seen.has(e.id));
    for (const e of out) this.seen.add(e.id as string);
    return out.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
  }
}

/** Classifies a service deployment we asked ECS to roll back: success is ROLLBACK_SUCCESSFUL, nothing less. */
export function classifyRollbackOf(sd: ServiceDeployment | undefined): Observation<Verdict> {
  if (!sd) return { near: false, done: { kind: 'failed', reason: 'the service deployment is not found' } };
  const why = sd.statusReason ? `: ${sd.statusReason}` : '';
  switch (sd.status) {
    case 'ROLLBACK_SUCCESSFUL':
      return { near: false, done: { kind: 'succeeded', reason: 'ROLLBACK_SUCCESSFUL' } };
    case 'ROLLBACK_FAILED':
      return { near: false, done: { kind: 'failed', reason: `the rollback failed${why}` } };
    case 'SUCCESSFUL':
      return {
        near: false,
        done: { kind: 'failed', reason: 'the deployment completed before it could be rolled back' },
      };
    case 'STOPPED':
      return {
        near: false,
        done: { kind: 'failed', reason: `the deployment stopped without a rollback${why}` },
      };
  }
  const t = sd.targetServiceRevision;
  return {
    near: sd.status === 'ROLLBACK_IN_PROGRESS' || (t !== undefined && (t.runningTaskCount ?? 0) === 0),
  };
}
