// ECS as driven by another controller (CodeDeploy blue/green, services with deploymentController
// CODE_DEPLOY): task sets are ECS deployments kept at the service's desired count, registered in the
// target group given. CodeDeploy starts one per deployment, promotes it once traffic moved, or removes
// it on rollback.
import { completeDeployment, createDeployment, stopForScaling, tasksByDeployment } from './deployments.js';
import type { Deployment, Service } from './model.js';
import type { EcsState } from './state.js';

/** Starts a task set of `taskDefinition` (family, family:rev or ARN) in `targetGroupArn`. */
export function startTaskSet(
  ecs: EcsState,
  svc: Service,
  taskDefinition: string,
  targetGroupArn: string,
): Deployment {
  const td = ecs.findTaskDef(taskDefinition);
  if (!td) throw new Error(`task definition ${taskDefinition} not found`);
  const dep = createDeployment(ecs, svc, td, svc.currentServiceDeployment ?? '');
  dep.status = 'ACTIVE';
  dep.sim.taskSet = true;
  dep.sim.targetGroupArn = targetGroupArn;
  svc.deployments.push(dep);
  svc.sim.steady = false;
  return dep;
}

export interface TaskSetCounts {
  desired: number;
  running: number;
  healthy: number;
  pending: number;
  /** Tasks of this set that stopped as failures (crash, failed health checks). */
  failed: number;
}

export function taskSetCounts(ecs: EcsState, svc: Service, dep: Deployment): TaskSetCounts {
  const g = tasksByDeployment(ecs, svc).get(dep.id);
  return {
    desired: svc.desiredCount,
    running: g?.active.filter((t) => t.lastStatus === 'RUNNING').length ?? 0,
    healthy: g?.healthy.length ?? 0,
    pending:
      g?.active.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING').length ?? 0,
    failed: dep.failedTasks,
  };
}

/** The task set becomes PRIMARY: the service now runs its task definition; the others are removed. */
export function promoteTaskSet(ecs: EcsState, svc: Service, dep: Deployment): void {
  for (const other of svc.deployments) if (other !== dep) removeTaskSet(ecs, svc, other);
  dep.status = 'PRIMARY';
  svc.deployments = [dep, ...svc.deployments.filter((x) => x !== dep)];
  svc.taskDefinition = dep.taskDefinition;
  completeDeployment(ecs, svc, dep);
}

/** Scales a task set to zero (its tasks drain and stop); it leaves the service once empty. */
export function removeTaskSet(ecs: EcsState, svc: Service, dep: Deployment): void {
  dep.sim.frozen = true;
  if (dep.status === 'PRIMARY') dep.status = 'ACTIVE';
  const g = tasksByDeployment(ecs, svc).get(dep.id);
  if (g?.active.length) stopForScaling(ecs, svc, g.active, dep.id);
}
