// Failure diagnosis, collected right after a failure because ECS forgets stopped tasks within about an
// hour: the rollout reason, recent service events, the stopped tasks of our deployment (stoppedReason,
// exit codes) and the last log lines of their containers. Printed, put in the summary, and saved as
// JSON + markdown. Collecting never hides the failure itself: each part that cannot be read is noted.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  type ContainerDefinition,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import { redactLines } from '../run-task/redact.js';
import { fenced } from '../runner/untrusted.js';

export interface StoppedTask {
  taskId: string;
  startedBy?: string;
  taskDefinition?: string;
  stopCode?: string;
  stoppedReason?: string;
  stoppedAt?: string;
  containers: { name: string; exitCode?: number; reason?: string; lastStatus?: string }[];
}

export interface LogTail {
  taskId: string;
  container: string;
  group: string;
  stream: string;
  lines: string[];
}

export interface Diagnosis {
  name: string;
  cluster: string;
  service: string;
  deploymentId?: string;
  reason: string;
  rolloutStateReason?: string;
  events: { at?: string; message: string }[];
  stoppedTasks: StoppedTask[];
  logs: LogTail[];
  /** Parts that could not be collected, and why. */
  gaps: string[];
}

export interface DiagnoseInput {
  name: string;
  cluster: string;
  service: string;
  deploymentId?: string;
  reason: string;
  /** The service as last seen while following. */
  last?: Service;
  /** Our containers (for their awslogs group and stream prefix). */
  containers: ContainerDefinition[];
  maxEvents?: number;
  maxTasks?: number;
  logLines?: number;
}

const taskIdOf = (arn = '') => arn.split('/').pop() ?? arn;

export async function diagnose(aws: AwsClients, input: DiagnoseInput): Promise<Diagnosis> {
  const gaps: string[] = [];
  // Blue/green and CodeDeploy follow something else than the service: read it once for its events.
  let last = input.last;
  if (!last) {
    try {
      const out = await aws.ecs.send(
        new DescribeServicesCommand({ cluster: input.cluster, services: [input.service] }),
      );
      last = out.services?.[0];
    } catch (err) {
      gaps.push(`service events: ${(err as Error).message}`);
    }
  }
  const ours = last?.deployments?.find((d) => d.id === input.deploymentId);
  const events = (last?.events ?? [])
    .slice(0, input.maxEvents ?? 10)
    .map((e) => ({ at: e.createdAt?.toISOString(), message: e.message ?? '' }));
  const stoppedTasks: StoppedTask[] = [];
  let described: Task[] = [];
  try {
    const list = await aws.ecs.send(
      new ListTasksCommand({ cluster: input.cluster, serviceName: input.service, desiredStatus: 'STOPPED' }),
    );
    const arns = (list.taskArns ?? []).slice(0, 100);
    if (arns.length > 0) {
      const out = await aws.ecs.send(new DescribeTasksCommand({ cluster: input.cluster, tasks: arns }));
      described = out.tasks ?? [];
    }
  } catch (err) {
    gaps.push(`stopped tasks: ${(err as Error).message}`);
  }
  // Service tasks carry their deployment id in startedBy: keep ours; if none match, keep them all.
  const mine = described.filter((t) => input.deploymentId && t.startedBy === input.deploymentId);
  const chosen = (mine.length > 0 ? mine : described)
    .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0))
    .slice(0, input.maxTasks ?? 5);
  for (const t of chosen) {
    stoppedTasks.push({
      taskId: taskIdOf(t.taskArn),
      ...(t.startedBy ? { startedBy: t.startedBy } : {}),
      ...(t.taskDefinitionArn ? { taskDefinition: t.taskDefinitionArn } : {}),
      ...(t.stopCode ? { stopCode: t.stopCode } : {}),
      ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
      ...(t.stoppedAt ? { stoppedAt: t.stoppedAt.toISOString() } : {}),
      containers: (t.containers ?? []).map((c) => ({
        name: c.name ?? '',
        ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.lastStatus ? { lastStatus: c.lastStatus } : {}),
      })),
    });
  }
  // Every stopped task listed gets its log tail: a table row without its lines hides the cause.
  const logs = await tailLogs(aws, stoppedTasks, input, gaps);
  return {
    name: input.name,
    cluster: input.cluster,
    service: input.service,
    ...(input.deploymentId ? { deploymentId: input.deploymentId } : {}),
    reason: input.reason,
    ...(ours?.rolloutStateReason ? { rolloutStateReason: ours.rolloutStateReason } : {}),
    events,
    stoppedTasks,
    logs,
    gaps,
  };
}

/** awslogs streams are <prefix>/<container>/<taskId>; read the end of each failed container's stream. */
async function tailLogs(
  aws: AwsClients,
  tasks: StoppedTask[],
  input: DiagnoseInput,
  gaps: string[],
): Promise<LogTail[]> {
  const tails: LogTail[] = [];
  for (const task of tasks) {
    // Containers that exited non-zero first; if none did (a failed health check), every container.
    const failed = task.containers.filter((c) => c.exitCode !== undefined && c.exitCode !== 0);
    for (const c of failed.length > 0 ? failed : task.containers) {
      const def = input.containers.find((d) => d.name === c.name);
      const opts = def?.logConfiguration?.logDriver === 'awslogs' ? def.logConfiguration.options : undefined;
      const group = opts?.['awslogs-group'];
      const prefix = opts?.['awslogs-stream-prefix'];
      if (!group || !prefix) continue;
      const stream = `${prefix}/${c.name}/${task.taskId}`;
      try {
        const out = await aws.logs.send(
          new GetLogEventsCommand({
            logGroupName: group,
            logStreamName: stream,
            limit: input.logLines ?? 20,
            startFromHead: false,
          }),
        );
        tails.push({
          taskId: task.taskId,
          container: c.name,
          group,
          stream,
          // Crash loops print connection strings; the same redaction as run-task's log stream.
          lines: redactLines((out.events ?? []).map((e) => e.message ?? '')),
        });
      } catch (err) {
        // No stream: the container never wrote a line (it did not get that far). Nothing to show.
        if ((err as Error).name === 'ResourceNotFoundException') continue;
        gaps.push(`logs ${group}/${stream}: ${(err as Error).message}`);
      }
    }
  }
  return tails;
}

/** Readable text and markdown of a diagnosis (the log and the job summary use the same words). */
export function diagnosisMarkdown(d: Diagnosis): string {
  const out: string[] = [`### ${d.name}: ${d.reason}`, ''];
  if (d.rolloutStateReason) out.push(`- rolloutStateReason: ${d.rolloutStateReason}`);
  if (d.deploymentId)
    out.push(`- deployment: \`${d.deploymentId}\` (cluster ${d.cluster}, service ${d.service})`);
  if (d.stoppedTasks.length > 0) {
    out.push(
      '',
      '#### Stopped tasks',
      '',
      '| task | stop code | stopped reason | containers (exit code) |',
      '|---|---|---|---|',
    );
    for (const t of d.stoppedTasks) {
      const containers = t.containers
        .map((c) => `${c.name} (${c.exitCode ?? '–'}${c.reason ? `: ${c.reason}` : ''})`)
        .join(', ');
      out.push(`| ${t.taskId} | ${t.stopCode ?? ''} | ${cell(t.stoppedReason)} | ${cell(containers)} |`);
    }
  }
  for (const l of d.logs) {
    out.push('', `#### Last log lines: ${l.container} in task ${l.taskId}`, '', ...fenced(l.lines));
  }
  if (d.events.length > 0) {
    out.push('', '#### Recent service events', '');
    for (const e of d.events) out.push(`- ${e.at ?? ''} ${e.message}`);
  }
  if (d.gaps.length > 0) out.push('', `Not collected: ${d.gaps.join('; ')}`);
  return out.join('\n');
}

const cell = (s = '') => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Writes <dir>/diagnosis-<name>.json and .md; returns their paths. */
export async function saveDiagnosis(dir: string, d: Diagnosis): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, `diagnosis-${d.name}`);
  await writeFile(`${base}.json`, `${JSON.stringify(d, null, 2)}\n`);
  await writeFile(`${base}.md`, `${diagnosisMarkdown(d)}\n`);
  return [`${base}.json`, `${base}.md`];
}
