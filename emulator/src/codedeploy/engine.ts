// The life of a CodeDeploy ECS blue/green deployment on the emulator clock:
//   Created → InProgress: start the replacement (green) task set in the target group not serving
//   production; wait for it to be healthy → point test listeners at it → (Ready: wait for
//   ContinueDeployment when the group says STOP_DEPLOYMENT) → shift production listener weights by the
//   deployment config (all at once, linear, canary) → the service runs the new task definition →
//   termination wait (still InProgress) → the original (blue) task set is removed → Succeeded.
// A replacement that keeps failing fails the deployment (ECS_UPDATE_ERROR, or HEALTH_CONSTRAINTS when
// its tasks fail health checks); auto-rollback and StopDeployment with rollback send traffic back to
// blue through a rollback deployment. ECS task sets are reached through the EcsTaskSets port, ELBv2
// listeners through world.elbv2.
import type { World } from '../state.js';
import { AwsError } from '../types.js';
import { trafficPlan } from './configs.js';
import {
  type CodeDeployStore,
  type Deployment,
  type DeploymentGroup,
  deploymentId,
  type LifecycleEvent,
  type TaskSetSide,
  TERMINAL,
} from './store.js';

export interface TaskSetCounts {
  desired: number;
  pending: number;
  running: number;
  /** Running and passing health checks (container and load balancer). */
  healthy: number;
  /** Tasks of the set that stopped unexpectedly (failed to start, exited, failed health checks). */
  failed: number;
  lastStoppedReason?: string;
}

export interface TaskSetSpec {
  taskDefinition: string;
  targetGroupArn: string;
  containerName: string;
  containerPort: number;
  networkConfiguration?: Record<string, unknown>;
  platformVersion?: string;
  capacityProviderStrategy?: Record<string, unknown>[];
}

/** What CodeDeploy needs from ECS for a CODE_DEPLOY-controlled service. */
export interface EcsTaskSets {
  /** The task set now serving the service (the blue one before a deployment). */
  current(cluster: string, service: string): string;
  start(cluster: string, service: string, spec: TaskSetSpec): string;
  /** Counts of a task set; throws once the set is gone. */
  counts(cluster: string, service: string, taskSetId: string): TaskSetCounts;
  /** Makes the task set PRIMARY (the service reports its task definition) and keeps the others running. */
  serve(cluster: string, service: string, taskSetId: string): void;
  /** Ends the deployment in ECS: the task set stays PRIMARY and every other one is removed. */
  complete(cluster: string, service: string, taskSetId: string): void;
  /** Scales a task set to zero; it leaves the service once its tasks stopped. */
  remove(cluster: string, service: string, taskSetId: string): void;
}

const MINUTE = 60_000;
/** CodeDeploy waits this long for the replacement task set to become healthy. */
const INSTALL_TIMEOUT_MS = 60 * MINUTE;
const ECS_EVENTS = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
];

/** Failed replacement tasks that fail the deployment: ECS's circuit-breaker rule, half the desired count within 3..200. */
export function failureThreshold(desired: number): number {
  return Math.min(200, Math.max(3, Math.ceil(desired / 2)));
}

export class CodeDeployEngine {
  constructor(
    private readonly world: World,
    private readonly store: CodeDeployStore,
    private readonly ecs: EcsTaskSets,
  ) {}

  private now(): number {
    return this.world.clock.now();
  }

  /** Creates a deployment in status Created; the next tick starts it. */
  create(
    g: DeploymentGroup,
    d: Omit<
      Deployment,
      | 'deploymentId'
      | 'status'
      | 'phase'
      | 'createTime'
      | 'greenPercent'
      | 'testRouted'
      | 'promoted'
      | 'stepIndex'
      | 'lifecycle'
      | 'lastUpdatedAt'
    >,
  ): Deployment {
    const now = this.now();
    const deployment: Deployment = {
      ...d,
      deploymentId: deploymentId(),
      status: 'Created',
      phase: 'created',
      createTime: now,
      greenPercent: 0,
      testRouted: false,
      promoted: false,
      stepIndex: -1,
      lifecycle: ECS_EVENTS.map((lifecycleEventName) => ({ lifecycleEventName, status: 'Pending' })),
      lastUpdatedAt: now,
    };
    this.store.deployments.set(deployment.deploymentId, deployment);
    g.lastAttemptedDeployment = deployment.deploymentId;
    return deployment;
  }

  tick(): void {
    for (const d of this.store.deployments.values()) {
      if (TERMINAL.includes(d.status)) continue;
      try {
        this.advance(d);
      } catch (e) {
        // A world change under the deployment (service deleted, listener gone) fails it like AWS
        // would; if even the cleanup fails, the deployment still ends rather than break the clock.
        if (TERMINAL.includes(d.status)) continue;
        try {
          this.fail(
            d,
            'ECS_UPDATE_ERROR',
            `The ECS service cannot be updated due to an unexpected error: ${(e as Error).message}`,
          );
        } catch {
          this.finish(d, 'Failed', { code: 'INTERNAL_ERROR', message: (e as Error).message });
        }
      }
    }
  }

  private group(d: Deployment): DeploymentGroup {
    return this.store.group(d.applicationName, d.deploymentGroupName);
  }

  private advance(d: Deployment): void {
    const now = this.now();
    const g = this.group(d);
    const { clusterName, serviceName } = g.ecsService;
    switch (d.phase) {
      case 'created':
        this.start(d, g);
        return;
      case 'installing': {
        const counts = this.ecs.counts(clusterName, serviceName, d.green!.taskSetId!);
        if (this.failedTooOften(d, counts)) return;
        if (counts.desired === 0 || counts.healthy >= counts.desired) {
          this.event(d, 'Install', 'Succeeded');
          this.event(d, 'AfterInstall', 'Succeeded');
          this.allowTestTraffic(d, g);
          return;
        }
        if (now >= d.installDeadline!) {
          this.fail(
            d,
            'ECS_UPDATE_ERROR',
            'The ECS service cannot be updated due to an unexpected error: The deployment timed out while waiting for the replacement task set to become healthy. This time out period is 60 minutes.',
          );
        }
        return;
      }
      case 'ready':
        if (now >= d.readyUntil!) {
          this.finish(d, 'Stopped', {
            code: 'TIMEOUT',
            message:
              'The deployment timed out while waiting for ContinueDeployment to start rerouting traffic.',
          });
          this.restore(d, g);
        }
        return;
      case 'shifting': {
        const counts = this.ecs.counts(clusterName, serviceName, d.green!.taskSetId!);
        if (this.failedTooOften(d, counts)) return;
        const plan = trafficPlan(d.routing);
        let next = d.stepIndex;
        while (next + 1 < plan.length && now - d.shiftStartedAt! >= plan[next + 1].afterMs) next++;
        if (next !== d.stepIndex) this.applyStep(d, g, next);
        return;
      }
      case 'terminationWait': {
        const counts = this.ecs.counts(clusterName, serviceName, d.green!.taskSetId!);
        if (this.failedTooOften(d, counts)) return;
        if (now >= d.terminateAt!) this.terminateBlue(d, g);
        return;
      }
      default:
        return;
    }
  }

  /** Checks the AppSpec against ECS and starts the replacement task set in the idle target group. */
  private start(d: Deployment, g: DeploymentGroup): void {
    const now = this.now();
    const spec = d.appSpec!;
    const { clusterName, serviceName } = g.ecsService;
    d.status = 'InProgress';
    d.startTime = now;
    d.phase = 'installing';
    d.lastUpdatedAt = now;
    this.event(d, 'BeforeInstall', 'Succeeded');
    this.event(d, 'Install', 'InProgress');

    const cluster = this.world.ecs.findCluster(clusterName);
    const service = cluster && this.world.ecs.findService(cluster, serviceName);
    if (service?.status !== 'ACTIVE') {
      this.fail(
        d,
        'INVALID_ECS_SERVICE',
        `The ECS service ${serviceName} in cluster ${clusterName} does not exist or is not active.`,
      );
      return;
    }
    const problem = this.appSpecProblem(d);
    if (problem) {
      this.fail(
        d,
        'ECS_UPDATE_ERROR',
        `The ECS service cannot be updated due to an unexpected error: ${problem}`,
      );
      return;
    }
    const [tgA, tgB] = g.targetGroupPair.targetGroups.map((t) => this.targetGroup(t.name));
    const prod = g.targetGroupPair.prodTrafficRoute.listenerArns[0];
    const weights = this.world.elbv2.forwardWeights(prod);
    const weightOf = (arn: string) => weights.find((w) => w.TargetGroupArn === arn)?.Weight ?? 0;
    const [blueTg, greenTg] = weightOf(tgB.arn) > weightOf(tgA.arn) ? [tgB, tgA] : [tgA, tgB];
    d.blue = {
      taskSetId: this.ecs.current(clusterName, serviceName),
      targetGroupArn: blueTg.arn,
      targetGroupName: blueTg.name,
      taskDefinition: service.taskDefinition,
    };
    const taskDef = this.world.ecs.findTaskDef(spec.taskDefinition)!;
    d.green = { targetGroupArn: greenTg.arn, targetGroupName: greenTg.name, taskDefinition: taskDef.arn };
    d.green.taskSetId = this.ecs.start(clusterName, serviceName, {
      taskDefinition: taskDef.arn,
      targetGroupArn: greenTg.arn,
      containerName: spec.containerName,
      containerPort: spec.containerPort,
      networkConfiguration: spec.networkConfiguration,
      platformVersion: spec.platformVersion,
      capacityProviderStrategy: spec.capacityProviderStrategy,
    });
    d.installDeadline = now + INSTALL_TIMEOUT_MS;
  }

  /** The problems ECS reports when CodeDeploy asks it to create the task set (ECS's own wording). */
  private appSpecProblem(d: Deployment): string | undefined {
    const spec = d.appSpec!;
    const td = this.world.ecs.findTaskDef(spec.taskDefinition);
    if (td?.status !== 'ACTIVE') {
      return `TaskDefinition not found: ${spec.taskDefinition} (Service: AmazonECS; Status Code: 400; Error Code: ClientException)`;
    }
    const containers = (td.body.containerDefinitions ?? []) as {
      name: string;
      portMappings?: { containerPort?: number }[];
    }[];
    const container = containers.find((c) => c.name === spec.containerName);
    if (!container) {
      return `The container ${spec.containerName} does not exist in the task definition. (Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException)`;
    }
    if (!(container.portMappings ?? []).some((p) => p.containerPort === spec.containerPort)) {
      return `The container ${spec.containerName} did not have a container port ${spec.containerPort} defined. (Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException)`;
    }
    return undefined;
  }

  private targetGroup(name: string): { arn: string; name: string } {
    for (const tg of this.world.elbv2.targetGroups.values()) {
      if (tg.TargetGroupName === name || tg.TargetGroupArn === name)
        return { arn: tg.TargetGroupArn, name: tg.TargetGroupName };
    }
    throw new Error(`target group ${name} not found`);
  }

  private allowTestTraffic(d: Deployment, g: DeploymentGroup): void {
    const test = g.targetGroupPair.testTrafficRoute?.listenerArns ?? [];
    for (const l of test) this.route(l, d.blue!, d.green!, 100);
    d.testRouted = test.length > 0;
    this.event(d, 'AllowTestTraffic', test.length > 0 ? 'Succeeded' : 'Skipped');
    this.event(d, 'AfterAllowTestTraffic', 'Succeeded');
    const ready = g.blueGreen.deploymentReadyOption;
    if (ready?.actionOnTimeout === 'STOP_DEPLOYMENT') {
      d.status = 'Ready';
      d.phase = 'ready';
      d.readyUntil = this.now() + (ready.waitTimeInMinutes ?? 0) * MINUTE;
      d.lastUpdatedAt = this.now();
      return;
    }
    this.beginShift(d, g);
  }

  private beginShift(d: Deployment, g: DeploymentGroup): void {
    d.status = 'InProgress';
    d.phase = 'shifting';
    d.shiftStartedAt = this.now();
    this.event(d, 'BeforeAllowTraffic', 'Succeeded');
    this.event(d, 'AllowTraffic', 'InProgress');
    this.applyStep(d, g, 0);
  }

  private applyStep(d: Deployment, g: DeploymentGroup, index: number): void {
    const step = trafficPlan(d.routing)[index];
    d.stepIndex = index;
    d.greenPercent = step.percent;
    d.lastUpdatedAt = this.now();
    for (const l of g.targetGroupPair.prodTrafficRoute.listenerArns)
      this.route(l, d.blue!, d.green!, step.percent);
    if (step.percent < 100) return;
    // All production traffic is on green: the service now runs the new task definition, and the
    // original task set lives on through the termination wait so a rollback stays instant.
    const { clusterName, serviceName } = g.ecsService;
    this.ecs.serve(clusterName, serviceName, d.green!.taskSetId!);
    d.promoted = true;
    this.event(d, 'AllowTraffic', 'Succeeded');
    this.event(d, 'AfterAllowTraffic', 'Succeeded');
    d.phase = 'terminationWait';
    const wait = g.blueGreen.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes ?? 0;
    d.terminateAt = this.now() + wait * MINUTE;
    if (wait === 0) this.terminateBlue(d, g);
  }

  private terminateBlue(d: Deployment, g: DeploymentGroup): void {
    const { clusterName, serviceName } = g.ecsService;
    this.ecs.complete(clusterName, serviceName, d.green!.taskSetId!);
    g.lastSuccessfulDeployment = d.deploymentId;
    this.finish(d, 'Succeeded');
  }

  private failedTooOften(d: Deployment, counts: TaskSetCounts): boolean {
    if (counts.failed < failureThreshold(counts.desired)) return false;
    const reason = counts.lastStoppedReason ?? 'tasks stopped';
    if (/health/i.test(reason)) {
      this.fail(
        d,
        'HEALTH_CONSTRAINTS',
        `The deployment failed because ${counts.failed} tasks of the replacement task set failed health checks in target group ${d.green!.targetGroupName} (last: ${reason}).`,
      );
    } else {
      this.fail(
        d,
        'ECS_UPDATE_ERROR',
        `The ECS service cannot be updated due to an unexpected error: ${counts.failed} tasks of the replacement task set stopped (last: ${reason}).`,
      );
    }
    return true;
  }

  private fail(d: Deployment, code: string, message: string): void {
    const running = d.lifecycle.find((e) => e.status === 'InProgress');
    if (running) this.event(d, running.lifecycleEventName, 'Failed');
    this.finish(d, 'Failed', { code, message });
    const g = this.group(d);
    if (d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_FAILURE')) {
      this.rollback(d, g);
    } else if (d.greenPercent === 0) {
      // Nothing reached production: the replacement is simply discarded.
      this.restore(d, g);
    }
  }

  /** StopDeployment: Stopped, and with rollback, traffic back to the original task set. */
  stop(d: Deployment, rollback: boolean): { status: string; statusMessage: string } {
    if (TERMINAL.includes(d.status)) {
      throw new AwsError(
        'DeploymentAlreadyCompletedException',
        `The deployment ${d.deploymentId} has already completed.`,
      );
    }
    this.finish(d, 'Stopped', {
      code: 'MANUAL_STOP',
      message: 'The deployment was stopped by a StopDeployment request.',
    });
    const g = this.group(d);
    if (rollback && (d.greenPercent > 0 || d.promoted)) {
      const r = this.rollback(d, g);
      return {
        status: 'Succeeded',
        statusMessage: `Deployment ${d.deploymentId} stopped and rolled back by ${r.deploymentId}.`,
      };
    }
    if (rollback || d.greenPercent === 0) this.restore(d, g);
    return { status: 'Succeeded', statusMessage: `Deployment ${d.deploymentId} stopped.` };
  }

  /** ContinueDeployment: READY_WAIT starts rerouting, TERMINATION_WAIT ends the wait for blue's removal. */
  continue(d: Deployment, waitType: string): void {
    if (waitType === 'READY_WAIT') {
      if (d.status !== 'Ready') {
        throw new AwsError(
          'DeploymentIsNotInReadyStateException',
          `The deployment ${d.deploymentId} is not in the Ready state.`,
        );
      }
      this.beginShift(d, this.group(d));
      return;
    }
    if (waitType === 'TERMINATION_WAIT') {
      if (d.phase !== 'terminationWait') {
        throw new AwsError(
          'InvalidDeploymentStatusException',
          `The deployment ${d.deploymentId} is not waiting to terminate the original task set.`,
        );
      }
      this.terminateBlue(d, this.group(d));
      return;
    }
    throw new AwsError(
      'InvalidDeploymentWaitTypeException',
      `The wait type ${waitType} is invalid; use READY_WAIT or TERMINATION_WAIT.`,
    );
  }

  /**
   * A rollback deployment (creator autoRollback): production and test traffic back on blue, the
   * service back on the original task definition, the replacement task set removed.
   */
  private rollback(d: Deployment, g: DeploymentGroup): Deployment {
    const r = this.create(g, {
      applicationName: d.applicationName,
      deploymentGroupName: d.deploymentGroupName,
      deploymentConfigName: d.deploymentConfigName,
      routing: { type: 'AllAtOnce' },
      revision: d.revision,
      appSpec: d.appSpec,
      creator: 'autoRollback',
      description: `Rollback of ${d.deploymentId}`,
      autoRollback: { enabled: false, events: [] },
      rollbackInfo: { rollbackTriggeringDeploymentId: d.deploymentId },
      blue: d.blue,
      green: d.green,
    });
    r.status = 'InProgress';
    r.startTime = this.now();
    this.restore(d, g);
    for (const e of r.lifecycle) e.status = 'Succeeded';
    this.finish(r, 'Succeeded');
    d.rollbackInfo = {
      rollbackDeploymentId: r.deploymentId,
      rollbackMessage: `Deployment ${d.deploymentId} was rolled back by ${r.deploymentId}: traffic is back on the original task set.`,
    };
    g.lastAttemptedDeployment = d.deploymentId;
    return r;
  }

  /** Undoes whatever the deployment changed: listeners, the service's primary task set, the green task set. */
  private restore(d: Deployment, g: DeploymentGroup): void {
    const { clusterName, serviceName } = g.ecsService;
    // Only listeners the deployment moved are rewritten, so an untouched one keeps its exact shape.
    if (d.blue && d.green && (d.greenPercent > 0 || d.promoted)) {
      for (const l of g.targetGroupPair.prodTrafficRoute.listenerArns) this.route(l, d.blue, d.green, 0);
    }
    if (d.blue && d.green && d.testRouted) {
      for (const l of g.targetGroupPair.testTrafficRoute?.listenerArns ?? [])
        this.route(l, d.blue, d.green, 0);
    }
    d.greenPercent = 0;
    d.testRouted = false;
    if (d.promoted && d.blue?.taskSetId) this.ecs.serve(clusterName, serviceName, d.blue.taskSetId);
    d.promoted = false;
    if (d.green?.taskSetId) this.ecs.remove(clusterName, serviceName, d.green.taskSetId);
  }

  /** GetDeploymentTarget's taskSetsInfo: both task sets with their counts and traffic share. */
  taskSetsInfo(d: Deployment, g: DeploymentGroup): Record<string, unknown>[] {
    const { clusterName, serviceName } = g.ecsService;
    const sides: [TaskSetSide | undefined, 'Blue' | 'Green', number, boolean][] = [
      [d.blue, 'Blue', 100 - d.greenPercent, !d.promoted],
      [d.green, 'Green', d.greenPercent, d.promoted],
    ];
    return sides.flatMap(([side, label, weight, primary]) => {
      if (!side?.taskSetId) return [];
      let counts: TaskSetCounts;
      try {
        counts = this.ecs.counts(clusterName, serviceName, side.taskSetId);
      } catch {
        return []; // removed
      }
      return [
        {
          identifer: side.taskSetId,
          desiredCount: counts.desired,
          pendingCount: counts.pending,
          runningCount: counts.running,
          status: primary ? 'PRIMARY' : 'ACTIVE',
          trafficWeight: weight,
          targetGroup: { name: side.targetGroupName },
          taskSetLabel: label,
        },
      ];
    });
  }

  private route(listenerArn: string, blue: TaskSetSide, green: TaskSetSide, greenPercent: number): void {
    this.world.elbv2.setForwardWeights(listenerArn, [
      { TargetGroupArn: blue.targetGroupArn, Weight: 100 - greenPercent },
      { TargetGroupArn: green.targetGroupArn, Weight: greenPercent },
    ]);
  }

  private finish(
    d: Deployment,
    status: 'Succeeded' | 'Failed' | 'Stopped',
    error?: { code: string; message: string },
  ): void {
    d.status = status;
    d.phase = 'done';
    d.completeTime = this.now();
    d.lastUpdatedAt = d.completeTime;
    if (error) d.errorInformation = error;
    for (const e of d.lifecycle)
      if (e.status === 'Pending' || e.status === 'InProgress')
        e.status = status === 'Succeeded' ? 'Succeeded' : 'Skipped';
  }

  /** Records a lifecycle event transition. Hook events invoke no Lambda here, so they succeed at once. */
  private event(d: Deployment, name: string, status: LifecycleEvent['status']): void {
    const e = d.lifecycle.find((x) => x.lifecycleEventName === name);
    if (!e) return;
    const now = this.now();
    if (e.startTime === undefined) e.startTime = now;
    e.status = status;
    if (status !== 'InProgress') e.endTime = now;
    d.lastUpdatedAt = now;
  }
}
