// ECS-native BLUE_GREEN, LINEAR and CANARY deployments: green tasks start in the target group that
// is not receiving production traffic, then SCALE_UP → TEST_TRAFFIC_SHIFT → PRODUCTION_TRAFFIC_SHIFT
// (listener rule weights rewritten in ELBv2, all at once, in linear steps or canary first) →
// BAKE_TIME → CLEAN_UP (blue tasks stopped) → SUCCESSFUL. A failing green, or StopServiceDeployment
// during the deployment, sends traffic back to blue.
import {
  completeDeployment,
  type DeploymentTasks,
  failureThreshold,
  isTerminal,
  launch,
  markSteady,
  stopForScaling,
  tasksByDeployment,
} from './deployments.js';
import { CIRCUIT_BREAKER_REASON, events } from './events.js';
import type { Deployment, LoadBalancerRef, Service } from './model.js';
import type { EcsState } from './state.js';

export function isBlueGreen(svc: Service): boolean {
  const strategy = svc.deploymentConfiguration.strategy ?? 'ROLLING';
  return (
    strategy !== 'ROLLING' &&
    svc.deploymentController.type === 'ECS' &&
    svc.loadBalancers.some((lb) => lb.advancedConfiguration?.alternateTargetGroupArn)
  );
}

function advancedLb(svc: Service): LoadBalancerRef & { targetGroupArn: string } {
  return svc.loadBalancers.find((lb) => lb.advancedConfiguration?.alternateTargetGroupArn) as LoadBalancerRef & {
    targetGroupArn: string;
  };
}

function setTraffic(ecs: EcsState, svc: Service, rule: string | undefined, blueTg: string, greenTg: string, greenPercent: number): void {
  if (!rule) return;
  const g = Math.round(greenPercent);
  ecs.world.elbv2.setForwardWeights(rule, [
    { TargetGroupArn: blueTg, Weight: 100 - g },
    { TargetGroupArn: greenTg, Weight: g },
  ]);
}

export function reconcileBlueGreen(ecs: EcsState, svc: Service, now: number): void {
  const green = svc.deployments[0];
  if (!green) return;
  const lb = advancedLb(svc);
  const adv = lb.advancedConfiguration ?? {};
  const live = svc.sim.liveTargetGroupArn ?? lb.targetGroupArn;
  svc.sim.liveTargetGroupArn = live;
  const blues = svc.deployments.slice(1).filter((d) => !d.sim.frozen);
  const other = live === lb.targetGroupArn ? (adv.alternateTargetGroupArn as string) : lb.targetGroupArn;
  green.sim.targetGroupArn ??= blues.length ? other : live;
  const greenTg = green.sim.targetGroupArn;
  const groups = tasksByDeployment(ecs, svc);
  const mine = groups.get(green.id) as DeploymentTasks;
  const desired = svc.status === 'DRAINING' ? 0 : svc.desiredCount;
  const sd = ecs.serviceDeployments.get(green.serviceDeploymentArn);
  const cfg = svc.deploymentConfiguration;

  // Keep the primary at its desired count (replacing failed tasks) unless it is frozen.
  if (!green.sim.frozen && mine.active.length < desired) launch(ecs, svc, green, desired - mine.active.length, greenTg);
  if (mine.active.length > desired) {
    stopForScaling(ecs, svc, mine.active.slice(0, mine.active.length - desired), green.id);
  }

  // Frozen (failed or rolled-back) deployments leave once drained; a rollback then succeeds.
  for (const d of svc.deployments.slice(1)) {
    if ((groups.get(d.id)?.live.length ?? 0) > 0) continue;
    svc.deployments = svc.deployments.filter((x) => x !== d);
    const dsd = ecs.serviceDeployments.get(d.serviceDeploymentArn);
    if (d.sim.frozen && dsd?.status === 'ROLLBACK_IN_PROGRESS') {
      dsd.status = 'ROLLBACK_SUCCESSFUL';
      dsd.finishedAt = now;
      dsd.updatedAt = now;
      ecs.event(svc, events.completed(svc.serviceName, green.id));
    }
  }

  if (green.rolloutState !== 'IN_PROGRESS' || !sd || isTerminal(sd)) {
    markSteady(ecs, svc, mine);
    return;
  }
  if (sd.status === 'ROLLBACK_REQUESTED') {
    rollBackBlueGreen(ecs, svc, green, 'Service deployment rolled back because of a stop request.');
    return;
  }
  sd.circuitBreaker.failureCount = Math.max(sd.circuitBreaker.failureCount, green.failedTasks);
  if (cfg.deploymentCircuitBreaker?.enable && green.failedTasks >= failureThreshold(svc)) {
    sd.circuitBreaker.status = 'TRIGGERED';
    ecs.event(svc, events.failed(svc.serviceName, green.id));
    if (cfg.deploymentCircuitBreaker.rollback && blues.length) {
      rollBackBlueGreen(ecs, svc, green, CIRCUIT_BREAKER_REASON);
    } else {
      green.rolloutState = 'FAILED';
      green.rolloutStateReason = CIRCUIT_BREAKER_REASON;
      green.sim.frozen = true;
      sd.status = cfg.deploymentCircuitBreaker.rollback ? 'ROLLBACK_FAILED' : 'STOPPED';
      sd.statusReason = CIRCUIT_BREAKER_REASON;
      sd.finishedAt = now;
    }
    return;
  }

  // The first deployment of a service has no blue side: it completes once healthy.
  if (blues.length === 0 && svc.deployments.length === 1) {
    if (mine.healthy.length >= desired) {
      setTraffic(ecs, svc, adv.productionListenerRule, other, live, 0);
      completeDeployment(ecs, svc, green);
      markSteady(ecs, svc, mine);
    }
    return;
  }
  const blueTg = live;
  const stage = green.sim.stage ?? 'SCALE_UP';
  const enter = (next: typeof stage, until = now) => {
    green.sim.stage = next;
    green.sim.stageUntil = until;
    sd.lifecycleStage = next;
    sd.updatedAt = now;
  };
  switch (stage) {
    case 'SCALE_UP':
      green.sim.stage = 'SCALE_UP';
      if (mine.healthy.length >= desired) enter(adv.testListenerRule ? 'TEST_TRAFFIC_SHIFT' : 'PRODUCTION_TRAFFIC_SHIFT');
      return;
    case 'TEST_TRAFFIC_SHIFT':
      setTraffic(ecs, svc, adv.testListenerRule, blueTg, greenTg, 100);
      ecs.event(svc, events.trafficShifted(svc.serviceName, green.id, 100, 'test'));
      enter('PRODUCTION_TRAFFIC_SHIFT');
      return;
    case 'PRODUCTION_TRAFFIC_SHIFT': {
      if (now < (green.sim.stageUntil ?? now)) return;
      const current = green.sim.trafficPercent ?? 0;
      const strategy = cfg.strategy ?? 'BLUE_GREEN';
      let next = 100;
      let wait = 0;
      if (strategy === 'CANARY' && current === 0) {
        next = cfg.canaryConfiguration?.canaryPercent ?? 5;
        wait = cfg.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10;
      } else if (strategy === 'LINEAR') {
        next = Math.min(100, current + (cfg.linearConfiguration?.stepPercent ?? 10));
        wait = next < 100 ? (cfg.linearConfiguration?.stepBakeTimeInMinutes ?? 6) : 0;
      }
      green.sim.trafficPercent = next;
      setTraffic(ecs, svc, adv.productionListenerRule, blueTg, greenTg, next);
      ecs.event(svc, events.trafficShifted(svc.serviceName, green.id, next, 'production'));
      if (next >= 100) enter('BAKE_TIME', now + (cfg.bakeTimeInMinutes ?? 0) * 60_000);
      else green.sim.stageUntil = now + wait * 60_000;
      return;
    }
    case 'BAKE_TIME':
      if (now < (green.sim.stageUntil ?? now)) return;
      enter('CLEAN_UP');
      for (const b of blues) stopForScaling(ecs, svc, groups.get(b.id)?.active ?? [], green.id);
      return;
    case 'CLEAN_UP':
      if (svc.deployments.length > 1) return;
      svc.sim.liveTargetGroupArn = greenTg;
      completeDeployment(ecs, svc, green);
      markSteady(ecs, svc, mine);
      return;
  }
}

/** Traffic back to blue, green's tasks stopped, blue PRIMARY again. */
export function rollBackBlueGreen(ecs: EcsState, svc: Service, green: Deployment, reason: string): void {
  const now = ecs.now();
  const lb = advancedLb(svc);
  const adv = lb.advancedConfiguration ?? {};
  const blueTg = svc.sim.liveTargetGroupArn ?? lb.targetGroupArn;
  const greenTg = green.sim.targetGroupArn ?? (adv.alternateTargetGroupArn as string);
  setTraffic(ecs, svc, adv.productionListenerRule, blueTg, greenTg, 0);
  setTraffic(ecs, svc, adv.testListenerRule, blueTg, greenTg, 0);
  green.rolloutState = 'FAILED';
  green.rolloutStateReason = reason;
  green.sim.frozen = true;
  green.status = 'ACTIVE';
  green.updatedAt = now;
  const blue = svc.deployments.find((d) => d !== green && !d.sim.frozen);
  const groups = tasksByDeployment(ecs, svc);
  stopForScaling(ecs, svc, groups.get(green.id)?.active ?? [], blue?.id ?? green.id);
  const sd = ecs.serviceDeployments.get(green.serviceDeploymentArn);
  if (!blue) {
    if (sd) {
      sd.status = 'ROLLBACK_FAILED';
      sd.statusReason = reason;
      sd.finishedAt = now;
    }
    return;
  }
  blue.status = 'PRIMARY';
  svc.deployments = [blue, ...svc.deployments.filter((d) => d !== blue)];
  svc.taskDefinition = blue.taskDefinition;
  svc.sim.steady = false;
  if (sd) {
    sd.status = 'ROLLBACK_IN_PROGRESS';
    sd.statusReason = reason;
    sd.rollback = { reason, startedAt: now, serviceRevisionArn: blue.serviceRevisionArn };
    sd.rollbackDeploymentId = blue.id;
    sd.updatedAt = now;
  }
  ecs.event(svc, events.rollingBack(svc.serviceName, green.id, blue.id));
}
