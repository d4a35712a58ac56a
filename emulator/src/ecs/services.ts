// Services: CreateService / UpdateService (validation, new deployments), DescribeServices (≤10, unknown
// → failures MISSING), DeleteService, ListServices, and the Service/Deployment output shapes.
import { worldOf } from '../context.js';
import type { HandlerContext, ServiceHandlers } from '../types.js';
import { AwsError } from '../types.js';
import { startDeployment } from './deployments.js';
import { validateHooks } from './hooks.js';
import type {
  ContainerDef,
  Deployment,
  DeploymentConfiguration,
  Json,
  LoadBalancerRef,
  Service,
  TaskDefinition,
} from './model.js';
import type { EcsState } from './state.js';

const ecsOf = (ctx: HandlerContext): EcsState => worldOf(ctx).ecs;
const invalid = (message: string) => new AwsError('InvalidParameterException', message);
const d = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));

const DEFAULT_DEPLOYMENT_CONFIGURATION: DeploymentConfiguration = {
  deploymentCircuitBreaker: { enable: false, rollback: false },
  maximumPercent: 200,
  minimumHealthyPercent: 100,
  strategy: 'ROLLING',
};

export function resolveTaskDefinition(ecs: EcsState, ref: unknown): TaskDefinition {
  const td = typeof ref === 'string' ? ecs.findTaskDef(ref) : undefined;
  if (!td) throw new AwsError('ClientException', 'TaskDefinition not found.');
  if (td.status !== 'ACTIVE') throw new AwsError('ClientException', `TaskDefinition is inactive: ${td.arn}`);
  return td;
}

function checkNetwork(
  td: TaskDefinition,
  networkConfiguration: Json | undefined,
  launchType: string | undefined,
): void {
  const vpc = networkConfiguration?.awsvpcConfiguration as { subnets?: string[] } | undefined;
  if (td.body.networkMode === 'awsvpc' && !vpc?.subnets?.length) {
    throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  if (launchType === 'FARGATE' && !(td.body.compatibilities as string[]).includes('FARGATE')) {
    throw invalid('Task definition does not support launch_type FARGATE.');
  }
}

function checkLoadBalancers(
  ecs: EcsState,
  td: TaskDefinition,
  lbs: LoadBalancerRef[],
  strategy: string,
): void {
  const containers = (td.body.containerDefinitions as ContainerDef[]) ?? [];
  for (const lb of lbs) {
    const tgArns = [lb.targetGroupArn, lb.advancedConfiguration?.alternateTargetGroupArn].filter(
      Boolean,
    ) as string[];
    if (!lb.targetGroupArn)
      throw invalid('targetGroupArn is required for a load balancer of an awsvpc service.');
    for (const arn of tgArns) {
      const tg = ecs.world.elbv2.targetGroups.get(arn);
      if (!tg) throw invalid(`Unable to validate the specified targetGroupArn: ${arn} not found.`);
      if (tg.LoadBalancerArns.length === 0) {
        throw invalid(
          `The target group with targetGroupArn ${arn} does not have an associated load balancer.`,
        );
      }
    }
    const c = containers.find((x) => x.name === lb.containerName);
    if (!c) throw invalid(`The container ${lb.containerName} does not exist in the task definition.`);
    if (!(c.portMappings ?? []).some((p) => Number(p.containerPort) === Number(lb.containerPort))) {
      throw invalid(
        `The container ${lb.containerName} did not have a container port ${lb.containerPort} defined.`,
      );
    }
    const adv = lb.advancedConfiguration;
    if (adv) {
      if (!adv.alternateTargetGroupArn || !adv.productionListenerRule || !adv.roleArn) {
        throw invalid(
          'advancedConfiguration needs alternateTargetGroupArn, productionListenerRule and roleArn.',
        );
      }
      for (const rule of [adv.productionListenerRule, adv.testListenerRule].filter(Boolean) as string[]) {
        if (!ecs.world.elbv2.rules.has(rule) && !ecs.world.elbv2.listeners.has(rule)) {
          throw invalid(`The listener rule ${rule} does not exist.`);
        }
      }
    }
  }
  if (strategy !== 'ROLLING' && !lbs.some((lb) => lb.advancedConfiguration)) {
    throw invalid(
      `The ${strategy} deployment strategy needs a load balancer with advancedConfiguration (alternate target group and listener rules).`,
    );
  }
}

function checkDeploymentConfiguration(cfg: DeploymentConfiguration): void {
  validateHooks(cfg);
  const cb = cfg.deploymentCircuitBreaker;
  if (cb && (typeof cb.enable !== 'boolean' || typeof cb.rollback !== 'boolean')) {
    throw invalid('deploymentCircuitBreaker requires both enable and rollback.');
  }
  const strategy = cfg.strategy ?? 'ROLLING';
  if (!['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'].includes(strategy))
    throw invalid(`Unknown deployment strategy ${strategy}.`);
  if (strategy === 'BLUE_GREEN' && cfg.bakeTimeInMinutes === undefined) {
    throw invalid('bakeTimeInMinutes is required for the BLUE_GREEN deployment strategy.');
  }
  const max = cfg.maximumPercent ?? 200;
  const min = cfg.minimumHealthyPercent ?? 100;
  if (!(max >= 100) || !(min >= 0 && min <= 100)) {
    throw invalid('maximumPercent must be at least 100 and minimumHealthyPercent between 0 and 100.');
  }
  const step = cfg.linearConfiguration?.stepPercent;
  if (step !== undefined && !(step >= 3 && step <= 100))
    throw invalid('linearConfiguration.stepPercent must be between 3.0 and 100.0.');
  const canary = cfg.canaryConfiguration?.canaryPercent;
  if (canary !== undefined && !(canary >= 0.1 && canary <= 100))
    throw invalid('canaryConfiguration.canaryPercent must be between 0.1 and 100.');
}

export function createService(ecs: EcsState, input: Json, createdBy: string): Service {
  const cluster = ecs.cluster(input.cluster as string | undefined);
  const name = input.serviceName;
  if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
    throw invalid('serviceName must be 1-255 letters, numbers, hyphens and underscores.');
  }
  const existing = ecs.findService(cluster, name);
  if (existing && existing.status !== 'INACTIVE') throw invalid('Creation of service was not idempotent.');
  const controller =
    ((input.deploymentController as Json | undefined)?.type as Service['deploymentController']['type']) ??
    'ECS';
  const td = resolveTaskDefinition(ecs, input.taskDefinition);
  const launchType =
    (input.launchType as string | undefined) ?? (input.capacityProviderStrategy ? undefined : 'FARGATE');
  checkNetwork(td, input.networkConfiguration as Json | undefined, launchType);
  const cfg: DeploymentConfiguration = {
    ...DEFAULT_DEPLOYMENT_CONFIGURATION,
    ...(input.deploymentConfiguration as DeploymentConfiguration),
  };
  checkDeploymentConfiguration(cfg);
  const lbs = (input.loadBalancers as LoadBalancerRef[] | undefined) ?? [];
  checkLoadBalancers(ecs, td, lbs, controller === 'ECS' ? (cfg.strategy ?? 'ROLLING') : 'ROLLING');
  const desired = input.desiredCount === undefined ? 1 : checkDesiredCount(input.desiredCount);
  const now = ecs.now();
  const svc: Service = {
    serviceArn: ecs.arn(`service/${cluster.clusterName}/${name}`),
    serviceName: name,
    clusterArn: cluster.clusterArn,
    status: 'ACTIVE',
    taskDefinition: td.arn,
    desiredCount: desired,
    launchType,
    capacityProviderStrategy: input.capacityProviderStrategy as Json[] | undefined,
    platformVersion:
      launchType === 'FARGATE' || input.capacityProviderStrategy
        ? ((input.platformVersion as string) ?? 'LATEST')
        : undefined,
    platformFamily: 'Linux',
    loadBalancers: lbs,
    serviceRegistries: (input.serviceRegistries as Json[]) ?? [],
    networkConfiguration: input.networkConfiguration as Json | undefined,
    healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds as number | undefined,
    deploymentConfiguration: cfg,
    deploymentController: { type: controller },
    schedulingStrategy: 'REPLICA',
    enableECSManagedTags: Boolean(input.enableECSManagedTags),
    propagateTags: (input.propagateTags as string) ?? 'NONE',
    enableExecuteCommand: Boolean(input.enableExecuteCommand),
    createdAt: now,
    createdBy,
    roleArn: input.role as string | undefined,
    tags: (input.tags as Service['tags']) ?? [],
    deployments: [],
    events: [],
    sim: { steady: false },
  };
  ecs.services.set(svc.serviceArn, svc);
  const dep = startDeployment(ecs, svc, td);
  if (controller !== 'ECS') dep.sim.taskSet = true;
  return svc;
}

const NEW_DEPLOYMENT_FIELDS = [
  'networkConfiguration',
  'loadBalancers',
  'platformVersion',
  'capacityProviderStrategy',
  'launchType',
] as const;

export function updateService(ecs: EcsState, input: Json): Service {
  const cluster = ecs.cluster(input.cluster as string | undefined);
  if (typeof input.service !== 'string') throw invalid('service is required.');
  const svc = ecs.activeService(cluster, input.service);
  const codeDeploy = svc.deploymentController.type !== 'ECS';
  let td: TaskDefinition | undefined;
  if (input.taskDefinition !== undefined) {
    td = resolveTaskDefinition(ecs, input.taskDefinition);
    if (codeDeploy && td.arn !== svc.taskDefinition) {
      throw invalid(
        'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
      );
    }
  }
  const target = td ?? (ecs.findTaskDef(svc.taskDefinition) as TaskDefinition);
  let changed = td !== undefined && td.arn !== svc.taskDefinition;
  for (const k of NEW_DEPLOYMENT_FIELDS) {
    if (input[k] === undefined) continue;
    if (JSON.stringify(input[k]) !== JSON.stringify((svc as unknown as Json)[k])) changed = true;
  }
  const cfg: DeploymentConfiguration = input.deploymentConfiguration
    ? { ...svc.deploymentConfiguration, ...(input.deploymentConfiguration as DeploymentConfiguration) }
    : svc.deploymentConfiguration;
  checkDeploymentConfiguration(cfg);
  const network = (input.networkConfiguration as Json | undefined) ?? svc.networkConfiguration;
  checkNetwork(target, network, (input.launchType as string | undefined) ?? svc.launchType);
  const lbs = (input.loadBalancers as LoadBalancerRef[] | undefined) ?? svc.loadBalancers;
  if (!codeDeploy) checkLoadBalancers(ecs, target, lbs, cfg.strategy ?? 'ROLLING');
  if (input.desiredCount !== undefined) {
    const n = checkDesiredCount(input.desiredCount);
    if (n !== svc.desiredCount) svc.sim.steady = false;
    svc.desiredCount = n;
  }
  svc.deploymentConfiguration = cfg;
  svc.networkConfiguration = network;
  svc.loadBalancers = lbs;
  if (input.platformVersion !== undefined) svc.platformVersion = input.platformVersion as string;
  if (input.capacityProviderStrategy !== undefined) {
    svc.capacityProviderStrategy = input.capacityProviderStrategy as Json[];
    svc.launchType = undefined;
  }
  if (input.launchType !== undefined) svc.launchType = input.launchType as string;
  if (input.healthCheckGracePeriodSeconds !== undefined)
    svc.healthCheckGracePeriodSeconds = Number(input.healthCheckGracePeriodSeconds);
  if (input.enableExecuteCommand !== undefined)
    svc.enableExecuteCommand = Boolean(input.enableExecuteCommand);
  if (input.propagateTags !== undefined) svc.propagateTags = input.propagateTags as string;
  if (!codeDeploy && (changed || input.forceNewDeployment === true)) startDeployment(ecs, svc, target);
  return svc;
}

export function deploymentOut(dep: Deployment, svc: Service): Json {
  return {
    id: dep.id,
    status: dep.status,
    taskDefinition: dep.taskDefinition,
    desiredCount: dep.desiredCount,
    pendingCount: dep.pendingCount,
    runningCount: dep.runningCount,
    failedTasks: dep.failedTasks,
    createdAt: d(dep.createdAt),
    updatedAt: d(dep.updatedAt),
    capacityProviderStrategy: dep.capacityProviderStrategy,
    launchType: dep.launchType,
    platformVersion: dep.platformVersion,
    platformFamily: dep.platformFamily,
    networkConfiguration: dep.networkConfiguration,
    rolloutState: svc.deploymentController.type === 'ECS' ? dep.rolloutState : undefined,
    rolloutStateReason: svc.deploymentController.type === 'ECS' ? dep.rolloutStateReason : undefined,
  };
}

/** A CODE_DEPLOY or EXTERNAL service's revision, as AWS shows it: a task set, not a deployment. */
export function taskSetOut(dep: Deployment, svc: Service): Json {
  const id = dep.id;
  const steady = dep.runningCount === dep.desiredCount && dep.pendingCount === 0;
  return {
    id,
    taskSetArn: `${svc.serviceArn.replace(':service/', ':task-set/')}/${id.split('/').pop()}`,
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    startedBy: svc.deploymentController.type === 'CODE_DEPLOY' ? 'CodeDeploy' : undefined,
    status: dep.status,
    taskDefinition: dep.taskDefinition,
    computedDesiredCount: dep.desiredCount,
    pendingCount: dep.pendingCount,
    runningCount: dep.runningCount,
    createdAt: d(dep.createdAt),
    updatedAt: d(dep.updatedAt),
    launchType: dep.launchType,
    capacityProviderStrategy: dep.capacityProviderStrategy,
    platformVersion: dep.platformVersion,
    platformFamily: dep.platformFamily,
    networkConfiguration: dep.networkConfiguration,
    loadBalancers: dep.sim.targetGroupArn
      ? (svc.loadBalancers ?? []).map((lb) => ({ ...lb, targetGroupArn: dep.sim.targetGroupArn }))
      : svc.loadBalancers,
    scale: { value: 100, unit: 'PERCENT' },
    stabilityStatus: steady ? 'STEADY_STATE' : 'STABILIZING',
    stabilityStatusAt: d(dep.updatedAt),
  };
}

export function serviceOut(svc: Service, includeTags = false): Json {
  let running = 0;
  let pending = 0;
  for (const dep of svc.deployments) {
    running += dep.runningCount;
    pending += dep.pendingCount;
  }
  return {
    serviceArn: svc.serviceArn,
    serviceName: svc.serviceName,
    clusterArn: svc.clusterArn,
    loadBalancers: svc.loadBalancers,
    serviceRegistries: svc.serviceRegistries,
    status: svc.status,
    desiredCount: svc.desiredCount,
    runningCount: running,
    pendingCount: pending,
    launchType: svc.launchType,
    capacityProviderStrategy: svc.capacityProviderStrategy,
    platformVersion: svc.platformVersion,
    platformFamily: svc.platformFamily,
    taskDefinition: svc.taskDefinition,
    deploymentConfiguration: svc.deploymentConfiguration,
    // AWS shows deployments only for the ECS controller; CODE_DEPLOY and EXTERNAL services have task sets.
    ...(svc.deploymentController.type === 'ECS'
      ? { deployments: svc.deployments.map((dep) => deploymentOut(dep, svc)) }
      : { deployments: [], taskSets: svc.deployments.map((dep) => taskSetOut(dep, svc)) }),
    roleArn: svc.roleArn,
    events: svc.events.map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
    createdAt: d(svc.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: svc.networkConfiguration,
    healthCheckGracePeriodSeconds: svc.healthCheckGracePeriodSeconds,
    schedulingStrategy: svc.schedulingStrategy,
    deploymentController: svc.deploymentController,
    tags: includeTags ? svc.tags : undefined,
    createdBy: svc.createdBy,
    enableECSManagedTags: svc.enableECSManagedTags,
    propagateTags: svc.propagateTags,
    enableExecuteCommand: svc.enableExecuteCommand,
    availabilityZoneRebalancing: 'ENABLED',
    currentServiceDeployment: svc.currentServiceDeployment,
  };
}

export const serviceHandlers: ServiceHandlers = {
  CreateService(input, ctx) {
    const ecs = ecsOf(ctx);
    return {
      service: serviceOut(
        createService(ecs, input, `arn:aws:iam::${ctx.accountId}:user/cendence-emulator`),
        true,
      ),
    };
  },

  UpdateService(input, ctx) {
    return { service: serviceOut(updateService(ecsOf(ctx), input)) };
  },

  DescribeServices(input, ctx) {
    const ecs = ecsOf(ctx);
    const refs: unknown = input.services;
    if (!Array.isArray(refs) || refs.length === 0) throw invalid('Services cannot be empty.');
    if (refs.length > 10) throw invalid('services can have at most 10 items.');
    const cluster = ecs.cluster(input.cluster);
    const withTags = Array.isArray(input.include) && input.include.includes('TAGS');
    const services: Json[] = [];
    const failures: Json[] = [];
    for (const ref of refs as string[]) {
      const svc = ecs.findService(cluster, ref);
      if (svc) services.push(serviceOut(svc, withTags));
      else
        failures.push({
          arn: ref.startsWith('arn:') ? ref : ecs.arn(`service/${cluster.clusterName}/${ref}`),
          reason: 'MISSING',
        });
    }
    return { services, failures };
  },

  DeleteService(input, ctx) {
    const ecs = ecsOf(ctx);
    const cluster = ecs.cluster(input.cluster);
    const svc = ecs.findService(cluster, String(input.service ?? ''));
    if (!svc || svc.status === 'INACTIVE')
      throw new AwsError('ServiceNotFoundException', 'Service not found.');
    if (svc.status === 'DRAINING') return { service: serviceOut(svc) };
    if (svc.desiredCount > 0 && input.force !== true)
      throw invalid('The service cannot be stopped while it is scaled above 0.');
    svc.status = 'DRAINING';
    svc.desiredCount = 0;
    svc.sim.deletedAt = ecs.now();
    return { service: serviceOut(svc) };
  },

  ListServices(input, ctx) {
    const ecs = ecsOf(ctx);
    const cluster = ecs.cluster(input.cluster);
    const arns = [...ecs.services.values()]
      .filter((s) => s.clusterArn === cluster.clusterArn && s.status !== 'INACTIVE')
      .filter((s) => !input.launchType || s.launchType === input.launchType)
      .map((s) => s.serviceArn);
    const start = Number(input.nextToken ?? 0) || 0;
    const max = Math.min(Number(input.maxResults ?? 10), 100);
    return {
      serviceArns: arns.slice(start, start + max),
      nextToken: start + max < arns.length ? String(start + max) : undefined,
    };
  },
};

/** ECS's quota of tasks per service: more is refused up front (and would exhaust the emulator). */
export const MAX_TASKS_PER_SERVICE = 5000;

function checkDesiredCount(value: unknown): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw invalid('desiredCount must be a whole number >= 0.');
  if (n > MAX_TASKS_PER_SERVICE)
    throw invalid(`desiredCount ${n} exceeds the limit of ${MAX_TASKS_PER_SERVICE} tasks per service.`);
  return n;
}
