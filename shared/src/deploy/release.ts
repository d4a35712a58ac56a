// A release: one or several services deployed together. Everything that can be wrong is checked before
// the first change (families, dependency cycles, strategy settings, live services and controllers);
// then each task definition family is registered once, services go out in dependency waves (parallel
// inside a wave), a failure stops later waves, and with releaseRollback every service this release
// already changed is put back where it was. Ends with one summary table and a deployment record.
import type { Service } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import { awsErrorText, withDeadline } from '../aws/retry.js';
import { UserError } from '../errors.js';
import { dependencyWaves, findCycle } from '../manifest/graph.js';
import { isNativeTrafficStrategy, nativeUpdateInput, plannedWaitMinutes } from './blue-green.js';
import { appSpecFor } from './codedeploy.js';
import { type DescribeService, ServiceDescriber } from './describe-batch.js';
import { CANCEL_BUDGET_MS, execute, type Plan, settle } from './execute.js';
import { healthWaitMs } from './pacing.js';
import { checkController, deploymentInFlight, describeLive, hasStableRevision } from './preflight.js';
import { buildRecord, type DeploymentRecord, pruneRevisions, writeRecord } from './record.js';
import { familiesOf, imagesOf, registerFamilies } from './register.js';
import { rollingUpdateInput } from './rolling.js';
import { releaseSummary } from './summary.js';
import { type DeployOptions, isFailure, type ServiceResult, type ServiceTarget } from './types.js';

export interface ReleaseInput {
  targets: ServiceTarget[];
  /** Where the record and diagnosis files go. */
  outputDir?: string;
  /** On a failure, return every service this release already changed to its previous task definition. */
  releaseRollback?: boolean;
  /** Deregister old revisions of each family, keeping the newest N (and every revision in use). */
  keepRevisions?: number;
  /** Overrides each service's deploy.timeoutSeconds. */
  timeoutSeconds?: number;
  /** Live services by name when the caller already read them (verify); otherwise described here. */
  live?: Map<string, Service>;
  /** Runs a service's preDeployTask with its new task definition; resolves when it succeeded. */
  preDeploy?: (target: ServiceTarget, taskDefinitionArn: string) => Promise<void>;
}

export interface ReleaseResult {
  services: ServiceResult[];
  waves: string[][];
  record: DeploymentRecord;
  recordFile?: string;
  summary: string;
}

/** Checks that need no AWS call: settings per strategy, one content per family, no dependency cycle. */
export function checkTargets(targets: ServiceTarget[]): string[][] {
  if (targets.length === 0)
    throw new UserError('no service to deploy', 'services', 'name at least one service');
  const names = new Set<string>();
  for (const t of targets) {
    if (names.has(t.name)) throw new UserError(`service "${t.name}" is listed twice`, 'services');
    names.add(t.name);
    if (isNativeTrafficStrategy(t.strategy) && !t.blueGreen) {
      throw new UserError(
        `strategy "${t.strategy}" needs deploy.blueGreen (target groups, listener rules, role)`,
        `services/${t.name}: deploy.blueGreen`,
        'add deploy.blueGreen, or use strategy: rolling',
      );
    }
    if (t.strategy === 'codedeploy' && !t.codedeploy) {
      throw new UserError(
        'strategy "codedeploy" needs deploy.codedeploy (application, deploymentGroup, containerPort)',
        `services/${t.name}: deploy.codedeploy`,
        'add deploy.codedeploy, or use strategy: rolling',
      );
    }
  }
  familiesOf(targets);
  const cycle = findCycle(targets);
  if (cycle) {
    throw new UserError(
      `dependency cycle: ${cycle.join(' → ')}`,
      'dependsOn',
      'remove one of these dependsOn entries',
    );
  }
  return dependencyWaves(targets);
}

function planFor(target: ServiceTarget, live: Service, arn: string, opts: DeployOptions): Plan {
  if (target.strategy === 'codedeploy')
    return { kind: 'codedeploy', target, appSpec: appSpecFor(target, live, arn) };
  if (isNativeTrafficStrategy(target.strategy)) {
    return {
      kind: 'ecs',
      update: nativeUpdateInput(target, live, arn, opts.stopAt),
      native: true,
      ...(target.blueGreen ? { bakeMinutes: target.blueGreen.bakeTimeMinutes } : {}),
    };
  }
  return { kind: 'ecs', update: rollingUpdateInput(target, live, arn), native: false };
}

export async function deployRelease(
  aws: AwsClients,
  input: ReleaseInput,
  opts: DeployOptions,
): Promise<ReleaseResult> {
  const { runner, clock } = opts;
  const started = new Date(clock.now());
  const waves = checkTargets(input.targets);
  const byName = new Map(input.targets.map((t) => [t.name, t]));
  const live =
    input.live ??
    (await withDeadline(prepareMs(input), () => describeLive(aws.ecs, input.targets), opts.signal));
  for (const t of input.targets) {
    const l = live.get(t.name) as Service;
    checkController(t.name, t.strategy, l);
    // Plans are built now so a settings error still stops the release before any change.
    planFor(t, l, 'arn:validate', opts);
    const busy = deploymentInFlight(l);
    if (busy) runner.warning(`${t.name}: deployment ${busy} is still in progress; ours will replace it`);
  }
  if (waves.length > 1) runner.info(`waves: ${waves.map((w) => w.join(', ')).join(' → ')}`);

  const results = new Map<string, ServiceResult>();
  const describer = new ServiceDescriber(aws.ecs);
  let arns = new Map<string, string>();
  // Registering is the first change: from here on, every way out writes the record and the summary.
  let registerError: string | undefined;
  if (!opts.signal.aborted) {
    try {
      arns = await withDeadline(
        prepareMs(input),
        () => registerFamilies(aws.ecs, input.targets),
        opts.signal,
      );
    } catch (err) {
      if (!opts.signal.aborted) registerError = `RegisterTaskDefinition failed: ${awsErrorText(err)}`;
    }
  }
  let failed = opts.signal.aborted || registerError !== undefined;
  for (const wave of waves) {
    if (failed || opts.signal.aborted) {
      for (const name of wave)
        results.set(name, skipped(byName.get(name) as ServiceTarget, started, opts, arns, registerError));
      continue;
    }
    const done = await Promise.all(
      wave.map((name) => {
        const one = () =>
          deployOne(
            aws,
            byName.get(name) as ServiceTarget,
            live.get(name) as Service,
            arns.get(name) as string,
            input,
            opts,
            wave.length === 1,
            describer.describe,
          );
        return clock.actor ? clock.actor(one) : one();
      }),
    );
    for (const r of done) results.set(r.name, r);
    failed = done.some((r) => isFailure(r.outcome));
  }

  const ordered = waves.flat().map((n) => results.get(n) as ServiceResult);
  // --on-cancel leave means leave everything as it is, the services of earlier waves included.
  const leave = opts.signal.aborted && opts.onCancel === 'leave';
  if (failed && input.releaseRollback && !leave) await restoreChanged(aws, ordered, byName, input, opts);

  let deregistered: string[] | undefined;
  if (input.keepRevisions !== undefined && !failed) {
    deregistered = [];
    const inUse = new Set(
      ordered.flatMap((r) => [r.taskDefinition, r.previousTaskDefinition]).filter(Boolean) as string[],
    );
    for (const family of familiesOf(input.targets).keys()) {
      deregistered.push(...(await pruneRevisions(aws.ecs, family, input.keepRevisions, inUse)));
    }
    if (deregistered.length > 0) runner.info(`deregistered ${deregistered.length} old revision(s)`);
  }

  const outcome = failed
    ? 'failed'
    : ordered.some((r) => r.outcome === 'stage-reached')
      ? 'stage-reached'
      : 'succeeded';
  const record = buildRecord('deploy', ordered, started, new Date(clock.now()), outcome);
  if (deregistered) record.deregistered = deregistered;
  const recordFile = input.outputDir ? await writeRecord(input.outputDir, record) : undefined;
  const summary = releaseSummary('deploy', ordered);
  runner.info(summary.text);
  await runner.summary(summary.markdown);
  return { services: ordered, waves, record, ...(recordFile ? { recordFile } : {}), summary: summary.text };
}

/** Wall time allowed for the calls before the wait (describe, register): the longest service timeout. */
function prepareMs(input: ReleaseInput): number {
  return (input.timeoutSeconds ?? Math.max(...input.targets.map((t) => t.timeoutSeconds))) * 1000;
}

function skipped(
  t: ServiceTarget,
  at: Date,
  opts: DeployOptions,
  arns: Map<string, string>,
  registerError?: string,
): ServiceResult {
  const base = {
    name: t.name,
    cluster: t.cluster,
    service: t.service,
    strategy: t.strategy,
    images: imagesOf(t),
    startedAt: at.toISOString(),
    finishedAt: new Date(opts.clock.now()).toISOString(),
    polls: 0,
  };
  if (registerError && !opts.signal.aborted) {
    return { ...base, outcome: 'failed', reason: registerError, afterwards: 'the service was not changed' };
  }
  return {
    ...base,
    ...(arns.get(t.name) ? { taskDefinition: arns.get(t.name) } : {}),
    // Not started because of a cancellation is still a cancelled deploy (non-zero exit), not a skip.
    outcome: opts.signal.aborted ? 'cancelled' : 'skipped',
    reason: opts.signal.aborted ? 'cancelled before it started' : 'an earlier wave failed',
  };
}

async function deployOne(
  aws: AwsClients,
  target: ServiceTarget,
  live: Service,
  arn: string,
  input: ReleaseInput,
  opts: DeployOptions,
  /** Log groups cannot interleave (GitHub has no nested or parallel groups): only a lone service gets one. */
  grouped: boolean,
  describe: DescribeService,
): Promise<ServiceResult> {
  const { runner, clock } = opts;
  const startedAt = new Date(clock.now()).toISOString();
  const previousTaskDefinition = live.taskDefinition;
  const base = {
    name: target.name,
    cluster: target.cluster,
    service: target.service,
    strategy: target.strategy,
    ...(previousTaskDefinition ? { previousTaskDefinition } : {}),
    taskDefinition: arn,
    images: imagesOf(target),
    startedAt,
  };
  const plan = planFor(target, live, arn, opts);
  const planned =
    plan.kind === 'ecs' && plan.native ? plannedWaitMinutes(plan.update.deploymentConfiguration) : 0;
  const timeoutMs = ((input.timeoutSeconds ?? target.timeoutSeconds) + planned * 60) * 1000;
  const title = `deploy ${target.name} (${target.strategy}) → ${arn}`;
  const inGroup = <T>(fn: () => Promise<T>): Promise<T> => {
    if (grouped) return runner.group(title, fn);
    runner.info(title);
    return fn();
  };
  return inGroup(async () => {
    if (!previousTaskDefinition || !hasStableRevision(live)) {
      runner.warning(
        `${target.name}: no completed deployment yet, so ECS has nothing to roll back to if this fails`,
      );
    }
    if (target.preDeployTask && input.preDeploy) {
      try {
        await input.preDeploy(target, arn);
      } catch (err) {
        const reason = `preDeployTask failed: ${(err as Error).message}`;
        runner.error(`${target.name}: ${reason}`);
        return {
          ...base,
          outcome: 'failed',
          reason,
          finishedAt: new Date(clock.now()).toISOString(),
          polls: 0,
        };
      }
    }
    const ex = await execute(aws, target, plan, live, previousTaskDefinition, {
      runner,
      clock,
      signal: opts.signal,
      timeoutMs,
      describe,
      // Followers of a wave wake together, so one DescribeServices serves many of them.
      ...(grouped ? {} : { alignMs: 1000 }),
      healthMs: healthWaitMs(target.taskDefinition.containerDefinitions ?? []),
      ...(opts.timing ? { timing: opts.timing } : {}),
      ...(opts.stopAt ? { stopAt: opts.stopAt } : {}),
    });
    const s = await settle(aws, target, ex, {
      onCancel: opts.onCancel,
      ...(input.outputDir ? { outputDir: input.outputDir } : {}),
      containers: target.taskDefinition.containerDefinitions ?? [],
      ...(previousTaskDefinition ? { previousTaskDefinition } : {}),
      timeoutMs,
      runner,
    });
    const result: ServiceResult = {
      ...base,
      ...(ex.deploymentId ? { deploymentId: ex.deploymentId } : {}),
      ...(ex.serviceDeploymentArn ? { serviceDeploymentArn: ex.serviceDeploymentArn } : {}),
      ...(ex.codedeployDeploymentId ? { codedeployDeploymentId: ex.codedeployDeploymentId } : {}),
      ...s,
      ...(s.outcome === 'stage-reached' && target.blueGreen?.testListenerRule
        ? { testListenerRule: target.blueGreen.testListenerRule }
        : {}),
      finishedAt: new Date(clock.now()).toISOString(),
      polls: ex.end.polls,
    };
    runner.info(`${target.name}: ${result.outcome} — ${result.reason} (${ex.end.polls} polls)`);
    return result;
  });
}

/** --release-rollback: every service this release changed successfully goes back to its previous revision. */
async function restoreChanged(
  aws: AwsClients,
  results: ServiceResult[],
  byName: Map<string, ServiceTarget>,
  input: ReleaseInput,
  opts: DeployOptions,
): Promise<void> {
  const changed = results.filter(
    (r) => (r.outcome === 'succeeded' || r.outcome === 'stage-reached') && r.previousTaskDefinition,
  );
  if (changed.length === 0) return;
  opts.runner.info(
    `release rollback: returning ${changed.map((r) => r.name).join(', ')} to their previous revisions`,
  );
  // After a failure the restores are followed to their end; after a cancellation (seconds left) they
  // are only started, within a short budget of their own (the job's signal has already aborted).
  const cancelled = opts.signal.aborted;
  const signal = new AbortController().signal;
  const restore = () => restoreEach(aws, changed, byName, input, opts, cancelled, signal);
  if (cancelled) await withDeadline(CANCEL_BUDGET_MS * 2, restore);
  else await restore();
}

async function restoreEach(
  aws: AwsClients,
  changed: ServiceResult[],
  byName: Map<string, ServiceTarget>,
  input: ReleaseInput,
  opts: DeployOptions,
  cancelled: boolean,
  signal: AbortSignal,
): Promise<void> {
  const live = await describeLive(aws.ecs, changed);
  await Promise.all(
    changed.map(async (r) => {
      const target = byName.get(r.name) as ServiceTarget;
      const l = live.get(r.name) as Service;
      const previous = r.previousTaskDefinition as string;
      const plan: Plan =
        target.strategy === 'codedeploy'
          ? { kind: 'codedeploy', target, appSpec: appSpecFor(target, l, previous) }
          : {
              kind: 'ecs',
              update: { cluster: r.cluster, service: r.service, taskDefinition: previous },
              native: isNativeTrafficStrategy(target.strategy),
            };
      const timeoutMs = (input.timeoutSeconds ?? target.timeoutSeconds) * 1000;
      const ex = await execute(aws, r, plan, l, r.taskDefinition, {
        runner: opts.runner,
        clock: opts.clock,
        signal,
        timeoutMs,
        startOnly: cancelled,
      });
      const s = await settle(aws, r, ex, {
        onCancel: 'leave',
        containers: [],
        timeoutMs,
        runner: opts.runner,
      });
      const id = ex.codedeployDeploymentId ?? ex.deploymentId;
      if (s.outcome === 'succeeded') {
        r.outcome = 'restored';
        r.afterwards = `restored to ${previous}${id ? ` (deployment ${id})` : ''}`;
      } else if (cancelled) {
        r.afterwards = `restore to ${previous} started (deployment ${id ?? '?'}), not followed: the job was cancelled`;
      } else {
        r.afterwards = `restore to ${previous} did not complete: ${s.outcome} — ${s.reason}`;
      }
      opts.runner.info(`${r.name}: ${r.afterwards}`);
    }),
  );
}
