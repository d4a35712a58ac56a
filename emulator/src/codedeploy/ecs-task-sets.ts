// The EcsTaskSets port over the emulator's ECS (ecs/external.ts): CodeDeploy's task sets are ECS
// deployments of a CODE_DEPLOY-controlled service.
import { promoteTaskSet, removeTaskSet, startTaskSet, taskSetCounts } from '../ecs/external.js';
import type { Deployment, Service } from '../ecs/model.js';
import type { World } from '../state.js';
import type { EcsTaskSets } from './engine.js';

export function ecsTaskSets(world: World): EcsTaskSets {
  const ecs = world.ecs;
  const service = (cluster: string, name: string): Service => {
    const c = ecs.findCluster(cluster);
    const svc = c && ecs.findService(c, name);
    if (!svc) throw new Error(`ECS service ${name} in cluster ${cluster} not found`);
    return svc;
  };
  const taskSet = (svc: Service, id: string): Deployment => {
    const dep = svc.deployments.find((d) => d.id === id);
    if (!dep) throw new Error(`task set ${id} is no longer part of service ${svc.serviceName}`);
    return dep;
  };
  return {
    current(cluster, name) {
      const svc = service(cluster, name);
      const primary = svc.deployments.find((d) => d.status === 'PRIMARY') ?? svc.deployments[0];
      if (!primary) throw new Error(`service ${name} has no task set`);
      return primary.id;
    },
    start(cluster, name, spec) {
      return startTaskSet(ecs, service(cluster, name), spec.taskDefinition, spec.targetGroupArn).id;
    },
    counts(cluster, name, id) {
      const svc = service(cluster, name);
      const dep = taskSet(svc, id);
      // The latest failure's stoppedReason tells a crash from failed health checks.
      let last: { at: number; reason: string } | undefined;
      for (const t of ecs.tasks.values()) {
        if (t.sim.deploymentId !== id || !t.sim.failed || !t.stoppedReason) continue;
        const at = t.stoppingAt ?? 0;
        if (!last || at >= last.at) last = { at, reason: t.stoppedReason };
      }
      return { ...taskSetCounts(ecs, svc, dep), lastStoppedReason: last?.reason };
    },
    serve(cluster, name, id) {
      const svc = service(cluster, name);
      const dep = taskSet(svc, id);
      for (const other of svc.deployments) if (other.status === 'PRIMARY') other.status = 'ACTIVE';
      dep.status = 'PRIMARY';
      svc.deployments = [dep, ...svc.deployments.filter((d) => d !== dep)];
      svc.taskDefinition = dep.taskDefinition;
    },
    complete(cluster, name, id) {
      const svc = service(cluster, name);
      promoteTaskSet(ecs, svc, taskSet(svc, id));
    },
    remove(cluster, name, id) {
      const svc = service(cluster, name);
      const dep = svc.deployments.find((d) => d.id === id);
      if (dep) removeTaskSet(ecs, svc, dep);
    },
  };
}
