// rollback: a service (or every service of a release) back to the task definition that was live before
// the last deploy — from a deployment record, or from the service's own deployment history (the last
// successful deployment's source revision), never "revision minus one" — or to a named revision or
// image. A deployment still in flight is stopped with ECS's own rollback instead. Every path is
// followed with the same honest-outcome rules as deploy.
import {
  ClientException,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  InvalidParameterException,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  type Service,
  StopServiceDeploymentCommand,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import { withDeadline } from '../aws/retry.js';
import { UserError } from '../errors.js';
import type { Runner } from '../runner/types.js';
import { toRegisterInput } from '../taskdef/shape.js';
import { describeServiceDeployment, followServiceDeployment } from './blue-green.js';
import { appSpecFor } from './codedeploy.js';
import { revisionTaskDefinitions } from './continue.js';
import { execute, type Plan, settle } from './execute.js';
import type { Clock, PollTiming } from './follow.js';
import { checkController, describeLive } from './preflight.js';
import { buildRecord, type DeploymentRecord, writeRecord } from './record.js';
import { findServiceDeploymentArn } from './rolling.js';
import { releaseSummary } from './summary.js';
import { isFailure, type ServiceResult, type ServiceTarget, type Strategy } from './types.js';

export interface RollbackRequest {
  name: string;
  cluster: string;
  service: string;
  /** From the manifest when there is one; otherwise taken from the service's controller. */
  strategy?: Strategy;
  codedeploy?: ServiceTarget['codedeploy'];
  container?: string;
  /** Explicit target: a task definition ARN or family:revision (or, from a record, the previous ARN). */
  toTaskDefinition?: string;
  /** Explicit target image for `container`: registered as a new revision of the live task definition. */
  toImage?: string;
  timeoutSeconds: number;
}

export interface RollbackOptions {
  runner: Runner;
  signal: AbortSignal;
  clock: Clock;
  timing?: PollTiming;
  outputDir?: string;
}

export interface RollbackResult {
  services: ServiceResult[];
  record: DeploymentRecord;
  recordFile?: string;
}

/** Where the rollback goes, decided with read-only calls only. */
type Decision =
  | { kind: 'stop'; serviceDeploymentArn: string }
  | { kind: 'redeploy'; taskDefinition: string; why: string }
  | { kind: 'image'; image: string; container: string; input: ServiceTarget['taskDefinition'] }
  | { kind: 'none'; why: string };

/**
 * The task definition live before the last successful deployment: that deployment's source revision.
 * Only deployments whose target is what runs now count, so a deploy that already failed and rolled back
 * does not send us one revision further back than the user expects.
 */
export async function previousFromHistory(
  ecs: ECSClient,
  cluster: string,
  live: Service,
): Promise<string | undefined> {
  const out = await ecs.send(
    new ListServiceDeploymentsCommand({
      cluster,
      service: live.serviceName,
      status: ['SUCCESSFUL'],
      maxResults: 20,
    }),
  );
  const newestFirst = [...(out.serviceDeployments ?? [])].sort(
    (a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0),
  );
  for (const summary of newestFirst) {
    if (!summary.serviceDeploymentArn) continue;
    const sd = await describeServiceDeployment(ecs, summary.serviceDeploymentArn);
    const target = sd?.targetServiceRevision?.arn;
    const source = sd?.sourceServiceRevisions?.[0]?.arn;
    const defs = await revisionTaskDefinitions(ecs, [target ?? '', source ?? '']);
    if (target && defs.get(target) !== live.taskDefinition) continue;
    return source ? defs.get(source) : undefined;
  }
  return undefined;
}

/** "api" from arn:aws:ecs:…:task-definition/api:7 or api:7. */
export function familyOf(taskDefinition: string | undefined): string | undefined {
  const m = /(?:task-definition\/)?([A-Za-z0-9_-]+):\d+$/.exec(taskDefinition ?? '');
  return m?.[1];
}

async function decide(aws: AwsClients, r: RollbackRequest, live: Service): Promise<Decision> {
  if (r.toImage) {
    // The live task definition with one image changed, registered as a new revision at rollback time.
    const current = await aws.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: live.taskDefinition }),
    );
    const input = toRegisterInput(current.taskDefinition as Record<string, unknown>)
      .taskDefinition as unknown as ServiceTarget['taskDefinition'];
    const container = r.container ?? r.name;
    const c = input.containerDefinitions?.find((x) => x.name === container);
    if (!c) {
      throw new UserError(
        `container "${container}" is not in ${live.taskDefinition}`,
        'container',
        'pass the container that runs the image',
      );
    }
    c.image = r.toImage;
    return { kind: 'image', image: r.toImage, container, input };
  }
  if (r.toTaskDefinition) {
    // ECS answers an unknown revision with ClientException; anything else (throttling, access) is real.
    const out = await aws.ecs
      .send(new DescribeTaskDefinitionCommand({ taskDefinition: r.toTaskDefinition }))
      .catch((err: unknown) => {
        if (err instanceof ClientException || err instanceof InvalidParameterException) return undefined;
        throw err;
      });
    const td = out?.taskDefinition;
    if (!td?.taskDefinitionArn || td.status !== 'ACTIVE') {
      throw new UserError(
        `task definition ${r.toTaskDefinition} ${td ? `is ${td.status}` : 'does not exist'}`,
        'to-revision',
        'pick an ACTIVE revision (cendence shows them in the deploy record), or use to-image',
      );
    }
    // A revision of another family would run another service's containers under this one's name.
    const liveFamily = familyOf(live.taskDefinition);
    if (liveFamily && td.family !== liveFamily) {
      throw new UserError(
        `${r.toTaskDefinition} is a revision of "${td.family}", but ${r.service} runs "${liveFamily}"`,
        'to-revision',
        `name a revision of ${liveFamily} (${liveFamily}:<n>), or use to-image`,
      );
    }
    if (td.taskDefinitionArn === live.taskDefinition)
      return { kind: 'none', why: `already running ${td.taskDefinitionArn}` };
    return { kind: 'redeploy', taskDefinition: td.taskDefinitionArn, why: 'named revision' };
  }
  const flying = await findServiceDeploymentArn(aws.ecs, r.cluster, r.service);
  if (flying) return { kind: 'stop', serviceDeploymentArn: flying };
  const previous = await previousFromHistory(aws.ecs, r.cluster, live);
  if (!previous) {
    throw new UserError(
      `no earlier revision of ${r.service} is known from its deployment history`,
      `services/${r.name}`,
      "pass record-file (the deploy's record) or to-revision",
    );
  }
  return {
    kind: 'redeploy',
    taskDefinition: previous,
    why: 'live before the last deploy (deployment history)',
  };
}

async function decideAll(
  aws: AwsClients,
  requests: RollbackRequest[],
): Promise<{ live: Map<string, Service>; decisions: Map<string, Decision> }> {
  const live = await describeLive(aws.ecs, requests);
  const decisions = new Map<string, Decision>();
  for (const r of requests) {
    const l = live.get(r.name) as Service;
    if (r.strategy) checkController(r.name, r.strategy, l);
    if (l.deploymentController?.type === 'CODE_DEPLOY' && !r.codedeploy) {
      throw new UserError(
        `${r.service} uses CodeDeploy: rolling it back needs its deploy.codedeploy settings`,
        `services/${r.name}`,
        'run rollback from the repository (root) so the manifest is found',
      );
    }
    decisions.set(r.name, await decide(aws, r, l));
  }
  return { live, decisions };
}

export async function rollbackServices(
  aws: AwsClients,
  requests: RollbackRequest[],
  opts: RollbackOptions,
): Promise<RollbackResult> {
  const started = new Date(opts.clock.now());
  if (requests.length === 0) throw new UserError('no service to roll back', 'services');
  // Every decision (read-only) before the first change, so a bad request changes nothing; bounded by
  // the timeout, so a hung endpoint cannot hold the step.
  const prepareMs = Math.max(...requests.map((r) => r.timeoutSeconds)) * 1000;
  const { live, decisions } = await withDeadline(prepareMs, () => decideAll(aws, requests), opts.signal);
  const results = await Promise.all(
    requests.map((r) =>
      rollbackOne(
        aws,
        r,
        live.get(r.name) as Service,
        decisions.get(r.name) as Decision,
        opts,
        requests.length === 1,
      ),
    ),
  );
  const failed = results.some((x) => isFailure(x.outcome));
  const record = buildRecord(
    'rollback',
    results,
    started,
    new Date(opts.clock.now()),
    failed ? 'failed' : 'succeeded',
  );
  const recordFile = opts.outputDir ? await writeRecord(opts.outputDir, record) : undefined;
  const summary = releaseSummary('rollback', results);
  opts.runner.info(summary.text);
  await opts.runner.summary(summary.markdown);
  return { services: results, record, ...(recordFile ? { recordFile } : {}) };
}

async function rollbackOne(
  aws: AwsClients,
  r: RollbackRequest,
  live: Service,
  decision: Decision,
  opts: RollbackOptions,
  /** Parallel rollbacks log with a service prefix instead of groups, which cannot interleave. */
  grouped: boolean,
): Promise<ServiceResult> {
  const startedAt = new Date(opts.clock.now()).toISOString();
  const strategy: Strategy =
    r.strategy ?? (live.deploymentController?.type === 'CODE_DEPLOY' ? 'codedeploy' : 'rolling');
  const base = {
    name: r.name,
    cluster: r.cluster,
    service: r.service,
    strategy,
    ...(live.taskDefinition ? { previousTaskDefinition: live.taskDefinition } : {}),
    images: [],
    startedAt,
  };
  const timeoutMs = r.timeoutSeconds * 1000;
  const follow = {
    runner: opts.runner,
    clock: opts.clock,
    signal: opts.signal,
    timeoutMs,
    ...(opts.timing ? { timing: opts.timing } : {}),
  };
  const body = async (): Promise<ServiceResult> => {
    if (decision.kind === 'none') {
      opts.runner.info(`${r.name}: nothing to do, ${decision.why}`);
      return {
        ...base,
        taskDefinition: live.taskDefinition,
        outcome: 'succeeded',
        reason: decision.why,
        finishedAt: startedAt,
        polls: 0,
      };
    }
    if (decision.kind === 'stop') {
      opts.runner.info(
        `${r.name}: deployment ${decision.serviceDeploymentArn} is in flight; asking ECS to roll it back`,
      );
      await aws.ecs.send(
        new StopServiceDeploymentCommand({
          serviceDeploymentArn: decision.serviceDeploymentArn,
          stopType: 'ROLLBACK',
        }),
      );
      const f = await followServiceDeployment(aws.ecs, r.name, decision.serviceDeploymentArn, {
        ...follow,
        rollingBack: true,
      });
      const s = await settle(
        aws,
        r,
        { serviceDeploymentArn: decision.serviceDeploymentArn, end: f.end },
        { onCancel: 'leave', containers: [], timeoutMs, runner: opts.runner },
      );
      return {
        ...base,
        serviceDeploymentArn: decision.serviceDeploymentArn,
        ...s,
        finishedAt: new Date(opts.clock.now()).toISOString(),
        polls: f.end.polls,
      };
    }
    let taskDefinition: string;
    let containers: ServiceResult['images'] = [];
    if (decision.kind === 'image') {
      const reg = await aws.ecs.send(new RegisterTaskDefinitionCommand(decision.input));
      taskDefinition = reg.taskDefinition?.taskDefinitionArn as string;
      containers = [{ container: decision.container, image: decision.image }];
      opts.runner.info(`${r.name}: ${decision.container} back to ${decision.image} as ${taskDefinition}`);
    } else {
      taskDefinition = decision.taskDefinition;
      opts.runner.info(`${r.name}: back to ${taskDefinition} (${decision.why})`);
    }
    const nativeStrategy = live.deploymentConfiguration?.strategy;
    const plan: Plan =
      strategy === 'codedeploy'
        ? codeDeployPlan(r, live, taskDefinition)
        : {
            kind: 'ecs',
            update: { cluster: r.cluster, service: r.service, taskDefinition },
            native: nativeStrategy !== undefined && nativeStrategy !== 'ROLLING',
          };
    const ex = await execute(aws, r, plan, live, live.taskDefinition, follow);
    const s = await settle(aws, r, ex, { onCancel: 'leave', containers: [], timeoutMs, runner: opts.runner });
    return {
      ...base,
      taskDefinition,
      images: containers,
      ...(ex.deploymentId ? { deploymentId: ex.deploymentId } : {}),
      ...(ex.serviceDeploymentArn ? { serviceDeploymentArn: ex.serviceDeploymentArn } : {}),
      ...(ex.codedeployDeploymentId ? { codedeployDeploymentId: ex.codedeployDeploymentId } : {}),
      ...s,
      finishedAt: new Date(opts.clock.now()).toISOString(),
      polls: ex.end.polls,
    };
  };
  return grouped ? opts.runner.group(`rollback ${r.name}`, body) : body();
}

/** A CodeDeploy service goes back through CodeDeploy: an AppSpec naming the older task definition. */
function codeDeployPlan(r: RollbackRequest, live: Service, taskDefinition: string): Plan {
  const target: ServiceTarget = {
    name: r.name,
    cluster: r.cluster,
    service: r.service,
    strategy: 'codedeploy',
    dependsOn: [],
    taskDefinition: { family: undefined, containerDefinitions: undefined },
    container: r.container ?? r.name,
    timeoutSeconds: r.timeoutSeconds,
    ...(r.codedeploy ? { codedeploy: r.codedeploy } : {}),
  };
  return { kind: 'codedeploy', target, appSpec: appSpecFor(target, live, taskDefinition) };
}
