// Service deployments over the clock: creating ECS deployments and their ServiceDeployment records,
// the rolling scheduler (minimumHealthyPercent / maximumPercent), the circuit breaker and its
// rollback, completion and the steady-state event. Blue/green stages live in bluegreen.ts.
import { randomBytes } from 'node:crypto';
import { cloudwatchOf } from '../cloudwatch/alarms.js';
import { digits, hex } from '../ids.js';
import { firstStage, isBlueGreen, reconcileBlueGreen } from './bluegreen.js';
import { alarmReason, CIRCUIT_BREAKER_REASON, events, schedulerStopReason } from './events.js';
import type {
  ContainerDef,
  Deployment,
  Service,
  ServiceDeploymentRecord,
  Task,
  TaskDefinition,
} from './model.js';
import type { EcsState } from './state.js';
import { isHealthy, launchTask, stopTask } from './tasks.js';

/** ECS's failure threshold: 50% of desired (or the configured percent/count), clamped to 3..200. */
export function failureThreshold(svc: Service): number {
  const cfg = svc.deploymentConfiguration.deploymentCircuitBreaker?.thresholdConfiguration;
  const type = cfg?.type ?? 'BOUNDED_PERCENT';
  const value = cfg?.value ?? 50;
  if (type === 'COUNT') return Math.max(1, Math.floor(value));
  const raw = Math.ceil((svc.desiredCount * value) / 100);
  return type === 'UNBOUNDED_PERCENT' ? Math.max(1, raw) : Math.min(200, Math.max(3, raw));
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** A service deployment id like ECS's ("r7bnSmWKFdXrGTdAm1WW7"). */
const shortId = (): string => [...randomBytes(21)].map((b) => ALNUM[b % 62]).join('');

/** Creates an ECS deployment (and its service revision) for `td`; does not attach it to the service. */
export function createDeployment(
  ecs: EcsState,
  svc: Service,
  td: TaskDefinition,
  serviceDeploymentArn: string,
): Deployment {
  const now = ecs.now();
  const clusterName = svc.clusterArn.slice(svc.clusterArn.lastIndexOf('/') + 1);
  const revisionArn = ecs.arn(`service-revision/${clusterName}/${svc.serviceName}/${digits()}`);
  ecs.revisions.set(revisionArn, {
    serviceRevisionArn: revisionArn,
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    taskDefinition: td.arn,
    launchType: svc.launchType,
    platformVersion: svc.platformVersion,
    platformFamily: svc.platformFamily,
    loadBalancers: svc.loadBalancers,
    networkConfiguration: svc.networkConfiguration,
    containerImages: ((td.body.containerDefinitions as ContainerDef[]) ?? []).map((c) => ({
      containerName: c.name,
      image: c.image,
      imageDigest: c.image.includes('@sha256:')
        ? c.image.slice(c.image.indexOf('@') + 1)
        : `sha256:${hex(32)}`,
    })),
    createdAt: now,
  });
  return {
    id: `ecs-svc/${digits()}`,
    status: 'PRIMARY',
    taskDefinition: td.arn,
    desiredCount: svc.desiredCount,
    pendingCount: 0,
    runningCount: 0,
    failedTasks: 0,
    createdAt: now,
    updatedAt: now,
    launchType: svc.launchType,
    platformVersion: svc.platformVersion,
    platformFamily: svc.platformFamily,
    capacityProviderStrategy: svc.capacityProviderStrategy,
    networkConfiguration: svc.networkConfiguration,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: 'ECS deployment ecs-svc/pending in progress.',
    serviceRevisionArn: revisionArn,
    serviceDeploymentArn,
    sim: {},
  };
}

/**
 * Starts a new deployment of the service's current configuration: the new PRIMARY deployment, older
 * ones ACTIVE, and a ServiceDeployment record (an in-progress one it supersedes is STOPPED).
 */
export function startDeployment(ecs: EcsState, svc: Service, td: TaskDefinition): Deployment {
  const now = ecs.now();
  const clusterName = svc.clusterArn.slice(svc.clusterArn.lastIndexOf('/') + 1);
  const sdArn = ecs.arn(`service-deployment/${clusterName}/${svc.serviceName}/${shortId()}`);
  const previous = svc.currentServiceDeployment
    ? ecs.serviceDeployments.get(svc.currentServiceDeployment)
    : undefined;
  if (previous && !isTerminal(previous)) {
    previous.status = 'STOPPED';
    previous.statusReason = 'Superseded by a newer service deployment.';
    previous.stoppedAt = now;
    previous.finishedAt = now;
    previous.updatedAt = now;
  }
  const dep = createDeployment(ecs, svc, td, sdArn);
  dep.rolloutStateReason = `ECS deployment ${dep.id} in progress.`;
  const sources = svc.deployments.filter((d) => d.status !== 'INACTIVE').map((d) => d.serviceRevisionArn);
  for (const d of svc.deployments) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
  svc.deployments.unshift(dep);
  svc.taskDefinition = td.arn;
  svc.sim.steady = false;
  const cb = svc.deploymentConfiguration.deploymentCircuitBreaker;
  const alarmsCfg = svc.deploymentConfiguration.alarms;
  const record: ServiceDeploymentRecord = {
    serviceDeploymentArn: sdArn,
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    createdAt: now,
    startedAt: now,
    updatedAt: now,
    sourceServiceRevisionArns: [...new Set(sources)],
    targetServiceRevisionArn: dep.serviceRevisionArn,
    status: 'IN_PROGRESS',
    lifecycleStage: isBlueGreen(svc) ? firstStage(svc.deploymentConfiguration) : 'RECONCILE_SERVICE',
    deploymentConfiguration: structuredClone(svc.deploymentConfiguration),
    circuitBreaker: {
      status: cb?.enable ? 'MONITORING' : 'DISABLED',
      failureCount: 0,
      threshold: failureThreshold(svc),
    },
    alarms: alarmsCfg?.enable
      ? { status: 'MONITORING', alarmNames: [...alarmsCfg.alarmNames] }
      : { status: 'DISABLED' },
    deploymentId: dep.id,
    hooks: [],
  };
  ecs.serviceDeployments.set(sdArn, record);
  svc.currentServiceDeployment = sdArn;
  return dep;
}

export function isTerminal(sd: ServiceDeploymentRecord): boolean {
  return ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'].includes(sd.status);
}

// --- per-tick reconciliation ------------------------------------------------------------------------

export interface DeploymentTasks {
  dep: Deployment;
  /** desiredStatus RUNNING. */
  active: Task[];
  healthy: Task[];
  /** Any live task (including ones stopping). */
  live: Task[];
}

export function tasksByDeployment(ecs: EcsState, svc: Service): Map<string, DeploymentTasks> {
  const out = new Map<string, DeploymentTasks>();
  for (const dep of svc.deployments) out.set(dep.id, { dep, active: [], healthy: [], live: [] });
  for (const t of ecs.tasksOf(svc)) {
    const g = out.get(t.sim.deploymentId ?? '');
    if (!g) continue;
    g.live.push(t);
    if (t.desiredStatus === 'RUNNING') {
      g.active.push(t);
      if (isHealthy(t)) g.healthy.push(t);
    }
  }
  return out;
}

export function reconcileService(ecs: EcsState, svc: Service, now: number): void {
  if (svc.status === 'DRAINING') {
    // DeleteService: every task of every deployment goes.
    for (const g of tasksByDeployment(ecs, svc).values()) stopForScaling(ecs, svc, g.active, g.dep.id);
  }
  if (svc.deploymentController.type !== 'ECS') reconcileTaskSets(ecs, svc);
  else if (isBlueGreen(svc)) reconcileBlueGreen(ecs, svc, now);
  else reconcileRolling(ecs, svc);
  updateCounts(ecs, svc, now);
  if (svc.status === 'DRAINING' && ecs.tasksOf(svc).length === 0) {
    svc.status = 'INACTIVE';
    for (const d of svc.deployments) d.status = 'INACTIVE';
    svc.deployments = [];
  }
}

function reconcileRolling(ecs: EcsState, svc: Service): void {
  const primary = svc.deployments[0];
  if (!primary) return;
  const sd = ecs.serviceDeployments.get(primary.serviceDeploymentArn);
  const cb = svc.deploymentConfiguration.deploymentCircuitBreaker;
  if (sd) {
    sd.circuitBreaker.failureCount = Math.max(sd.circuitBreaker.failureCount, primary.failedTasks);
    sd.circuitBreaker.threshold = failureThreshold(svc);
    if (sd.status === 'ROLLBACK_REQUESTED') {
      sd.status = 'ROLLBACK_IN_PROGRESS';
      sd.updatedAt = ecs.now();
    }
  }
  if (cb?.enable && primary.rolloutState === 'IN_PROGRESS' && primary.failedTasks >= failureThreshold(svc)) {
    tripCircuitBreaker(ecs, svc, primary);
    return;
  }
  const alarmed = sd && primary.rolloutState === 'IN_PROGRESS' ? triggeredAlarms(ecs, svc, sd) : undefined;
  if (alarmed) {
    failRolling(ecs, svc, primary, alarmed, svc.deploymentConfiguration.alarms?.rollback === true);
    return;
  }
  const groups = tasksByDeployment(ecs, svc);
  const desired = svc.status === 'DRAINING' ? 0 : svc.desiredCount;
  const maxTotal = Math.floor((desired * (svc.deploymentConfiguration.maximumPercent ?? 200)) / 100);
  const minHealthy = Math.ceil((desired * (svc.deploymentConfiguration.minimumHealthyPercent ?? 100)) / 100);
  const mine = groups.get(primary.id) as DeploymentTasks;
  let activeTotal = [...groups.values()].reduce((n, g) => n + g.active.length, 0);
  let healthyTotal = [...groups.values()].reduce((n, g) => n + g.healthy.length, 0);

  // Scale up the primary deployment within maximumPercent (at least one task when nothing else runs).
  if (!primary.sim.frozen && mine.active.length < desired) {
    const room = Math.max(maxTotal - activeTotal, activeTotal === 0 ? 1 : 0);
    const n = Math.min(desired - mine.active.length, room);
    if (n > 0) {
      launch(ecs, svc, primary, n);
      activeTotal += n;
    }
  }
  // Scale the primary down when desiredCount dropped (unhealthy tasks first).
  if (mine.active.length > desired) {
    const extra = order(mine.active).slice(0, mine.active.length - desired);
    stopForScaling(ecs, svc, extra, primary.id);
    activeTotal -= extra.length;
    healthyTotal -= extra.filter(isHealthy).length;
  }
  // Stop older deployments' tasks while minimumHealthyPercent allows (or capacity demands).
  const primaryHealthy = mine.healthy.length;
  const toStop: Task[] = [];
  for (const g of groups.values()) {
    if (g.dep === primary) continue;
    for (const t of order(g.active)) {
      const healthy = isHealthy(t);
      const over = activeTotal > maxTotal;
      const allowed = healthyTotal - (healthy ? 1 : 0) >= minHealthy || primaryHealthy >= desired;
      if (!over && !allowed) continue;
      toStop.push(t);
      activeTotal--;
      if (healthy) healthyTotal--;
    }
  }
  if (toStop.length) stopForScaling(ecs, svc, toStop, primary.id);

  // Older deployments with nothing left are INACTIVE and leave the list.
  svc.deployments = svc.deployments.filter(
    (d) => d === primary || (groups.get(d.id)?.live.some((t) => t.lastStatus !== 'STOPPED') ?? false),
  );
  for (const d of svc.deployments) if (d !== primary && d.status === 'PRIMARY') d.status = 'ACTIVE';

  if (
    sd &&
    sd.status === 'IN_PROGRESS' &&
    sd.lifecycleStage === 'RECONCILE_SERVICE' &&
    mine.active.length > 0
  ) {
    sd.lifecycleStage = 'SCALE_UP';
  }
  const done =
    svc.deployments.length === 1 &&
    mine.active.length === desired &&
    primaryHealthy >= desired &&
    !primary.sim.frozen;
  if (primary.rolloutState === 'IN_PROGRESS' && done) completeDeployment(ecs, svc, primary);
  markSteady(ecs, svc, mine);
}

/** Unhealthy and not-yet-running tasks first: stopping them costs no healthy capacity. */
function order(tasks: Task[]): Task[] {
  return [...tasks].sort((a, b) => Number(isHealthy(a)) - Number(isHealthy(b)) || b.createdAt - a.createdAt);
}

export function launch(
  ecs: EcsState,
  svc: Service,
  dep: Deployment,
  n: number,
  targetGroupArn?: string,
): Task[] {
  const td = ecs.findTaskDef(dep.taskDefinition);
  if (!td) return [];
  const tasks: Task[] = [];
  for (let i = 0; i < n; i++) {
    const targets = svc.loadBalancers
      .map((lb, idx) => ({
        targetGroupArn:
          (idx === 0 ? (targetGroupArn ?? dep.sim.targetGroupArn) : undefined) ?? lb.targetGroupArn,
        port: Number(lb.containerPort),
      }))
      .filter((t): t is { targetGroupArn: string; port: number } => typeof t.targetGroupArn === 'string');
    tasks.push(
      launchTask(ecs, {
        taskDef: td,
        clusterArn: svc.clusterArn,
        startedBy: dep.id,
        group: `service:${svc.serviceName}`,
        launchType: dep.launchType,
        platformVersion: dep.platformVersion,
        networkConfiguration: dep.networkConfiguration,
        tags: svc.propagateTags === 'SERVICE' ? svc.tags : [],
        service: svc,
        deployment: dep,
        targets,
      }),
    );
  }
  ecs.event(
    svc,
    events.started(
      svc.serviceName,
      tasks.map((t) => t.id),
    ),
  );
  svc.sim.steady = false;
  return tasks;
}

export function stopForScaling(ecs: EcsState, svc: Service, tasks: Task[], deploymentId: string): void {
  if (tasks.length === 0) return;
  for (const t of tasks)
    stopTask(ecs, t, { stopCode: 'ServiceSchedulerInitiated', reason: schedulerStopReason(deploymentId) });
  ecs.event(
    svc,
    events.stopped(
      svc.serviceName,
      tasks.map((t) => t.id),
    ),
  );
  svc.sim.steady = false;
}

export function completeDeployment(ecs: EcsState, svc: Service, dep: Deployment): void {
  const now = ecs.now();
  dep.rolloutState = 'COMPLETED';
  dep.rolloutStateReason = `ECS deployment ${dep.id} completed.`;
  dep.updatedAt = now;
  svc.sim.lastCompleted = { taskDefinition: dep.taskDefinition, serviceRevisionArn: dep.serviceRevisionArn };
  const sd = ecs.serviceDeployments.get(dep.serviceDeploymentArn);
  if (sd && !isTerminal(sd)) {
    sd.status = dep.sim.isRollback ? 'ROLLBACK_SUCCESSFUL' : 'SUCCESSFUL';
    sd.lifecycleStage = 'CLEAN_UP';
    sd.finishedAt = now;
    sd.updatedAt = now;
    if (sd.circuitBreaker.status === 'MONITORING') sd.circuitBreaker.status = 'MONITORING_COMPLETE';
    if (sd.alarms.status === 'MONITORING') sd.alarms.status = 'MONITORING_COMPLETE';
  }
  ecs.event(svc, events.completed(svc.serviceName, dep.id));
}

export function markSteady(ecs: EcsState, svc: Service, primaryTasks: DeploymentTasks): void {
  const primary = svc.deployments[0];
  const steady =
    svc.status === 'ACTIVE' &&
    svc.deployments.length === 1 &&
    primary.rolloutState !== 'IN_PROGRESS' &&
    primaryTasks.active.length === svc.desiredCount &&
    primaryTasks.active.every((t) => t.lastStatus === 'RUNNING');
  if (steady && !svc.sim.steady) {
    svc.sim.steady = true;
    ecs.event(svc, events.steady(svc.serviceName));
  }
}

/** The circuit breaker tripped: FAILED, then a rollback to the last completed revision if enabled. */
function tripCircuitBreaker(ecs: EcsState, svc: Service, failed: Deployment): void {
  const sd = ecs.serviceDeployments.get(failed.serviceDeploymentArn);
  if (sd) {
    sd.circuitBreaker.status = 'TRIGGERED';
    sd.circuitBreaker.failureCount = failed.failedTasks;
  }
  ecs.event(svc, events.failed(svc.serviceName, failed.id));
  failRolling(
    ecs,
    svc,
    failed,
    CIRCUIT_BREAKER_REASON,
    svc.deploymentConfiguration.deploymentCircuitBreaker?.rollback === true,
  );
}

/**
 * A deployment's alarms: while it runs, the first check that finds one of them in ALARM marks the service
 * deployment TRIGGERED and answers the failure reason (undefined while none is, or when not enabled).
 */
export function triggeredAlarms(
  ecs: EcsState,
  svc: Service,
  sd: ServiceDeploymentRecord,
): string | undefined {
  const cfg = svc.deploymentConfiguration.alarms;
  if (!cfg?.enable || sd.alarms.status !== 'MONITORING' || isTerminal(sd)) return undefined;
  const names = cloudwatchOf(ecs.world).inAlarm(cfg.alarmNames, ecs.now());
  if (!names.length) return undefined;
  sd.alarms = { ...sd.alarms, status: 'TRIGGERED', triggeredAlarmNames: names };
  ecs.event(svc, events.alarmed(svc.serviceName, sd.deploymentId, names));
  return alarmReason(names);
}

/** A failed rolling deployment: FAILED, then a rollback to the last completed revision when wanted. */
function failRolling(
  ecs: EcsState,
  svc: Service,
  failed: Deployment,
  reason: string,
  rollback: boolean,
): void {
  const now = ecs.now();
  failed.rolloutState = 'FAILED';
  failed.rolloutStateReason = reason;
  failed.updatedAt = now;
  const sd = ecs.serviceDeployments.get(failed.serviceDeploymentArn);
  if (sd) sd.updatedAt = now;
  const last = svc.sim.lastCompleted;
  // A failing rollback is not rolled back again.
  if (rollback && last && !failed.sim.isRollback) {
    rollBack(ecs, svc, failed, reason, last.taskDefinition, last.serviceRevisionArn);
    return;
  }
  failed.sim.frozen = true;
  if (sd && !isTerminal(sd)) {
    sd.status = rollback ? 'ROLLBACK_FAILED' : 'STOPPED';
    sd.statusReason = rollback ? `${reason} No completed deployment to roll back to.` : reason;
    sd.finishedAt = now;
    sd.stoppedAt = now;
  }
}

/**
 * Rolls back: a new PRIMARY deployment of `taskDefinition` joins the failed one's ServiceDeployment,
 * which moves to ROLLBACK_IN_PROGRESS; the failed deployment stays ACTIVE until its tasks are gone.
 */
export function rollBack(
  ecs: EcsState,
  svc: Service,
  failed: Deployment,
  reason: string,
  taskDefinition: string,
  revisionArn: string,
): Deployment | undefined {
  const td = ecs.findTaskDef(taskDefinition);
  if (!td) return undefined;
  const now = ecs.now();
  const rb = createDeployment(ecs, svc, td, failed.serviceDeploymentArn);
  ecs.revisions.delete(rb.serviceRevisionArn);
  rb.serviceRevisionArn = revisionArn;
  rb.rolloutStateReason = `ECS deployment ${rb.id} in progress.`;
  rb.sim.isRollback = true;
  failed.sim.frozen = true;
  for (const d of svc.deployments) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
  svc.deployments.unshift(rb);
  svc.taskDefinition = td.arn;
  svc.sim.steady = false;
  const sd = ecs.serviceDeployments.get(failed.serviceDeploymentArn);
  if (sd) {
    if (sd.status !== 'ROLLBACK_REQUESTED') sd.status = 'ROLLBACK_IN_PROGRESS';
    sd.statusReason = reason;
    sd.rollback = { reason, startedAt: now, serviceRevisionArn: revisionArn };
    sd.rollbackDeploymentId = rb.id;
    sd.updatedAt = now;
  }
  ecs.event(svc, events.rollingBack(svc.serviceName, failed.id, rb.id));
  return rb;
}

/** CODE_DEPLOY / EXTERNAL controllers: each deployment ("task set") is just kept at its count. */
function reconcileTaskSets(ecs: EcsState, svc: Service): void {
  const groups = tasksByDeployment(ecs, svc);
  const desired = svc.status === 'DRAINING' ? 0 : svc.desiredCount;
  for (const g of groups.values()) {
    if (g.dep.sim.frozen) continue;
    if (g.active.length < desired) launch(ecs, svc, g.dep, desired - g.active.length);
    else if (g.active.length > desired)
      stopForScaling(ecs, svc, order(g.active).slice(0, g.active.length - desired), g.dep.id);
  }
  svc.deployments = svc.deployments.filter((d) => !d.sim.frozen || (groups.get(d.id)?.live.length ?? 0) > 0);
  const primary = svc.deployments[0];
  if (primary && svc.deployments.length === 1) {
    const mine = groups.get(primary.id) as DeploymentTasks;
    if (
      primary.rolloutState === 'IN_PROGRESS' &&
      mine.healthy.length >= desired &&
      mine.active.length === desired
    ) {
      completeDeployment(ecs, svc, primary);
    }
    markSteady(ecs, svc, mine);
  }
}

function updateCounts(ecs: EcsState, svc: Service, now: number): void {
  const groups = tasksByDeployment(ecs, svc);
  for (const dep of svc.deployments) {
    const g = groups.get(dep.id);
    const running = g?.active.filter((t) => t.lastStatus === 'RUNNING').length ?? 0;
    const pending =
      g?.active.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING').length ?? 0;
    const desired = dep.status === 'PRIMARY' || dep.sim.taskSet ? svc.desiredCount : (g?.active.length ?? 0);
    if (running !== dep.runningCount || pending !== dep.pendingCount || desired !== dep.desiredCount) {
      dep.runningCount = running;
      dep.pendingCount = pending;
      dep.desiredCount = desired;
      dep.updatedAt = now;
    }
  }
}
