// The service deployment APIs: ListServiceDeployments, DescribeServiceDeployments (≤20, unknown →
// failures MISSING), StopServiceDeployment (ROLLBACK), DescribeServiceRevisions.
import { worldOf } from '../context.js';
import type { HandlerContext, ServiceHandlers } from '../types.js';
import { AwsError } from '../types.js';
import { isBlueGreen } from './bluegreen.js';
import { isTerminal, rollBack } from './deployments.js';
import { continueHook, hookDetailsOut } from './hooks.js';
import type { Json, Service, ServiceDeploymentRecord } from './model.js';
import type { EcsState } from './state.js';

const ecsOf = (ctx: HandlerContext): EcsState => worldOf(ctx).ecs;
const d = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));

function revisionSummary(svc: Service | undefined, arn: string, primary: boolean): Json {
  const deps = svc?.deployments.filter((x) => x.serviceRevisionArn === arn) ?? [];
  const sum = (k: 'desiredCount' | 'runningCount' | 'pendingCount') => deps.reduce((n, x) => n + x[k], 0);
  const traffic = deps.find((x) => x.sim.trafficPercent !== undefined)?.sim.trafficPercent;
  return {
    arn,
    requestedTaskCount: sum('desiredCount'),
    runningTaskCount: sum('runningCount'),
    pendingTaskCount: sum('pendingCount'),
    requestedProductionTrafficWeight: traffic === undefined ? undefined : primary ? traffic : 100 - traffic,
  };
}

export function serviceDeploymentOut(ecs: EcsState, sd: ServiceDeploymentRecord): Json {
  const svc = ecs.services.get(sd.serviceArn);
  return {
    serviceDeploymentArn: sd.serviceDeploymentArn,
    serviceArn: sd.serviceArn,
    clusterArn: sd.clusterArn,
    createdAt: d(sd.createdAt),
    startedAt: d(sd.startedAt),
    finishedAt: d(sd.finishedAt),
    stoppedAt: d(sd.stoppedAt),
    updatedAt: d(sd.updatedAt),
    sourceServiceRevisions: sd.sourceServiceRevisionArns.map((arn) => revisionSummary(svc, arn, false)),
    targetServiceRevision: revisionSummary(svc, sd.targetServiceRevisionArn, true),
    status: sd.status,
    statusReason: sd.statusReason,
    lifecycleStage: sd.lifecycleStage,
    lifecycleHookDetails: sd.hooks.length ? hookDetailsOut(sd.hooks) : undefined,
    deploymentConfiguration: sd.deploymentConfiguration,
    rollback: sd.rollback && { ...sd.rollback, startedAt: d(sd.rollback.startedAt) },
    deploymentCircuitBreaker: sd.circuitBreaker,
    alarms: sd.alarms,
  };
}

export const serviceDeploymentHandlers: ServiceHandlers = {
  ListServiceDeployments(input, ctx) {
    const ecs = ecsOf(ctx);
    const cluster = ecs.cluster(input.cluster);
    if (typeof input.service !== 'string')
      throw new AwsError('InvalidParameterException', 'service is required.');
    const svc = ecs.findService(cluster, input.service);
    if (!svc) throw new AwsError('ServiceNotFoundException', 'Service not found.');
    const statuses: string[] | undefined =
      Array.isArray(input.status) && input.status.length ? input.status : undefined;
    const after = input.createdAt?.after === undefined ? undefined : Number(input.createdAt.after) * 1000;
    const before = input.createdAt?.before === undefined ? undefined : Number(input.createdAt.before) * 1000;
    const all = [...ecs.serviceDeployments.values()]
      .filter((sd) => sd.serviceArn === svc.serviceArn)
      .filter((sd) => !statuses || statuses.includes(sd.status))
      .filter(
        (sd) =>
          (after === undefined || sd.createdAt >= after) && (before === undefined || sd.createdAt <= before),
      )
      .reverse();
    const start = Number(input.nextToken ?? 0) || 0;
    const max = Math.min(Number(input.maxResults ?? 20), 100);
    return {
      serviceDeployments: all.slice(start, start + max).map((sd) => ({
        serviceDeploymentArn: sd.serviceDeploymentArn,
        serviceArn: sd.serviceArn,
        clusterArn: sd.clusterArn,
        startedAt: d(sd.startedAt),
        createdAt: d(sd.createdAt),
        finishedAt: d(sd.finishedAt),
        targetServiceRevisionArn: sd.targetServiceRevisionArn,
        status: sd.status,
        statusReason: sd.statusReason,
      })),
      nextToken: start + max < all.length ? String(start + max) : undefined,
    };
  },

  DescribeServiceDeployments(input, ctx) {
    const ecs = ecsOf(ctx);
    const arns: unknown = input.serviceDeploymentArns;
    if (!Array.isArray(arns) || arns.length === 0)
      throw new AwsError('InvalidParameterException', 'serviceDeploymentArns cannot be empty.');
    if (arns.length > 20)
      throw new AwsError('InvalidParameterException', 'serviceDeploymentArns can have at most 20 items.');
    const serviceDeployments: Json[] = [];
    const failures: Json[] = [];
    for (const arn of arns as string[]) {
      const sd = ecs.serviceDeployments.get(arn);
      if (sd) serviceDeployments.push(serviceDeploymentOut(ecs, sd));
      else failures.push({ arn, reason: 'MISSING' });
    }
    return { serviceDeployments, failures };
  },

  StopServiceDeployment(input, ctx) {
    const ecs = ecsOf(ctx);
    const sd = ecs.serviceDeployments.get(String(input.serviceDeploymentArn ?? ''));
    if (!sd)
      throw new AwsError('ServiceDeploymentNotFoundException', 'The service deployment does not exist.');
    const stopType = input.stopType ?? 'ROLLBACK';
    if (stopType !== 'ROLLBACK')
      throw new AwsError('InvalidParameterException', `stopType ${stopType} is not supported; use ROLLBACK.`);
    if (isTerminal(sd)) {
      throw new AwsError(
        'ConflictException',
        `The service deployment is in a terminal state (${sd.status}) and cannot be stopped.`,
      );
    }
    if (sd.status !== 'IN_PROGRESS' && sd.status !== 'PENDING')
      return { serviceDeploymentArn: sd.serviceDeploymentArn };
    const svc = ecs.services.get(sd.serviceArn) as Service;
    const target = svc.deployments.find((dep) => dep.id === sd.deploymentId);
    const sourceArn = sd.sourceServiceRevisionArns[0];
    const source = sourceArn ? ecs.revisions.get(sourceArn) : undefined;
    if (!target || !source) {
      throw new AwsError(
        'ConflictException',
        'The service deployment has no previous service revision to roll back to.',
      );
    }
    sd.status = 'ROLLBACK_REQUESTED';
    sd.updatedAt = ecs.now();
    if (!isBlueGreen(svc)) {
      target.rolloutState = 'FAILED';
      target.rolloutStateReason = 'Service deployment rolled back because of a stop request.';
      rollBack(
        ecs,
        svc,
        target,
        'Service deployment rolled back because of a stop request.',
        source.taskDefinition,
        source.serviceRevisionArn,
      );
    }
    return { serviceDeploymentArn: sd.serviceDeploymentArn };
  },

  ContinueServiceDeployment(input, ctx) {
    const ecs = ecsOf(ctx);
    const sd = ecs.serviceDeployments.get(String(input.serviceDeploymentArn ?? ''));
    if (!sd)
      throw new AwsError('ServiceDeploymentNotFoundException', 'The service deployment does not exist.');
    if (typeof input.hookId !== 'string')
      throw new AwsError('InvalidParameterException', 'hookId is required.');
    const action = input.action ?? 'CONTINUE';
    if (action !== 'CONTINUE' && action !== 'ROLLBACK') {
      throw new AwsError('InvalidParameterException', `action must be CONTINUE or ROLLBACK, got ${action}.`);
    }
    if (isTerminal(sd)) {
      throw new AwsError(
        'ConflictException',
        `The service deployment is in a terminal state (${sd.status}).`,
      );
    }
    continueHook(sd, input.hookId, action, ecs.now());
    return { serviceDeploymentArn: sd.serviceDeploymentArn };
  },

  DescribeServiceRevisions(input, ctx) {
    const ecs = ecsOf(ctx);
    const serviceRevisions: Json[] = [];
    const failures: Json[] = [];
    for (const arn of (input.serviceRevisionArns as string[]) ?? []) {
      const r = ecs.revisions.get(arn);
      if (r) serviceRevisions.push({ ...r, createdAt: d(r.createdAt) });
      else failures.push({ arn, reason: 'MISSING' });
    }
    return { serviceRevisions, failures };
  },
};
