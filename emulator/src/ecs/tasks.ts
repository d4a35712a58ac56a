// Tasks: launching, the lifecycle PROVISIONING → PENDING → RUNNING → (DEACTIVATING →) STOPPING →
// DEPROVISIONING → STOPPED on the emulator clock, health (container health checks, ELB targets), and
// what each image behaviour does to a task. Service-level decisions live in deployments.ts.
import { createHash, randomBytes } from 'node:crypto';
import { type Behavior, resolveDefaults } from '../behaviors.js';
import { hex } from '../ids.js';
import type {
  ContainerDef,
  ContainerState,
  Deployment,
  Json,
  Service,
  Tag,
  Task,
  TaskDefinition,
} from './model.js';
import type { EcsState } from './state.js';

/** Seconds for ENI provisioning (PROVISIONING → PENDING). */
const PROVISION_S = 2;
/** Seconds from SIGTERM to exited containers, and for ENI teardown. */
const STOPPING_S = 2;
const DEPROVISION_S = 3;
/** Without a container health check or load balancer, ECS counts a task healthy this long after RUNNING. */
export const IMPLICIT_HEALTHY_S = 40;

/**
 * Runs tasks for real (emulator/src/runtime/): without one, tasks follow their image behaviours on the
 * emulator clock. The runtime reports back through containersStarted, containerExited,
 * containerHealth, taskFailedToStart and containersStopped below.
 */
export interface TaskRuntime {
  /** PENDING: pull the images and start the containers. */
  launch(task: Task): void;
  /** SIGTERM every container, SIGKILL after its stopTimeout; false when the runtime never ran it. */
  stop(task: Task): boolean;
}

export interface LaunchSpec {
  taskDef: TaskDefinition;
  clusterArn: string;
  startedBy?: string;
  group: string;
  launchType?: string;
  platformVersion?: string;
  networkConfiguration?: Json;
  overrides?: Json;
  tags?: Tag[];
  service?: Service;
  deployment?: Deployment;
  /** Target groups and ports this task registers with once RUNNING. */
  targets?: { targetGroupArn: string; port: number }[];
}

const digestOf = (image: string): string => {
  const at = image.indexOf('@sha256:');
  return at >= 0 ? image.slice(at + 1) : `sha256:${createHash('sha256').update(image).digest('hex')}`;
};

// A one-off task (RunTask outside a service, e.g. a migration) runs its command to completion: where its
// image is merely "healthy" it exits 0, as a command that succeeds does. crash/unhealthy/stall still apply.
function oneOffOrService(b: Behavior, spec: LaunchSpec): Behavior {
  if (spec.service || b.behavior !== 'healthy') return b;
  return {
    ...resolveDefaults({ image: b.image, behavior: 'exit', startSeconds: b.startSeconds }),
    logLines: b.logLines,
  };
}

export function launchTask(ecs: EcsState, spec: LaunchSpec): Task {
  const now = ecs.now();
  const id = hex(16);
  const clusterName = spec.clusterArn.slice(spec.clusterArn.lastIndexOf('/') + 1);
  const body = spec.taskDef.body;
  const defs = (body.containerDefinitions as ContainerDef[]) ?? [];
  const ip = `10.0.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0] % 254)}`;
  const subnets =
    ((spec.networkConfiguration?.awsvpcConfiguration as Json | undefined)?.subnets as string[]) ?? [];
  const containers: ContainerState[] = defs.map((c) => ({
    name: c.name,
    image: c.image,
    imageDigest: digestOf(c.image),
    essential: c.essential !== false,
    lastStatus: 'PENDING',
    healthStatus: 'UNKNOWN',
    behavior: oneOffOrService(ecs.world.behaviors.for(c.image), spec),
    healthCheck: c.healthCheck,
    logConfiguration: c.logConfiguration,
    portMappings: (c.portMappings ?? []).map((p) => ({ containerPort: Number(p.containerPort) })),
  }));
  const task: Task = {
    taskArn: ecs.arn(`task/${clusterName}/${id}`),
    id,
    clusterArn: spec.clusterArn,
    taskDefinitionArn: spec.taskDef.arn,
    family: spec.taskDef.family,
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    startedBy: spec.startedBy,
    group: spec.group,
    launchType: spec.launchType ?? 'FARGATE',
    platformVersion:
      spec.platformVersion && spec.platformVersion !== 'LATEST' ? spec.platformVersion : '1.4.0',
    cpu: body.cpu as string | undefined,
    memory: body.memory as string | undefined,
    createdAt: now,
    healthStatus: 'UNKNOWN',
    containers,
    overrides: spec.overrides ?? { containerOverrides: [], inferenceAcceleratorOverrides: [] },
    tags: spec.tags ?? [],
    version: 1,
    ip,
    subnet: subnets[0] ?? 'subnet-0emulator-a',
    eniId: `eni-${hex(8)}`,
    availabilityZone: `${ecs.world.region}a`,
    sim: {
      serviceName: spec.service?.serviceName,
      deploymentId: spec.deployment?.id,
      nextAt: now + PROVISION_S * 1000,
      targets: spec.targets ?? [],
      graceSeconds: spec.service?.healthCheckGracePeriodSeconds ?? 0,
    },
  };
  ecs.tasks.set(task.taskArn, task);
  ecs.live.add(task);
  return task;
}

interface Timeline {
  exitAt?: number;
  exitContainer?: ContainerState;
  healthAt?: number;
  healthPasses: boolean;
}
const timelines = new WeakMap<Task, Timeline>();

/** Moves a task along its lifecycle to `now`. */
export function advanceTask(ecs: EcsState, task: Task, now: number): void {
  const due = task.sim.nextAt !== undefined && task.sim.nextAt <= now;
  switch (task.lastStatus) {
    case 'PROVISIONING':
      if (due) toPending(ecs, task, now);
      return;
    case 'PENDING':
      if (due) toRunning(ecs, task, now);
      return;
    case 'RUNNING':
      checkRunning(ecs, task, now);
      return;
    case 'DEACTIVATING':
      if (due) toStopping(ecs, task, now);
      return;
    case 'STOPPING':
      if (due) {
        task.lastStatus = 'DEPROVISIONING';
        task.executionStoppedAt ??= now;
        task.sim.nextAt = now + DEPROVISION_S * 1000;
        task.version++;
      }
      return;
    case 'DEPROVISIONING':
      if (due) {
        task.lastStatus = 'STOPPED';
        task.stoppedAt = now;
        task.sim.nextAt = undefined;
        task.version++;
        ecs.live.delete(task);
      }
      return;
  }
}

function toPending(ecs: EcsState, task: Task, now: number): void {
  // The awslogs driver needs its log group before any container starts.
  for (const c of task.containers) {
    const lc = c.logConfiguration;
    if (lc?.logDriver !== 'awslogs') continue;
    const group = lc.options?.['awslogs-group'];
    if (!group) continue;
    if (ecs.world.logs.groups.has(group)) continue;
    if (lc.options?.['awslogs-create-group'] === 'true') {
      ecs.world.logs.createGroup(group);
      continue;
    }
    stopTask(ecs, task, {
      stopCode: 'TaskFailedToStart',
      reason:
        'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: ' +
        'failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1',
      failed: true,
    });
    return;
  }
  task.lastStatus = 'PENDING';
  task.connectivityAt = now;
  task.pullStartedAt = now;
  task.version++;
  if (ecs.runtime) {
    task.sim.nextAt = undefined;
    ecs.runtime.launch(task);
    return;
  }
  const stalls = task.containers.some((c) => c.behavior.behavior === 'stall');
  const start = Math.max(...task.containers.map((c) => c.behavior.startSeconds), 0);
  task.sim.nextAt = stalls ? undefined : now + start * 1000;
}

function toRunning(ecs: EcsState, task: Task, now: number): void {
  const unpullable = task.containers.find((c) => c.behavior.behavior === 'pull-error');
  if (unpullable) {
    const reason =
      `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ` +
      `${unpullable.image}: not found`;
    unpullable.reason = reason;
    stopTask(ecs, task, { stopCode: 'TaskFailedToStart', reason, failed: true });
    return;
  }
  task.lastStatus = 'RUNNING';
  task.pullStoppedAt = now;
  task.startedAt = now;
  task.sim.nextAt = undefined;
  task.version++;
  const tl: Timeline = { healthPasses: true };
  for (const c of task.containers) {
    c.lastStatus = 'RUNNING';
    const b = c.behavior;
    if ((b.behavior === 'crash' || b.behavior === 'exit') && c.essential) {
      const at = now + b.runSeconds * 1000;
      if (tl.exitAt === undefined || at < tl.exitAt) {
        tl.exitAt = at;
        tl.exitContainer = c;
      }
    }
    if (c.healthCheck) {
      const hc = c.healthCheck;
      const interval = (hc.interval ?? 30) * 1000;
      const fails = b.behavior === 'unhealthy';
      const at = fails ? now + (hc.startPeriod ?? 0) * 1000 + interval * (hc.retries ?? 3) : now + interval;
      tl.healthAt = Math.max(tl.healthAt ?? 0, at);
      if (fails) tl.healthPasses = false;
    }
    writeLogs(ecs, task, c, now);
  }
  timelines.set(task, tl);
  const passes = !task.containers.some((c) => c.behavior.behavior === 'unhealthy');
  for (const t of task.sim.targets) ecs.world.elbv2.registerTarget(t.targetGroupArn, task.ip, t.port, passes);
  const svc = serviceOf(ecs, task);
  if (svc)
    for (const tg of new Set(task.sim.targets.map((t) => t.targetGroupArn))) ecs.tally(svc, 'registered', tg);
}

function writeLogs(ecs: EcsState, task: Task, c: ContainerState, now: number): void {
  const lc = c.logConfiguration;
  // The awslogs driver creates the stream when the container starts, before (and without) any line.
  if (lc?.logDriver !== 'awslogs') return;
  const group = lc.options?.['awslogs-group'];
  const prefix = lc.options?.['awslogs-stream-prefix'];
  if (!group) return;
  const stream = prefix ? `${prefix}/${c.name}/${task.id}` : task.id;
  ecs.world.logs.putEvents(group, stream, c.behavior.logLines, now);
}

function serviceOf(ecs: EcsState, task: Task): Service | undefined {
  if (!task.sim.serviceName) return undefined;
  const clusterName = task.clusterArn.slice(task.clusterArn.lastIndexOf('/') + 1);
  return ecs.services.get(ecs.arn(`service/${clusterName}/${task.sim.serviceName}`));
}

function checkRunning(ecs: EcsState, task: Task, now: number): void {
  if (task.desiredStatus === 'STOPPED') return;
  const tl = timelines.get(task) ?? { healthPasses: true };
  if (tl.exitAt !== undefined && tl.exitAt <= now && tl.exitContainer) {
    const c = tl.exitContainer;
    c.exitCode = c.behavior.exitCode;
    c.lastStatus = 'STOPPED';
    stopTask(ecs, task, {
      stopCode: 'EssentialContainerExited',
      reason: 'Essential container in task exited',
      failed: task.sim.serviceName !== undefined,
      crashed: true,
    });
    return;
  }
  if (tl.healthAt !== undefined && tl.healthAt <= now && task.healthStatus === 'UNKNOWN') {
    const status = tl.healthPasses ? 'HEALTHY' : 'UNHEALTHY';
    for (const c of task.containers) if (c.healthCheck) c.healthStatus = status;
    task.healthStatus = status;
    task.version++;
    const svc = serviceOf(ecs, task);
    if (status === 'UNHEALTHY' && svc) {
      ecs.event(svc, `(service ${svc.serviceName}) (task ${task.id}) failed container health checks.`);
      stopTask(ecs, task, {
        stopCode: 'ServiceSchedulerInitiated',
        reason: 'Task failed container health checks',
        failed: true,
      });
      return;
    }
  }
  const svc = serviceOf(ecs, task);
  if (svc && task.startedAt !== undefined && now >= task.startedAt + task.sim.graceSeconds * 1000) {
    for (const t of task.sim.targets) {
      const target = ecs.world.elbv2.target(t.targetGroupArn, task.ip, t.port);
      if (target?.state !== 'unhealthy') continue;
      ecs.event(
        svc,
        `(service ${svc.serviceName}) (port ${t.port}) is unhealthy in (target-group ${t.targetGroupArn}) due to (reason ${target.description}).`,
      );
      stopTask(ecs, task, {
        stopCode: 'ServiceSchedulerInitiated',
        reason: `Task failed ELB health checks in (target-group ${t.targetGroupArn})`,
        failed: true,
      });
      return;
    }
  }
  if (task.sim.healthySince === undefined && isHealthyNow(ecs, task, now)) {
    task.sim.healthySince = now;
    if (svc) onTaskHealthy(svc, task);
  }
}

/** Counted healthy for deployments: RUNNING, container health HEALTHY (if checked), targets healthy. */
function isHealthyNow(ecs: EcsState, task: Task, now: number): boolean {
  if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') return false;
  const checked = task.containers.some((c) => c.healthCheck);
  if (checked && task.healthStatus !== 'HEALTHY') return false;
  for (const t of task.sim.targets) {
    if (ecs.world.elbv2.target(t.targetGroupArn, task.ip, t.port)?.state !== 'healthy') return false;
  }
  if (!checked && task.sim.targets.length === 0) {
    return task.startedAt !== undefined && now >= task.startedAt + IMPLICIT_HEALTHY_S * 1000;
  }
  return true;
}

export function isHealthy(task: Task): boolean {
  return task.sim.healthySince !== undefined && task.desiredStatus === 'RUNNING';
}

/** A task that runs healthy resets its deployment's consecutive failure count (resetOnHealthyTask). */
function onTaskHealthy(svc: Service, task: Task): void {
  const dep = svc.deployments.find((d) => d.id === task.sim.deploymentId);
  if (!dep) return;
  if (svc.deploymentConfiguration.deploymentCircuitBreaker?.resetOnHealthyTask !== false) dep.failedTasks = 0;
}

export interface StopOptions {
  stopCode: string;
  reason: string;
  /** Counts against the deployment's circuit breaker. */
  failed?: boolean;
  /** The essential container already exited: no draining wait. */
  crashed?: boolean;
}

export function stopTask(ecs: EcsState, task: Task, opts: StopOptions): void {
  if (task.desiredStatus === 'STOPPED') return;
  const now = ecs.now();
  task.desiredStatus = 'STOPPED';
  task.stoppingAt = now;
  task.stopCode = opts.stopCode;
  task.stoppedReason = opts.reason;
  task.version++;
  if (opts.failed && task.sim.serviceName) {
    task.sim.failed = true;
    const dep = serviceOf(ecs, task)?.deployments.find((d) => d.id === task.sim.deploymentId);
    if (dep) dep.failedTasks++;
  }
  const wasRunning = task.lastStatus === 'RUNNING';
  let drain = 0;
  const svc = serviceOf(ecs, task);
  for (const t of task.sim.targets) {
    if (!wasRunning) continue;
    const delay = ecs.world.elbv2.deregisterTarget(t.targetGroupArn, task.ip, t.port);
    drain = Math.max(drain, delay);
    if (svc) ecs.tally(svc, 'deregistered', t.targetGroupArn);
  }
  if (wasRunning && drain > 0 && !opts.crashed) {
    if (svc) ecs.tally(svc, 'draining');
    task.lastStatus = 'DEACTIVATING';
    task.sim.nextAt = now + drain * 1000;
  } else {
    toStopping(ecs, task, now, opts.crashed);
  }
}

function toStopping(ecs: EcsState, task: Task, now: number, crashed = false): void {
  const wasRunning = task.startedAt !== undefined;
  task.lastStatus = 'STOPPING';
  task.sim.nextAt = now + STOPPING_S * 1000;
  task.version++;
  // Real containers: STOPPING lasts until they have exited (containersStopped), with their exit codes.
  if (ecs.runtime?.stop(task)) {
    task.sim.nextAt = undefined;
    return;
  }
  for (const c of task.containers) {
    if (c.lastStatus === 'STOPPED') continue;
    c.lastStatus = 'STOPPED';
    // Containers that never started have no exit code; others exit on SIGTERM (or are killed when an
    // essential sibling crashed).
    if (wasRunning) c.exitCode = crashed ? 137 : 0;
  }
}

// --- reports from a real runtime (TaskRuntime) -------------------------------------------------------

/** Every container started: RUNNING at the container's real address; targets await real health checks. */
export function containersStarted(ecs: EcsState, task: Task, ip: string): void {
  if (task.lastStatus !== 'PENDING' || task.desiredStatus === 'STOPPED') return;
  const now = ecs.now();
  task.ip = ip;
  task.lastStatus = 'RUNNING';
  task.pullStoppedAt ??= now;
  task.startedAt = now;
  task.version++;
  for (const c of task.containers) if (c.lastStatus === 'PENDING') c.lastStatus = 'RUNNING';
  timelines.set(task, { healthPasses: true });
  for (const t of task.sim.targets) ecs.world.elbv2.registerTarget(t.targetGroupArn, ip, t.port, true, true);
  const svc = serviceOf(ecs, task);
  if (svc)
    for (const tg of new Set(task.sim.targets.map((t) => t.targetGroupArn))) ecs.tally(svc, 'registered', tg);
}

/** The images are pulled: PENDING's pull phase is over. */
export function imagesPulled(ecs: EcsState, task: Task): void {
  task.pullStoppedAt = ecs.now();
  task.version++;
}

/** A container exited; an essential one stops the task ("Essential container in task exited"). */
export function containerExited(
  ecs: EcsState,
  task: Task,
  name: string,
  exitCode: number,
  reason?: string,
): void {
  const c = task.containers.find((x) => x.name === name);
  if (!c) return;
  c.exitCode = exitCode;
  c.lastStatus = 'STOPPED';
  if (reason) c.reason = reason;
  task.version++;
  if (!c.essential || task.desiredStatus === 'STOPPED') return;
  stopTask(ecs, task, {
    stopCode: 'EssentialContainerExited',
    reason: 'Essential container in task exited',
    failed: task.sim.serviceName !== undefined,
    crashed: true,
  });
}

/** Docker's health status of a container; the task is UNHEALTHY as soon as an essential one is. */
export function containerHealth(ecs: EcsState, task: Task, name: string, healthy: boolean): void {
  const c = task.containers.find((x) => x.name === name);
  if (!c?.healthCheck) return;
  c.healthStatus = healthy ? 'HEALTHY' : 'UNHEALTHY';
  const checked = task.containers.filter((x) => x.essential && x.healthCheck);
  const status = checked.some((x) => x.healthStatus === 'UNHEALTHY')
    ? 'UNHEALTHY'
    : checked.every((x) => x.healthStatus === 'HEALTHY')
      ? 'HEALTHY'
      : 'UNKNOWN';
  if (status === task.healthStatus) return;
  task.healthStatus = status;
  task.version++;
  const svc = serviceOf(ecs, task);
  if (status === 'UNHEALTHY' && svc && task.desiredStatus === 'RUNNING') {
    ecs.event(svc, `(service ${svc.serviceName}) (task ${task.id}) failed container health checks.`);
    stopTask(ecs, task, {
      stopCode: 'ServiceSchedulerInitiated',
      reason: 'Task failed container health checks',
      failed: true,
    });
  }
}

/** The task could not start (image pull, secrets, resources): STOPPED with ECS's reason. */
export function taskFailedToStart(ecs: EcsState, task: Task, reason: string, container?: string): void {
  const c = container ? task.containers.find((x) => x.name === container) : undefined;
  if (c) c.reason = reason;
  stopTask(ecs, task, { stopCode: 'TaskFailedToStart', reason, failed: true });
}

/** Every container has exited and been removed: STOPPING → DEPROVISIONING. */
export function containersStopped(ecs: EcsState, task: Task): void {
  if (task.lastStatus !== 'STOPPING') return;
  const now = ecs.now();
  task.lastStatus = 'DEPROVISIONING';
  task.executionStoppedAt ??= now;
  task.sim.nextAt = now + DEPROVISION_S * 1000;
  task.version++;
}

// --- API shapes ------------------------------------------------------------------------------------

const d = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));

export function taskOut(task: Task, includeTags = false): Json {
  const attachmentId = `${task.id.slice(0, 8)}-${task.id.slice(8, 12)}-${task.id.slice(12, 16)}-${task.id.slice(16, 20)}-${task.id.slice(20)}`;
  return {
    attachments: [
      {
        id: attachmentId,
        type: 'ElasticNetworkInterface',
        status:
          task.lastStatus === 'STOPPED'
            ? 'DELETED'
            : task.lastStatus === 'PROVISIONING'
              ? 'PRECREATED'
              : 'ATTACHED',
        details: [
          { name: 'subnetId', value: task.subnet },
          { name: 'networkInterfaceId', value: task.eniId },
          { name: 'privateIPv4Address', value: task.ip },
        ],
      },
    ],
    availabilityZone: task.availabilityZone,
    clusterArn: task.clusterArn,
    connectivity: task.connectivityAt !== undefined ? 'CONNECTED' : undefined,
    connectivityAt: d(task.connectivityAt),
    containers: task.containers.map((c) => ({
      containerArn: `${task.taskArn.replace(':task/', ':container/')}/${c.name}`,
      taskArn: task.taskArn,
      name: c.name,
      image: c.image,
      imageDigest: task.lastStatus === 'PROVISIONING' ? undefined : c.imageDigest,
      runtimeId: `${task.id}-${c.name}`,
      lastStatus: c.lastStatus,
      exitCode: c.exitCode,
      reason: c.reason,
      networkBindings: [],
      networkInterfaces: [{ attachmentId, privateIpv4Address: task.ip }],
      healthStatus: c.healthStatus,
      cpu: '0',
    })),
    cpu: task.cpu,
    memory: task.memory,
    createdAt: d(task.createdAt),
    desiredStatus: task.desiredStatus,
    enableExecuteCommand: false,
    executionStoppedAt: d(task.executionStoppedAt),
    group: task.group,
    healthStatus: task.healthStatus,
    lastStatus: task.lastStatus,
    launchType: task.launchType,
    overrides: task.overrides,
    platformVersion: task.platformVersion,
    platformFamily: 'Linux',
    pullStartedAt: d(task.pullStartedAt),
    pullStoppedAt: d(task.pullStoppedAt),
    startedAt: d(task.startedAt),
    startedBy: task.startedBy,
    stopCode: task.stopCode,
    stoppedAt: d(task.stoppedAt),
    stoppedReason: task.stoppedReason,
    stoppingAt: d(task.stoppingAt),
    tags: includeTags ? task.tags : undefined,
    taskArn: task.taskArn,
    taskDefinitionArn: task.taskDefinitionArn,
    version: task.version,
    ephemeralStorage: { sizeInGiB: 20 },
  };
}

/** World seeding: the task has been RUNNING and healthy for a while (its targets too). */
export function settleTask(ecs: EcsState, task: Task): void {
  const now = ecs.now();
  task.lastStatus = 'RUNNING';
  task.connectivityAt = now;
  task.pullStartedAt = now;
  task.pullStoppedAt = now;
  task.startedAt = now;
  task.sim.nextAt = undefined;
  task.sim.healthySince = now;
  for (const c of task.containers) {
    c.lastStatus = 'RUNNING';
    if (c.healthCheck) c.healthStatus = 'HEALTHY';
  }
  if (task.containers.some((c) => c.healthCheck)) task.healthStatus = 'HEALTHY';
  timelines.set(task, { healthPasses: true });
  for (const t of task.sim.targets) {
    ecs.world.elbv2.registerTarget(t.targetGroupArn, task.ip, t.port, true);
    const target = ecs.world.elbv2.target(t.targetGroupArn, task.ip, t.port);
    if (target)
      Object.assign(target, {
        state: 'healthy',
        reason: undefined,
        description: undefined,
        until: undefined,
      });
  }
}
