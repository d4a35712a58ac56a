// ECS-native BLUE_GREEN, LINEAR and CANARY (ECS controller): the strategy, bake time, canary/linear
// steps and the load balancer's advanced configuration (alternate target group, production and test
// listener rules, infrastructure role) come from the manifest's deploy.blueGreen. The deployment is
// followed through its service deployment (lifecycle stages, status), not the service's "stability",
// which only arrives after the bake. A stage gate (--stop-at test-traffic) adds a PAUSE lifecycle hook
// after the test traffic shift and returns there, so the pipeline can test the test listener and later
// continue (ContinueServiceDeployment) or roll back without holding a runner through the bake.
import {
  ContinueServiceDeploymentCommand,
  type DeploymentConfiguration,
  type DeploymentLifecycleHook,
  DescribeServiceDeploymentsCommand,
  type ECSClient,
  type Service,
  type ServiceDeployment,
  StopServiceDeploymentCommand,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { UserError } from '../errors.js';
import { follow } from './follow.js';
import { classifyRollbackOf, classifyServiceDeployment, STOP_AT_STAGES } from './outcome.js';
import { type Followed, type FollowSettings, watching } from './rolling.js';
import type { ServiceTarget, StopAt, Strategy } from './types.js';

const ECS_STRATEGY: Partial<Record<Strategy, 'BLUE_GREEN' | 'CANARY' | 'LINEAR'>> = {
  'blue-green': 'BLUE_GREEN',
  canary: 'CANARY',
  linear: 'LINEAR',
};

export function isNativeTrafficStrategy(s: Strategy): boolean {
  return ECS_STRATEGY[s] !== undefined;
}

/** Our stage-gate hook: a PAUSE after the test traffic shift. Recognised so a later deploy can remove it. */
const GATE_STAGE = 'POST_TEST_TRAFFIC_SHIFT';
const isGateHook = (h: DeploymentLifecycleHook) =>
  h.targetType === 'PAUSE' && h.lifecycleStages?.length === 1 && h.lifecycleStages[0] === GATE_STAGE;

/** The UpdateService input for a native traffic-shifting deployment. */
export function nativeUpdateInput(
  target: ServiceTarget,
  live: Service,
  taskDefinitionArn: string,
  stopAt?: StopAt,
  gateTimeoutMinutes = 1440,
): UpdateServiceCommandInput {
  const strategy = ECS_STRATEGY[target.strategy];
  const bg = target.blueGreen;
  if (!strategy || !bg) {
    throw new UserError(
      `strategy "${target.strategy}" needs deploy.blueGreen (target groups, listener rules, role)`,
      `services/${target.name}: deploy.blueGreen`,
      'add deploy.blueGreen to the manifest',
    );
  }
  const keptHooks = (live.deploymentConfiguration?.lifecycleHooks ?? []).filter((h) => !isGateHook(h));
  const gate: DeploymentLifecycleHook[] = stopAt
    ? [
        {
          targetType: 'PAUSE',
          lifecycleStages: [GATE_STAGE],
          // Nobody came back: roll back rather than leave two revisions running for ever.
          timeoutConfiguration: { timeoutInMinutes: gateTimeoutMinutes, action: 'ROLLBACK' },
        },
      ]
    : [];
  const config: DeploymentConfiguration = {
    ...live.deploymentConfiguration,
    strategy,
    bakeTimeInMinutes: bg.bakeTimeMinutes,
    lifecycleHooks: [...keptHooks, ...gate],
  };
  if (strategy === 'CANARY') {
    config.canaryConfiguration = {
      canaryPercent: bg.canaryPercent ?? 5,
      canaryBakeTimeInMinutes: bg.canaryBakeMinutes ?? 10,
    };
  }
  if (strategy === 'LINEAR') {
    config.linearConfiguration = {
      stepPercent: bg.linearStepPercent ?? 10,
      stepBakeTimeInMinutes: bg.linearStepBakeMinutes ?? 6,
    };
  }
  return {
    cluster: target.cluster,
    service: target.service,
    taskDefinition: taskDefinitionArn,
    ...(target.desiredCount !== undefined ? { desiredCount: target.desiredCount } : {}),
    deploymentConfiguration: config,
    loadBalancers: [
      {
        targetGroupArn: bg.targetGroup,
        containerName: target.container,
        containerPort: bg.containerPort,
        advancedConfiguration: {
          alternateTargetGroupArn: bg.alternateTargetGroup,
          productionListenerRule: bg.productionListenerRule,
          ...(bg.testListenerRule ? { testListenerRule: bg.testListenerRule } : {}),
          roleArn: bg.roleArn,
        },
      },
    ],
  };
}

/**
 * Minutes a traffic-shifting deployment spends waiting by design (bake, canary bake, linear steps):
 * added to the timeout, which is about progress, so a 30-minute bake does not time out a 15-minute wait.
 */
export function plannedWaitMinutes(config: DeploymentConfiguration | undefined): number {
  if (!config) return 0;
  let minutes = config.bakeTimeInMinutes ?? 0;
  if (config.strategy === 'CANARY') minutes += config.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10;
  if (config.strategy === 'LINEAR') {
    const step = config.linearConfiguration?.stepPercent ?? 10;
    minutes += (Math.ceil(100 / step) - 1) * (config.linearConfiguration?.stepBakeTimeInMinutes ?? 6);
  }
  return minutes;
}

export async function describeServiceDeployment(
  ecs: ECSClient,
  arn: string,
): Promise<ServiceDeployment | undefined> {
  const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  return out.serviceDeployments?.[0];
}

function progressOf(name: string, sd: ServiceDeployment | undefined): string {
  const t = sd?.targetServiceRevision;
  const green = t ? ` — new revision running ${t.runningTaskCount ?? 0}/${t.requestedTaskCount ?? 0}` : '';
  return `${name}: ${sd?.status ?? '…'} ${sd?.lifecycleStage ?? ''}${green}`;
}

/**
 * Follows a service deployment by ARN: lifecycle stages as they change, honest terminal status, stage
 * gate. With rollingBack, success is ECS finishing the rollback we asked for.
 */
export async function followServiceDeployment(
  ecs: ECSClient,
  name: string,
  arn: string,
  opts: FollowSettings & { stopAt?: StopAt; bakeMinutes?: number; rollingBack?: boolean },
): Promise<Followed & { last?: ServiceDeployment }> {
  let stage: string | undefined;
  let bakeEndsAt: number | undefined;
  let last: ServiceDeployment | undefined;
  let previousPoll: number | undefined;
  const end = await follow(
    async () => {
      last = await describeServiceDeployment(ecs, arn);
      const now = opts.clock.now();
      if (last?.lifecycleStage !== stage) {
        stage = last?.lifecycleStage;
        if (stage) opts.runner.info(`${name}: lifecycle stage ${stage}`);
        // The bake began after the previous poll at the earliest: count from there, so the fast polls
        // start before its end even though we saw it start late.
        if (stage === 'BAKE_TIME') bakeEndsAt = (previousPoll ?? now) + (opts.bakeMinutes ?? 0) * 60_000;
      }
      previousPoll = now;
      opts.runner.progress(progressOf(name, last));
      if (opts.rollingBack) return classifyRollbackOf(last);
      return classifyServiceDeployment(last, {
        ...(opts.stopAt ? { stopAtStage: STOP_AT_STAGES[opts.stopAt] } : {}),
        ...(bakeEndsAt !== undefined ? { bakeEndsAt } : {}),
        now,
      });
    },
    watching(opts, name, 'ECS'),
  );
  return { end, last };
}

/**
 * Resumes a deployment held at our stage gate: CONTINUE shifts production traffic; ROLLBACK returns
 * traffic to the old revision. Without a waiting hook, ROLLBACK stops the deployment with ECS's rollback.
 */
export async function resumeGate(
  ecs: ECSClient,
  arn: string,
  action: 'CONTINUE' | 'ROLLBACK',
): Promise<string> {
  const sd = await describeServiceDeployment(ecs, arn);
  if (!sd)
    throw new UserError(
      `service deployment ${arn} not found`,
      'deployment',
      'pass the deployment-arn output of the gated deploy',
    );
  const hook = sd.lifecycleHookDetails?.find((h) => h.status === 'AWAITING_ACTION');
  if (hook?.hookId) {
    await ecs.send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook.hookId, action }),
    );
    return action === 'CONTINUE' ? 'continued past the stage gate' : 'rolled back at the stage gate';
  }
  if (action === 'ROLLBACK') {
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    return 'asked ECS to roll back (StopServiceDeployment ROLLBACK)';
  }
  return `no paused hook (status ${sd.status}, stage ${sd.lifecycleStage ?? '–'}): following it to the end`;
}

/** arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id> → cluster and service. */
export function parseServiceDeploymentArn(arn: string): { cluster: string; service: string } {
  const m = /^arn:aws[a-z-]*:ecs:[^:]+:\d+:service-deployment\/([^/]+)\/([^/]+)\/[^/]+$/.exec(arn);
  if (!m) {
    throw new UserError(
      `"${arn}" is not an ECS service deployment ARN`,
      'continue',
      'pass the deployment-arn output of the gated deploy (arn:aws:ecs:…:service-deployment/<cluster>/<service>/<id>)',
    );
  }
  return { cluster: m[1], service: m[2] };
}
