// Task API calls: RunTask, DescribeTasks (≤100, unknown → failures MISSING), ListTasks, StopTask.
import { worldOf } from '../context.js';
import { lastSegment } from '../ids.js';
import type { HandlerContext, ServiceHandlers } from '../types.js';
import { AwsError } from '../types.js';
import type { Json, Task } from './model.js';
import { resolveTaskDefinition } from './services.js';
import type { EcsState } from './state.js';
import { launchTask, stopTask, taskOut } from './tasks.js';

const ecsOf = (ctx: HandlerContext): EcsState => worldOf(ctx).ecs;
const invalid = (message: string) => new AwsError('InvalidParameterException', message);

export const taskHandlers: ServiceHandlers = {
  RunTask(input, ctx) {
    const ecs = ecsOf(ctx);
    const cluster = ecs.cluster(input.cluster);
    const td = resolveTaskDefinition(ecs, input.taskDefinition);
    const count = input.count === undefined ? 1 : Number(input.count);
    if (!Number.isInteger(count) || count < 1 || count > 10) throw invalid('count must be between 1 and 10.');
    const vpc = input.networkConfiguration?.awsvpcConfiguration;
    if (td.body.networkMode === 'awsvpc' && !vpc?.subnets?.length) {
      throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    }
    if (typeof input.startedBy === 'string' && input.startedBy.length > 36) {
      throw invalid('startedBy can be at most 36 characters.');
    }
    const launchType = input.launchType ?? (input.capacityProviderStrategy ? undefined : 'FARGATE');
    if (launchType === 'FARGATE' && !(td.body.compatibilities as string[]).includes('FARGATE')) {
      throw invalid('Task definition does not support launch_type FARGATE.');
    }
    const tasks: Task[] = [];
    for (let i = 0; i < count; i++) {
      tasks.push(
        launchTask(ecs, {
          taskDef: td,
          clusterArn: cluster.clusterArn,
          startedBy: input.startedBy,
          group: input.group ?? `family:${td.family}`,
          launchType: launchType ?? 'FARGATE',
          platformVersion: input.platformVersion,
          networkConfiguration: input.networkConfiguration,
          overrides: input.overrides,
          tags: input.tags,
        }),
      );
    }
    return { tasks: tasks.map((t) => taskOut(t)), failures: [] };
  },

  DescribeTasks(input, ctx) {
    const ecs = ecsOf(ctx);
    const cluster = ecs.cluster(input.cluster);
    const refs: unknown = input.tasks;
    if (!Array.isArray(refs) || refs.length === 0) throw invalid('Tasks cannot be empty.');
    if (refs.length > 100) throw invalid('tasks can have at most 100 items.');
    const withTags = Array.isArray(input.include) && input.include.includes('TAGS');
    const tasks: Json[] = [];
    const failures: Json[] = [];
    for (const ref of refs as string[]) {
      const arn = ecs.arn(`task/${cluster.clusterName}/${lastSegment(ref)}`);
      const t = ecs.tasks.get(arn);
      if (t) tasks.push(taskOut(t, withTags));
      else failures.push({ arn: ref.startsWith('arn:') ? ref : arn, reason: 'MISSING' });
    }
    return { tasks, failures };
  },

  ListTasks(input, ctx) {
    const ecs = ecsOf(ctx);
    const cluster = ecs.cluster(input.cluster);
    // ECS: "When you specify startedBy as the filter, it must be the only filter that you use."
    const others = ['serviceName', 'family', 'containerInstance', 'launchType', 'desiredStatus'].filter(
      (k) => input[k] !== undefined,
    );
    if (input.startedBy && others.length) {
      throw invalid(`startedBy must be the only filter: remove ${others.join(', ')}.`);
    }
    let serviceName: string | undefined;
    if (input.serviceName) {
      const svc = ecs.findService(cluster, input.serviceName);
      if (!svc) throw new AwsError('ServiceNotFoundException', 'Service not found.');
      serviceName = svc.serviceName;
    }
    const desired = input.desiredStatus ?? 'RUNNING';
    const arns: string[] = [];
    for (const t of ecs.tasks.values()) {
      if (t.clusterArn !== cluster.clusterArn || t.desiredStatus !== desired) continue;
      if (serviceName && t.sim.serviceName !== serviceName) continue;
      if (input.family && t.family !== input.family) continue;
      if (input.startedBy && t.startedBy !== input.startedBy) continue;
      if (input.launchType && t.launchType !== input.launchType) continue;
      arns.push(t.taskArn);
    }
    const start = Number(input.nextToken ?? 0) || 0;
    const max = Math.min(Number(input.maxResults ?? 100), 100);
    return {
      taskArns: arns.slice(start, start + max),
      nextToken: start + max < arns.length ? String(start + max) : undefined,
    };
  },

  StopTask(input, ctx) {
    const ecs = ecsOf(ctx);
    const cluster = ecs.cluster(input.cluster);
    const t = ecs.tasks.get(ecs.arn(`task/${cluster.clusterName}/${lastSegment(String(input.task ?? ''))}`));
    if (!t) throw invalid('The referenced task was not found.');
    stopTask(ecs, t, { stopCode: 'UserInitiated', reason: input.reason ?? 'Task stopped by user' });
    return { task: taskOut(t) };
  },
};
