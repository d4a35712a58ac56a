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
  triggeredAlarms,
} from './deployments.js';
import { CIRCUIT_BREAKER_REASON, events } from './events.js';
import { hooksAt, runHooks } from './hooks.js';
import {
  type Deployment,
  type DeploymentConfiguration,
  LIFECYCLE_STAGES,
  type LifecycleStage,
  type LoadBalancerRef,
  type Service,
} from './model.js';
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
  return svc.loadBalancers.find(
    (lb) => lb.advancedConfiguration?.alternateTargetGroupArn,
  ) as LoadBalancerRef & {
    targetGroupArn: string;
  };
}

function setTraffic(
  ecs: EcsState,
  rule: string | undefined,
  blueTg: string,
  greenTg: string,
  greenPercent: number,
): void {
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
  const other = live === lb.targetGroupArn ? (adv.alternateTargetGroupArn as string) : lb.targetGroupArn;
  // A newer deployment supersedes one still in progress: its green side goes, traffic returns to blue.
  for (const d of svc.deployments.slice(1)) {
    if (d.rolloutState !== 'IN_PROGRESS' || d.sim.frozen) continue;
    d.sim.frozen = true;
    d.status = 'ACTIVE';
    setTraffic(ecs, adv.productionListenerRule, live, other, 0);
    setTraffic(ecs, adv.testListenerRule, live, other, 0);
    stopForScaling(ecs, svc, tasksByDeployment(ecs, svc).get(d.id)?.active ?? [], green.id);
  }
  const blues = svc.deployments.slice(1).filter((d) => !d.sim.frozen);
  green.sim.targetGroupArn ??= blues.length ? other : live;
  const greenTg = green.sim.targetGroupArn;
  const groups = tasksByDeployment(ecs, svc);
  const mine = groups.get(green.id) as DeploymentTasks;
  const desired = svc.status === 'DRAINING' ? 0 : svc.desiredCount;
  const sd = ecs.serviceDeployments.get(green.serviceDeploymentArn);
  const cfg = svc.deploymentConfiguration;

  // Keep the primary at its desired count (replacing failed tasks) unless it is frozen.
  const beforeScaleUp =
    green.rolloutState === 'IN_PROGRESS' &&
    blues.length > 0 &&
    (green.sim.stage ?? firstStage(cfg)) === 'PRE_SCALE_UP';
  if (!green.sim.frozen && !beforeScaleUp && mine.active.length < desired)
    launch(ecs, svc, green, desired - mine.active.length, greenTg);
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
  // Deployment alarms are watched through every stage, the canary's bake and the final bake included.
  const alarmed = triggeredAlarms(ecs, svc, sd);
  if (alarmed) {
    if (cfg.alarms?.rollback && blues.length) rollBackBlueGreen(ecs, svc, green, alarmed);
    else {
      green.rolloutState = 'FAILED';
      green.rolloutStateReason = alarmed;
      green.sim.frozen = true;
      sd.status = 'STOPPED';
      sd.statusReason = alarmed;
      sd.finishedAt = now;
    }
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

  // The first deployment of a service has no blue side: it completes once healthy, with all production
  // traffic on the group its tasks are in (the other group gets weight 0).
  if (blues.length === 0 && svc.deployments.length === 1) {
    if (mine.healthy.length >= desired) {
      setTraffic(ecs, adv.productionListenerRule, other, live, 100);
      completeDeployment(ecs, svc, green);
      markSteady(ecs, svc, mine);
    }
    return;
  }
  const blueTg = live;
  const stage = green.sim.stage ?? firstStage(cfg);
  green.sim.stage = stage;
  const enter = (next: LifecycleStage) => {
    green.sim.stage = next;
    green.sim.stageUntil = next === 'BAKE_TIME' ? now + (cfg.bakeTimeInMinutes ?? 0) * 60_000 : now;
    sd.lifecycleStage = next;
    sd.updatedAt = now;
    if (next === 'CLEAN_UP') {
      for (const b of blues) stopForScaling(ecs, svc, groups.get(b.id)?.active ?? [], green.id);
    }
  };

  // Each stage: its work, then its lifecycle hooks, then the next stage that applies.
  let workDone: boolean;
  switch (stage) {
    case 'SCALE_UP':
      workDone = mine.healthy.length >= desired;
      break;
    case 'TEST_TRAFFIC_SHIFT':
      if (!green.sim.testShifted && adv.testListenerRule) {
        setTraffic(ecs, adv.testListenerRule, blueTg, greenTg, 100);
        ecs.event(svc, events.trafficShifted(svc.serviceName, green.id, 100, 'test'));
      }
      green.sim.testShifted = true;
      workDone = true;
      break;
    case 'PRODUCTION_TRAFFIC_SHIFT':
      workDone = shiftProduction(ecs, svc, green, blueTg, greenTg, now);
      break;
    case 'BAKE_TIME':
      workDone = now >= (green.sim.stageUntil ?? now);
      break;
    case 'CLEAN_UP':
      if (svc.deployments.length > 1) return;
      svc.sim.liveTargetGroupArn = greenTg;
      completeDeployment(ecs, svc, green);
      markSteady(ecs, svc, mine);
      return;
    default:
      workDone = true; // PRE_/POST_ stages exist for their hooks
  }
  if (!workDone) return;
  const hooks = runHooks(sd, stage, now);
  if (hooks === 'waiting') return;
  if (hooks === 'rollback') {
    rollBackBlueGreen(ecs, svc, green, `Service deployment rolled back by a lifecycle hook at ${stage}.`);
    return;
  }
  enter(nextStage(cfg, stage, Boolean(adv.testListenerRule)));
}

/** The stages a deployment goes through: hook-only stages only when a hook runs there. */
const ALWAYS: LifecycleStage[] = ['SCALE_UP', 'PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME', 'CLEAN_UP'];

function applies(cfg: DeploymentConfiguration, stage: LifecycleStage, hasTestRule: boolean): boolean {
  if (ALWAYS.includes(stage)) return true;
  if (stage === 'TEST_TRAFFIC_SHIFT' && hasTestRule) return true;
  return hooksAt(cfg, stage).length > 0;
}

export function firstStage(cfg: DeploymentConfiguration): LifecycleStage {
  return hooksAt(cfg, 'PRE_SCALE_UP').length > 0 ? 'PRE_SCALE_UP' : 'SCALE_UP';
}

function nextStage(
  cfg: DeploymentConfiguration,
  stage: LifecycleStage,
  hasTestRule: boolean,
): LifecycleStage {
  const order = LIFECYCLE_STAGES.slice(LIFECYCLE_STAGES.indexOf(stage) + 1);
  return order.find((s) => applies(cfg, s, hasTestRule)) ?? 'CLEAN_UP';
}

/** One production traffic step when due (all at once, linear steps, or canary then the rest). */
function shiftProduction(
  ecs: EcsState,
  svc: Service,
  green: Deployment,
  blueTg: string,
  greenTg: string,
  now: number,
): boolean {
  const current = green.sim.trafficPercent ?? 0;
  if (current >= 100) return true;
  if (now < (green.sim.stageUntil ?? now)) return false;
  const cfg = svc.deploymentConfiguration;
  const strategy = cfg.strategy ?? 'BLUE_GREEN';
  let next = 100;
  let waitMinutes = 0;
  if (strategy === 'CANARY' && current === 0) {
    next = cfg.canaryConfiguration?.canaryPercent ?? 5;
    waitMinutes = cfg.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10;
  } else if (strategy === 'LINEAR') {
    next = Math.min(100, current + (cfg.linearConfiguration?.stepPercent ?? 10));
    waitMinutes = cfg.linearConfiguration?.stepBakeTimeInMinutes ?? 6;
  }
  green.sim.trafficPercent = next;
  green.sim.stageUntil = now + waitMinutes * 60_000;
  setTraffic(
    ecs,
    svc.loadBalancers.find((lb) => lb.advancedConfiguration)?.advancedConfiguration?.productionListenerRule,
    blueTg,
    greenTg,
    next,
  );
  ecs.event(svc, events.trafficShifted(svc.serviceName, green.id, next, 'production'));
  return false;
}

/** Traffic back to blue, green's tasks stopped, blue PRIMARY again. */
export function rollBackBlueGreen(ecs: EcsState, svc: Service, green: Deployment, reason: string): void {
  const now = ecs.now();
  const lb = advancedLb(svc);
  const adv = lb.advancedConfiguration ?? {};
  const blueTg = svc.sim.liveTargetGroupArn ?? lb.targetGroupArn;
  const greenTg = green.sim.targetGroupArn ?? (adv.alternateTargetGroupArn as string);
  setTraffic(ecs, adv.productionListenerRule, blueTg, greenTg, 0);
  setTraffic(ecs, adv.testListenerRule, blueTg, greenTg, 0);
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
