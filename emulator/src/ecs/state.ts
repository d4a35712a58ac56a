// ECS state for one world and the scheduler tick that moves it along the emulator clock: task
// lifecycles (tasks.ts), then each service's deployments (deployments.ts, bluegreen.ts).
import { lastSegment } from '../ids.js';
import type { World } from '../state.js';
import { AwsError } from '../types.js';
import { reconcileService } from './deployments.js';
import type {
  Cluster,
  Service,
  ServiceDeploymentRecord,
  ServiceRevision,
  Task,
  TaskDefinition,
} from './model.js';
import { advanceTask, type TaskRuntime } from './tasks.js';

/** Scheduler resolution: every lifecycle transition lands on a whole emulated second. */
export const TICK_MS = 1000;
/** Stopped tasks stay describable this long (ECS: at least one hour). */
const STOPPED_TASK_TTL_MS = 3600_000;

export class EcsState {
  readonly clusters = new Map<string, Cluster>();
  /** family → revisions, index = revision - 1. */
  readonly taskDefs = new Map<string, TaskDefinition[]>();
  readonly services = new Map<string, Service>();
  readonly tasks = new Map<string, Task>();
  /** Tasks not yet STOPPED: the only ones the tick looks at. */
  readonly live = new Set<Task>();
  readonly serviceDeployments = new Map<string, ServiceDeploymentRecord>();
  readonly revisions = new Map<string, ServiceRevision>();
  /** Real containers (emulator/src/runtime/); undefined: simulated tasks. */
  runtime?: TaskRuntime;

  constructor(readonly world: World) {
    world.every(TICK_MS, () => this.tick());
  }

  now(): number {
    return this.world.clock.now();
  }

  arn(resource: string): string {
    return this.world.arn('ecs', resource);
  }

  // --- lookups ------------------------------------------------------------------------------------

  /** A cluster by name or ARN (default "default"); ClusterNotFoundException otherwise. */
  cluster(ref?: string): Cluster {
    const c = this.findCluster(ref);
    if (c?.status !== 'ACTIVE') throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
    return c;
  }

  findCluster(ref?: string): Cluster | undefined {
    const name = lastSegment(ref || 'default');
    return this.clusters.get(this.arn(`cluster/${name}`));
  }

  /** A service by name or ARN in a cluster (undefined if none, including deleted ones gone for good). */
  findService(cluster: Cluster, ref: string): Service | undefined {
    return this.services.get(this.arn(`service/${cluster.clusterName}/${lastSegment(ref)}`));
  }

  /** An ACTIVE service, or ServiceNotFoundException / ServiceNotActiveException. */
  activeService(cluster: Cluster, ref: string): Service {
    const svc = this.findService(cluster, ref);
    if (!svc) throw new AwsError('ServiceNotFoundException', 'Service not found.');
    if (svc.status !== 'ACTIVE') throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
    return svc;
  }

  /**
   * "family", "family:rev" or a task definition ARN. A bare family resolves to the latest ACTIVE
   * revision.
   */
  findTaskDef(ref: string | undefined): TaskDefinition | undefined {
    if (!ref) return undefined;
    const tail = ref.startsWith('arn:') ? ref.slice(ref.indexOf('task-definition/') + 16) : ref;
    const [family, rev] = tail.split(':');
    const revisions = this.taskDefs.get(family);
    if (!revisions) return undefined;
    if (rev === undefined) return [...revisions].reverse().find((t) => t.status === 'ACTIVE');
    return revisions[Number(rev) - 1];
  }

  tasksOf(svc: Service): Task[] {
    const out: Task[] = [];
    for (const t of this.live)
      if (t.sim.serviceName === svc.serviceName && t.clusterArn === svc.clusterArn) out.push(t);
    return out;
  }

  private tallies = new Map<Service, Map<string, number>>();

  /**
   * Counts a target (de)registration or a draining task; tick() turns the counts into one event each,
   * as ECS does ("registered 2 targets in (target-group …)").
   */
  tally(svc: Service, kind: 'registered' | 'deregistered' | 'draining', targetGroupArn = ''): void {
    let m = this.tallies.get(svc);
    if (!m) {
      m = new Map();
      this.tallies.set(svc, m);
    }
    const key = `${kind} ${targetGroupArn}`;
    m.set(key, (m.get(key) ?? 0) + 1);
  }

  private flushTallies(): void {
    for (const [svc, m] of this.tallies) {
      for (const [key, n] of m) {
        const [kind, tg] = key.split(' ');
        const name = svc.serviceName;
        if (kind === 'draining')
          this.event(svc, `(service ${name}) has begun draining connections on ${n} tasks.`);
        else this.event(svc, `(service ${name}) ${kind} ${n} targets in (target-group ${tg})`);
      }
    }
    this.tallies.clear();
  }

  /** Appends a service event (newest first, latest 100 kept). */
  event(svc: Service, message: string): void {
    svc.events.unshift({ id: crypto.randomUUID(), createdAt: this.now(), message });
    if (svc.events.length > 100) svc.events.length = 100;
  }

  // --- the scheduler ----------------------------------------------------------------------------------

  tick(): void {
    const now = this.now();
    this.world.elbv2.tick(now);
    for (const task of [...this.live]) advanceTask(this, task, now);
    for (const svc of this.services.values()) {
      if (svc.status !== 'INACTIVE') reconcileService(this, svc, now);
    }
    this.flushTallies();
    if (now % 60_000 < TICK_MS) this.purge(now);
  }

  private purge(now: number): void {
    for (const [arn, t] of this.tasks) {
      if (t.stoppedAt !== undefined && now - t.stoppedAt > STOPPED_TASK_TTL_MS) this.tasks.delete(arn);
    }
  }

  snapshot(): Record<string, unknown> {
    return {
      clusters: [...this.clusters.values()].map((c) => c.clusterName),
      taskDefinitions: [...this.taskDefs.values()].flat().map((t) => `${t.family}:${t.revision} ${t.status}`),
      services: [...this.services.values()].map((s) => ({
        service: `${lastSegment(s.clusterArn)}/${s.serviceName}`,
        status: s.status,
        desiredCount: s.desiredCount,
        taskDefinition: s.taskDefinition,
        deployments: s.deployments.map((d) => ({
          id: d.id,
          status: d.status,
          rolloutState: d.rolloutState,
          taskDefinition: d.taskDefinition,
          running: d.runningCount,
          pending: d.pendingCount,
          failedTasks: d.failedTasks,
          stage: d.sim.stage,
        })),
        events: s.events.slice(0, 10).map((e) => e.message),
      })),
      tasks: [...this.live].map((t) => ({
        id: t.id,
        service: t.sim.serviceName,
        startedBy: t.startedBy,
        lastStatus: t.lastStatus,
        desiredStatus: t.desiredStatus,
        health: t.healthStatus,
        image: t.containers.map((c) => c.image).join(','),
      })),
    };
  }
}
