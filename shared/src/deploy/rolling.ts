// Rolling deployments (ECS controller, strategy ROLLING): UpdateService with the circuit breaker and
// rollback on, then follow OUR deployment — the PRIMARY deployment id our UpdateService created — to
// COMPLETED. Also used to follow any UpdateService we make later (rollback, --release-rollback), so
// every path shares one honest-outcome rule (outcome.ts).
import {
  type ECSClient,
  ListServiceDeploymentsCommand,
  type Service,
  type ServiceEvent,
  UpdateServiceCommand,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import type { Runner } from '../runner/types.js';
import { type DescribeService, describeEach } from './describe-batch.js';
import { type FollowEnd, type FollowOptions, follow } from './follow.js';
import { classifyRolling, EventFeed, type RollingIdentity, type Verdict } from './outcome.js';
import { firstRollingPollMs, untilRetiredMs } from './pacing.js';
import type { ServiceTarget } from './types.js';

export interface Started {
  deploymentId: string;
  serviceDeploymentArn?: string;
  /** Service events that existed when we started; only newer ones are printed. */
  knownEvents: ServiceEvent[];
}

export interface FollowSettings extends FollowOptions {
  runner: Runner;
  /** How long after RUNNING a new task can be healthy (pacing.ts); paces rolling polls when known. */
  healthMs?: number;
  /** How a poll reads the service: a release shares one ServiceDescriber to coalesce its polls. */
  describe?: DescribeService;
}

/** Follow options for one named service: trouble goes to its progress line, recovery to the log. */
export function watching(opts: FollowSettings, name: string, api: string): FollowSettings {
  return {
    ...opts,
    api,
    onTrouble: (line, over) =>
      over ? opts.runner.info(`${name}: ${line}`) : opts.runner.progress(`${name}: ${line}`),
  };
}

export interface Followed {
  end: FollowEnd<Verdict>;
  /** The service as last seen (for the diagnosis). */
  last?: Service;
}

/** UpdateService and the identity of the deployment it created. */
export async function startUpdate(
  ecs: ECSClient,
  input: UpdateServiceCommandInput,
  before: Service,
): Promise<Started> {
  const out = await ecs.send(new UpdateServiceCommand(input));
  const primary = out.service?.deployments?.find((d) => d.status === 'PRIMARY');
  if (!primary?.id) throw new Error(`UpdateService on ${input.service} returned no PRIMARY deployment`);
  const current = out.service?.currentServiceDeployment;
  const serviceDeploymentArn =
    current && current !== before.currentServiceDeployment
      ? current
      : await findServiceDeploymentArn(ecs, input.cluster as string, input.service as string);
  return {
    deploymentId: primary.id,
    ...(serviceDeploymentArn ? { serviceDeploymentArn } : {}),
    knownEvents: [...(before.events ?? []), ...(out.service?.events ?? [])],
  };
}

/**
 * The newest ongoing service deployment's ARN (needed to stop it with ROLLBACK and for the record).
 * Undefined where the API is unavailable: rolling deploys still work without it.
 */
export async function findServiceDeploymentArn(
  ecs: ECSClient,
  cluster: string,
  service: string,
): Promise<string | undefined> {
  try {
    const out = await ecs.send(
      new ListServiceDeploymentsCommand({
        cluster,
        service,
        status: ['PENDING', 'IN_PROGRESS'],
        maxResults: 5,
      }),
    );
    const newest = [...(out.serviceDeployments ?? [])].sort(
      (a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0),
    )[0];
    return newest?.serviceDeploymentArn;
  } catch {
    return undefined;
  }
}

export function rollingUpdateInput(
  target: ServiceTarget,
  live: Service,
  taskDefinitionArn: string,
): UpdateServiceCommandInput {
  return {
    cluster: target.cluster,
    service: target.service,
    taskDefinition: taskDefinitionArn,
    ...(target.desiredCount !== undefined ? { desiredCount: target.desiredCount } : {}),
    deploymentConfiguration: {
      ...live.deploymentConfiguration,
      strategy: 'ROLLING',
      deploymentCircuitBreaker: { enable: true, rollback: true },
    },
  };
}

const addMs = (now: number, ms: number | undefined) => (ms === undefined ? undefined : now + ms);

/** When our deployment's tasks all became RUNNING (its updatedAt), if they all are. */
function runningSince(service: Service | undefined, deploymentId: string): number | undefined {
  const d = service?.deployments?.find((x) => x.id === deploymentId);
  if (!d?.updatedAt || (d.pendingCount ?? 0) > 0 || (d.runningCount ?? 0) < (d.desiredCount ?? 1))
    return undefined;
  return d.updatedAt.getTime();
}

export function progressLine(name: string, service: Service | undefined, deploymentId: string): string {
  const d = service?.deployments?.find((x) => x.id === deploymentId);
  if (!d) return `${name}: waiting for ${deploymentId}`;
  return (
    `${name}: ${d.rolloutState ?? d.status ?? '…'} — running ${d.runningCount ?? 0}/${d.desiredCount ?? 0}, ` +
    `pending ${d.pendingCount ?? 0}, failed ${d.failedTasks ?? 0}`
  );
}

/** Follows one rolling deployment by id, printing progress and each new service event once. */
export async function followRolling(
  ecs: ECSClient,
  ref: { name: string; cluster: string; service: string },
  identity: RollingIdentity,
  started: Pick<Started, 'knownEvents'>,
  opts: FollowSettings,
): Promise<Followed> {
  const feed = new EventFeed(started.knownEvents);
  const describe = opts.describe ?? describeEach(ecs);
  let last: Service | undefined;
  const health = opts.healthMs;
  let predicted: number | undefined;
  const end = await follow(
    async () => {
      last = await describe(ref.cluster, ref.service);
      for (const e of feed.fresh(last?.events)) opts.runner.info(`${ref.name}: ${e.message}`);
      opts.runner.progress(progressLine(ref.name, last, identity.deploymentId));
      const seen = classifyRolling(last, identity);
      if (seen.done || seen.near || health === undefined) return seen;
      // Every new task RUNNING and awaiting health: nothing decides before health plus a stop. The
      // moment is predicted once; past it the outcome is near.
      const now = opts.clock.now();
      predicted ??= addMs(now, untilRetiredMs(runningSince(last, identity.deploymentId), health, now));
      if (predicted === undefined) return seen;
      return now >= predicted
        ? { ...seen, near: true }
        : { ...seen, waitMs: Math.max(predicted - now, 1000) };
    },
    {
      ...watching(opts, ref.name, 'ECS'),
      ...(health !== undefined && opts.delayFirstPoll
        ? { firstPollAfterMs: firstRollingPollMs(health) }
        : {}),
    },
  );
  return { end, last };
}
