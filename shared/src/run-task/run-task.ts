// run-task: one task run to completion (a migration), with the service's own network configuration and
// capacity provider strategy, its container's logs streamed while it runs, and the container's exit code
// as the outcome. Everything is resolved and checked with read-only calls first; RunTask is the first
// mutating call, and StopTask the only other one (timeout or cancellation).
import {
  type CapacityProviderStrategyItem,
  ClientException,
  ClusterNotFoundException,
  type ContainerDefinition,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandOutput,
  DescribeTasksCommand,
  type NetworkConfiguration,
  RunTaskCommand,
  type Service,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import { afterGrace, awsErrorText, withDeadline } from '../aws/retry.js';
import { type Clock, type FollowEnd, follow, type PollTiming, systemClock } from '../deploy/follow.js';
import { StepFailed, UserError } from '../errors.js';
import type { DeploySettings } from '../manifest/schema.js';
import type { Runner } from '../runner/types.js';
import { LogTail } from './logs.js';

/** Wall-time budget for stopping the task and reading its last lines once the wait is over. */
const STOP_BUDGET_MS = 4000;

export interface RunTaskOptions {
  cluster: string;
  /** Task definition ARN, or family[:revision]. Default: the one the live service runs. */
  taskDefinition?: string;
  /** Container whose command is overridden, whose logs are streamed and whose exit code decides. */
  container?: string;
  /** When `container` is not given: this one if the task definition has it (the service's own), else the first essential. */
  preferredContainer?: string;
  /** Overrides the container's command (argv). */
  command?: string[];
  /** ECS service whose network configuration and capacity provider strategy the task uses. */
  service?: string;
  /** Network to use when the service does not exist yet (the manifest's deploy.network). */
  network?: DeploySettings['network'];
  timeoutSeconds: number;
  /** Recorded on the task (ECS startedBy, ≤36 chars). */
  startedBy?: string;
  runner: Runner;
  signal: AbortSignal;
  clock?: Clock;
  timing?: PollTiming;
  /** How many of the last log lines the result keeps. */
  excerptLines?: number;
}

export interface RunTaskResult {
  taskArn: string;
  exitCode: number;
  /** Last log lines of the container, redacted. */
  logExcerpt: string[];
}

/** What StepFailed.details carries when the task ran and did not succeed. */
export interface RunTaskFailure {
  taskArn: string;
  exitCode?: number;
  stoppedReason?: string;
  stopCode?: string;
  logExcerpt: string[];
}

interface Placement {
  /** The live service's task definition, the default to run. */
  serviceTaskDefinition?: string;
  networkConfiguration: NetworkConfiguration;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion?: string;
}

/** ECS's limit on RunTask's overrides JSON. */
export const RUN_TASK_OVERRIDES_MAX_BYTES = 8 * 1024;

/** A one-off task poll rate: a migration may end any second once it runs. */
const RUN_TASK_TIMING: PollTiming = { fastMs: 1000, slowStartMs: 2000, maxMs: 5000, growth: 1.5 };

export async function runOneOffTask(aws: AwsClients, opts: RunTaskOptions): Promise<RunTaskResult> {
  const { runner } = opts;
  const clock = opts.clock ?? systemClock;
  if (opts.command && (opts.command.length === 0 || opts.command.some((a) => typeof a !== 'string'))) {
    throw new UserError(
      'command must be a non-empty list of arguments',
      'command',
      'pass the argv, e.g. ["npm","run","migrate"]',
    );
  }
  // One budget for the whole run: the read-only checks, RunTask and the wait share the timeout, and a
  // hung call among them ends at the deadline (wall time) instead of holding the step. The wait counts
  // on the follower's clock (the emulator's virtual one in tests; wall time in production).
  const timeoutMs = opts.timeoutSeconds * 1000;
  const wallStart = Date.now();
  const started = clock.now();
  const wallLeftMs = () => Math.max(1, timeoutMs - (Date.now() - wallStart));
  const leftMs = () => Math.max(0, timeoutMs - (clock.now() - started));
  const { placement, taskDefinitionArn, container } = await withDeadline(
    timeoutMs,
    () => resolveTask(aws, opts),
    opts.signal,
    `run-task did not start within ${opts.timeoutSeconds} s (its timeout): AWS did not answer`,
  );

  const overrides = opts.command
    ? { containerOverrides: [{ name: container.name, command: opts.command }] }
    : undefined;
  // RunTask refuses overrides above 8 KiB of JSON; refuse them here, before the task is started.
  const overridesBytes = overrides ? Buffer.byteLength(JSON.stringify(overrides)) : 0;
  if (overridesBytes > RUN_TASK_OVERRIDES_MAX_BYTES)
    throw new UserError(
      `the command makes ${(overridesBytes / 1024).toFixed(1)} KiB of RunTask overrides; ECS accepts at most 8 KiB`,
      'command',
      'put the long part in a script inside the image (or a file in S3) and run that',
    );
  // RunTask in flight when the job is cancelled may still answer (and name the task to stop), briefly.
  const run = await withDeadline(
    wallLeftMs(),
    () =>
      aws.ecs.send(
        new RunTaskCommand({
          cluster: opts.cluster,
          taskDefinition: taskDefinitionArn,
          count: 1,
          startedBy: (opts.startedBy ?? 'cendence-run-task').slice(0, 36),
          networkConfiguration: placement.networkConfiguration,
          ...(placement.capacityProviderStrategy?.length
            ? { capacityProviderStrategy: placement.capacityProviderStrategy }
            : { launchType: 'FARGATE' as const }),
          ...(placement.platformVersion ? { platformVersion: placement.platformVersion } : {}),
          ...(overrides ? { overrides } : {}),
        }),
      ),
    afterGrace(opts.signal, STOP_BUDGET_MS),
    `run-task did not start within ${opts.timeoutSeconds} s (its timeout): RunTask did not answer`,
  );
  const taskArn = run.tasks?.[0]?.taskArn;
  if (!taskArn) {
    const f = run.failures?.[0];
    throw new StepFailed(
      `RunTask started no task: ${f?.reason ?? 'no reason given'}${f?.detail ? ` (${f.detail})` : ''}`,
      {
        failures: run.failures,
      },
    );
  }
  const taskId = taskArn.slice(taskArn.lastIndexOf('/') + 1);
  runner.info(`started task ${taskId} (${taskDefinitionArn}, container ${container.name})`);

  const logs = logTailFor(aws, container, taskId, runner, opts.excerptLines ?? 20);
  let seenRunning = false;
  let lastStatus = '';
  const stop = (reason: string) =>
    aws.ecs.send(
      new StopTaskCommand({ cluster: opts.cluster, task: taskArn, reason: `cendence run-task: ${reason}` }),
    );
  // Passing AWS trouble is ridden out by the follower; an error that ends the wait (AccessDenied…)
  // or the deadline stops the task, so a migration is never left running unobserved.
  const end: FollowEnd<Task> = await follow<Task>(
    async () => {
      const out = await aws.ecs.send(new DescribeTasksCommand({ cluster: opts.cluster, tasks: [taskArn] }));
      const task = out.tasks?.[0];
      if (task?.lastStatus && task.lastStatus !== lastStatus) {
        lastStatus = task.lastStatus;
        runner.progress(`task ${taskId}: ${lastStatus}`);
      }
      if (task?.lastStatus === 'RUNNING') seenRunning = true;
      await logs?.drain();
      if (task?.lastStatus === 'STOPPED') return { done: task, near: true };
      return { near: seenRunning };
    },
    {
      clock,
      signal: opts.signal,
      timeoutMs: leftMs(),
      timing: opts.timing ?? RUN_TASK_TIMING,
      api: 'ECS',
      onTrouble: (line, over) =>
        over ? runner.info(`task ${taskId}: ${line}`) : runner.progress(`task ${taskId}: ${line}`),
    },
  );

  if (end.kind !== 'done') {
    const why =
      end.kind === 'timeout'
        ? `did not finish within ${opts.timeoutSeconds}s${end.trouble ? ` (${end.trouble} until then)` : ''}`
        : end.kind === 'error'
          ? `could not be watched (${awsErrorText(end.error)})`
          : 'was cancelled';
    let stopped = 'it has been stopped';
    try {
      await withDeadline(STOP_BUDGET_MS, () => stop(why));
    } catch (err) {
      stopped = `stopping it failed: ${awsErrorText(err)}`;
    }
    await withDeadline(STOP_BUDGET_MS, async () => logs?.drain()).catch(() => undefined);
    throw new StepFailed(`task ${taskId} ${why}; ${stopped}`, {
      taskArn,
      logExcerpt: logs?.excerpt() ?? [],
    } satisfies RunTaskFailure);
  }

  const task = end.value;
  await logs?.drain();
  const c = task.containers?.find((x) => x.name === container.name);
  const failure: RunTaskFailure = {
    taskArn,
    exitCode: c?.exitCode,
    stoppedReason: task.stoppedReason,
    stopCode: task.stopCode,
    logExcerpt: logs?.excerpt() ?? [],
  };
  if (c?.exitCode === undefined) {
    const reason = [task.stoppedReason, c?.reason].filter(Boolean).join('; ') || 'no reason given';
    throw new StepFailed(
      seenRunning
        ? `task ${taskId} stopped without an exit code for ${container.name}: ${reason}`
        : `task ${taskId} stopped before it ran (${task.stopCode ?? 'no stop code'}): ${reason}`,
      failure,
    );
  }
  if (c.exitCode !== 0) {
    throw new StepFailed(
      `container ${container.name} exited with code ${c.exitCode} (task ${taskId})`,
      failure,
    );
  }
  runner.info(`task ${taskId}: container ${container.name} exited with code 0`);
  return { taskArn, exitCode: 0, logExcerpt: failure.logExcerpt };
}

/** Where and what to run: placement, task definition and container, all read-only. */
async function resolveTask(aws: AwsClients, opts: RunTaskOptions) {
  const placement = await resolvePlacement(aws, opts);
  const wanted = opts.taskDefinition ?? placement.serviceTaskDefinition;
  if (!wanted) {
    throw new UserError(
      'no task definition to run: none given and no live service to take it from',
      'task-definition',
      'pass --task-definition <family:revision or ARN>, or deploy the service first',
    );
  }
  const { arn: taskDefinitionArn, container } = await resolveContainer(
    aws,
    wanted,
    opts.container,
    opts.preferredContainer,
  );
  return { placement, taskDefinitionArn, container };
}

/** The task definition and the container to run; read-only. */
async function resolveContainer(
  aws: AwsClients,
  taskDefinition: string,
  containerName: string | undefined,
  preferred: string | undefined,
): Promise<{ arn: string; container: ContainerDefinition }> {
  let td: DescribeTaskDefinitionCommandOutput;
  try {
    td = await aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
  } catch (err) {
    if (err instanceof ClientException) {
      throw new UserError(
        `task definition "${taskDefinition}" was not found (${err.message})`,
        'task-definition',
        'pass a registered family, family:revision or ARN (deploy registers one; `aws ecs list-task-definitions` lists them)',
      );
    }
    throw err;
  }
  const defs = td.taskDefinition?.containerDefinitions ?? [];
  const names = defs.map((d) => d.name).join(', ');
  const container = containerName
    ? defs.find((d) => d.name === containerName)
    : (defs.find((d) => d.name === preferred) ?? defs.find((d) => d.essential !== false) ?? defs[0]);
  if (!container) {
    throw new UserError(
      `task definition ${taskDefinition} has no container named "${containerName}" (containers: ${names})`,
      'container',
      `pass --container with one of: ${names}`,
    );
  }
  return { arn: td.taskDefinition?.taskDefinitionArn ?? taskDefinition, container };
}

/** Network and capacity: the live service's, else the manifest's network on plain Fargate; read-only. */
async function resolvePlacement(aws: AwsClients, opts: RunTaskOptions): Promise<Placement> {
  const live = opts.service ? await liveService(aws, opts.cluster, opts.service) : undefined;
  const fromService = live?.taskDefinition ? { serviceTaskDefinition: live.taskDefinition } : {};
  if (live?.networkConfiguration?.awsvpcConfiguration?.subnets?.length) {
    return {
      ...fromService,
      networkConfiguration: live.networkConfiguration,
      ...(live.capacityProviderStrategy?.length
        ? { capacityProviderStrategy: live.capacityProviderStrategy }
        : {}),
      ...(live.platformVersion ? { platformVersion: live.platformVersion } : {}),
    };
  }
  if (opts.network) {
    const { subnets, securityGroups, assignPublicIp } = opts.network;
    return {
      ...fromService,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets,
          securityGroups,
          assignPublicIp: assignPublicIp ? 'ENABLED' : 'DISABLED',
        },
      },
    };
  }
  throw new UserError(
    opts.service
      ? `service "${opts.service}" in cluster "${opts.cluster}" is not active or has no awsvpc network configuration to copy`
      : 'no network configuration for the task',
    'deploy.network',
    'create the service first, or set deploy.network.subnets (and securityGroups) in the service manifest',
  );
}

async function liveService(aws: AwsClients, cluster: string, service: string): Promise<Service | undefined> {
  try {
    const out = await aws.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    return out.services?.find((x) => x.status === 'ACTIVE');
  } catch (err) {
    if (err instanceof ClusterNotFoundException) {
      throw new UserError(
        `cluster "${cluster}" does not exist`,
        'deploy.cluster',
        'use an existing cluster name (not an ARN)',
      );
    }
    throw err;
  }
}

function logTailFor(
  aws: AwsClients,
  container: ContainerDefinition,
  taskId: string,
  runner: Runner,
  keep: number,
): LogTail | undefined {
  const o =
    container.logConfiguration?.logDriver === 'awslogs' ? container.logConfiguration.options : undefined;
  const group = o?.['awslogs-group'];
  const prefix = o?.['awslogs-stream-prefix'];
  if (!group || !prefix) {
    runner.warning(
      `container ${container.name} does not log with awslogs (group and stream prefix); its output cannot be shown`,
    );
    return undefined;
  }
  return new LogTail(
    aws,
    { group, stream: `${prefix}/${container.name}/${taskId}` },
    runner,
    keep,
    `${container.name} | `,
  );
}
