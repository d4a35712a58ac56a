// World files: the AWS account the emulator starts with (`--world FILE`, YAML or JSON), and
// worldFromManifests(dir) deriving one from services/*/service.yml. Seeded services start steady:
// their tasks are already RUNNING and healthy, their deployment COMPLETED.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { manifestSchema } from '../../shared/src/manifest/schema.js';
import type { BehaviorSpec } from './behaviors.js';
import { createCluster } from './ecs/clusters.js';
import { completeDeployment, launch } from './ecs/deployments.js';
import type { DeploymentConfiguration, Json, LoadBalancerRef } from './ecs/model.js';
import { createService } from './ecs/services.js';
import { registerTaskDefinition } from './ecs/taskdefs.js';
import { settleTask } from './ecs/tasks.js';
import type { Action } from './elbv2/state.js';
import { type IamSpec, seedIam } from './iam/state.js';
import type { World } from './state.js';

export interface TargetGroupSpec {
  name: string;
  /** Use this exact ARN (e.g. one a manifest refers to). */
  arn?: string;
  port?: number;
  protocol?: string;
  healthCheckPath?: string;
  healthCheckIntervalSeconds?: number;
  healthyThresholdCount?: number;
  unhealthyThresholdCount?: number;
  /** Default 300, as on AWS. */
  deregistrationDelaySeconds?: number;
}

/** Forward to one target group (by name or ARN), or weighted to several. */
export type ForwardSpec = string | { targetGroup: string; weight?: number }[];

export interface RuleSpec {
  /** A name services can refer to (productionListenerRule: <name>). */
  name?: string;
  arn?: string;
  priority: number;
  pathPattern?: string;
  hostHeader?: string;
  /** Raw ELBv2 conditions, instead of pathPattern/hostHeader. */
  conditions?: Json[];
  forward: ForwardSpec;
}

export interface ListenerSpec {
  name?: string;
  arn?: string;
  port: number;
  protocol?: string;
  /** Forward by default, or raw ELBv2 default actions (fixed-response, redirect). */
  forward?: ForwardSpec;
  actions?: Json[];
  rules?: RuleSpec[];
}

export interface LoadBalancerSpec {
  name: string;
  arn?: string;
  type?: 'application' | 'network';
  subnets?: string[];
  securityGroups?: string[];
  listeners?: ListenerSpec[];
}

export interface ServiceSpec {
  name: string;
  cluster?: string;
  desiredCount?: number;
  /** A RegisterTaskDefinition input, or the family of one registered earlier in this file. */
  taskDefinition?: Json | string;
  /** Shortcut when taskDefinition is omitted: a Fargate task with one container of this image. */
  image?: string;
  containerPort?: number;
  loadBalancer?: {
    targetGroup: string;
    containerName?: string;
    containerPort?: number;
    alternateTargetGroup?: string;
    productionListenerRule?: string;
    testListenerRule?: string;
    roleArn?: string;
  };
  deploymentConfiguration?: DeploymentConfiguration;
  deploymentController?: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL';
  subnets?: string[];
  securityGroups?: string[];
  healthCheckGracePeriodSeconds?: number;
  /** Further CreateService input (capacityProviderStrategy, serviceRegistries, tags, propagateTags, …). */
  input?: Json;
}

export interface ClusterSpec {
  name: string;
  settings?: { name: string; value: string }[];
  capacityProviders?: string[];
  defaultCapacityProviderStrategy?: Json[];
  tags?: { key: string; value: string }[];
}

export interface RepositorySpec {
  name: string;
  imageTagMutability?: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush?: boolean;
  [k: string]: unknown;
}

export interface WorldSpec {
  clusters?: (string | ClusterSpec)[];
  logGroups?: string[];
  targetGroups?: TargetGroupSpec[];
  loadBalancers?: LoadBalancerSpec[];
  /** Registered before services (families referenced by services). */
  taskDefinitions?: Json[];
  services?: ServiceSpec[];
  /** Handed to the ECR module's seed hook. */
  repositories?: RepositorySpec[];
  /** Handed to the CodeDeploy module's seed hook (applications, deployment groups). */
  codedeploy?: unknown;
  behaviors?: BehaviorSpec[];
  /** Roles, policies and OIDC providers; present = enforced (trust on STS, permissions on every call). */
  iam?: IamSpec;
  /**
   * Resources no API of the emulator serves but tasks and tools need to see (network ids, Cloud Map,
   * RDS endpoints, secrets), kept as data under GET /_cendence/state ("infrastructure").
   */
  infrastructure?: Record<string, unknown>;
}

export function loadWorldFile(file: string): WorldSpec {
  const text = readFileSync(file, 'utf8');
  const spec = parseYaml(text) as WorldSpec | null;
  if (!spec || typeof spec !== 'object')
    throw new Error(`${file}: a world file must be a YAML or JSON object`);
  return spec;
}

const DEFAULT_SUBNETS = ['subnet-0emulator-a', 'subnet-0emulator-b'];

/** Seeds ELBv2, logs, ECS and behaviours (other modules seed through their ServiceModule.seed). */
export function seedCore(world: World, spec: WorldSpec): void {
  const elb = world.elbv2;
  for (const g of spec.logGroups ?? []) world.logs.createGroup(g);
  for (const tg of spec.targetGroups ?? []) {
    elb.createTargetGroup({
      arn: tg.arn,
      Name: tg.name,
      Port: tg.port ?? 80,
      Protocol: tg.protocol ?? 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: tg.healthCheckPath ?? '/',
      HealthCheckIntervalSeconds: tg.healthCheckIntervalSeconds ?? 30,
      HealthyThresholdCount: tg.healthyThresholdCount ?? 5,
      UnhealthyThresholdCount: tg.unhealthyThresholdCount ?? 2,
      deregistrationDelaySeconds: tg.deregistrationDelaySeconds ?? 300,
    });
  }
  const tgArn = (ref: string): string => {
    if (ref.startsWith('arn:')) return ref;
    const tg = [...elb.targetGroups.values()].find((t) => t.TargetGroupName === ref);
    if (!tg) throw new Error(`world: target group "${ref}" is not declared under targetGroups`);
    return tg.TargetGroupArn;
  };
  const forward = (f: ForwardSpec): Action[] => [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: (typeof f === 'string' ? [{ targetGroup: f, weight: 1 }] : f).map((x) => ({
          TargetGroupArn: tgArn(x.targetGroup),
          Weight: x.weight ?? 1,
        })),
      },
    },
  ];
  const named = new Map<string, string>();
  for (const lbSpec of spec.loadBalancers ?? []) {
    const lb = elb.createLoadBalancer({
      arn: lbSpec.arn,
      Name: lbSpec.name,
      Type: lbSpec.type,
      Subnets: lbSpec.subnets,
      SecurityGroups: lbSpec.securityGroups,
    });
    for (const l of lbSpec.listeners ?? []) {
      const listener = elb.createListener({
        arn: l.arn,
        LoadBalancerArn: lb.LoadBalancerArn,
        Port: l.port,
        Protocol: l.protocol ?? (lbSpec.type === 'network' ? 'TCP' : 'HTTP'),
        DefaultActions: l.actions ? (l.actions as Action[]) : forward(l.forward ?? []),
      });
      if (l.name) named.set(l.name, listener.ListenerArn);
      for (const r of l.rules ?? []) {
        const conditions: Json[] = [...(r.conditions ?? [])];
        if (r.pathPattern)
          conditions.push({
            Field: 'path-pattern',
            PathPatternConfig: { Values: [r.pathPattern] },
            Values: [r.pathPattern],
          });
        if (r.hostHeader)
          conditions.push({
            Field: 'host-header',
            HostHeaderConfig: { Values: [r.hostHeader] },
            Values: [r.hostHeader],
          });
        const rule = elb.createRule({
          arn: r.arn,
          ListenerArn: listener.ListenerArn,
          Priority: r.priority,
          Conditions: conditions,
          Actions: forward(r.forward),
        });
        if (r.name) named.set(r.name, rule.RuleArn);
      }
    }
  }
  const ruleArn = (ref: string | undefined): string | undefined =>
    ref === undefined ? undefined : (named.get(ref) ?? ref);

  const ecs = world.ecs;
  for (const c of spec.clusters ?? []) {
    if (typeof c === 'string') {
      createCluster(ecs, c);
      continue;
    }
    const cluster = createCluster(ecs, c.name, c.tags ?? []);
    if (c.settings) cluster.settings = c.settings;
    if (c.capacityProviders) cluster.capacityProviders = c.capacityProviders;
    if (c.defaultCapacityProviderStrategy)
      cluster.defaultCapacityProviderStrategy = c.defaultCapacityProviderStrategy;
  }
  const by = `arn:aws:iam::${world.accountId}:user/cendence-emulator`;
  for (const td of spec.taskDefinitions ?? []) registerTaskDefinition(ecs, td, by);
  for (const s of spec.services ?? []) {
    const cluster = s.cluster ?? 'default';
    if (!ecs.findCluster(cluster)) createCluster(ecs, cluster);
    let family: string;
    if (typeof s.taskDefinition === 'string') family = s.taskDefinition;
    else {
      const input = s.taskDefinition ?? minimalTaskDefinition(world, s);
      for (const c of (input.containerDefinitions as Json[]) ?? []) {
        const opts = (c.logConfiguration as { options?: Record<string, string> } | undefined)?.options;
        if (opts?.['awslogs-group']) world.logs.createGroup(opts['awslogs-group']);
      }
      family = registerTaskDefinition(ecs, input, by).arn;
    }
    const lb = s.loadBalancer;
    const loadBalancers: LoadBalancerRef[] = lb
      ? [
          {
            targetGroupArn: tgArn(lb.targetGroup),
            containerName: lb.containerName ?? s.name,
            containerPort: lb.containerPort ?? s.containerPort ?? 8080,
            advancedConfiguration: lb.alternateTargetGroup
              ? {
                  alternateTargetGroupArn: tgArn(lb.alternateTargetGroup),
                  productionListenerRule: ruleArn(lb.productionListenerRule),
                  testListenerRule: ruleArn(lb.testListenerRule),
                  roleArn:
                    lb.roleArn ??
                    `arn:aws:iam::${world.accountId}:role/ecsInfrastructureRoleForLoadBalancers`,
                }
              : undefined,
          },
        ]
      : [];
    const svc = createService(
      ecs,
      {
        cluster,
        serviceName: s.name,
        taskDefinition: family,
        desiredCount: s.desiredCount ?? 1,
        ...(s.input?.capacityProviderStrategy ? {} : { launchType: 'FARGATE' }),
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: s.subnets ?? DEFAULT_SUBNETS,
            securityGroups: s.securityGroups ?? [],
            assignPublicIp: 'DISABLED',
          },
        },
        loadBalancers,
        deploymentConfiguration: s.deploymentConfiguration,
        deploymentController: { type: s.deploymentController ?? 'ECS' },
        healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
        ...s.input,
      },
      by,
    );
    // Start steady: tasks already running and healthy, the first deployment COMPLETED.
    const dep = svc.deployments[0];
    dep.sim.targetGroupArn = loadBalancers[0]?.targetGroupArn;
    svc.sim.liveTargetGroupArn = loadBalancers[0]?.targetGroupArn;
    for (const t of launch(ecs, svc, dep, svc.desiredCount)) settleTask(ecs, t);
    dep.runningCount = svc.desiredCount;
    completeDeployment(ecs, svc, dep);
    svc.sim.steady = true;
    ecs.event(svc, `(service ${svc.serviceName}) has reached a steady state.`);
  }
  for (const b of spec.behaviors ?? []) world.behaviors.add(b);
  if (spec.infrastructure)
    world.slot('infrastructure', () => ({ ...spec.infrastructure, snapshot: () => spec.infrastructure }));
  seedIam(world, spec.iam);
}

function minimalTaskDefinition(world: World, s: ServiceSpec): Json {
  return {
    family: s.name,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: `arn:aws:iam::${world.accountId}:role/ecsTaskExecutionRole`,
    containerDefinitions: [
      {
        name: s.loadBalancer?.containerName ?? s.name,
        image: s.image ?? `${s.name}:seed`,
        essential: true,
        portMappings: [
          { containerPort: s.loadBalancer?.containerPort ?? s.containerPort ?? 8080, protocol: 'tcp' },
        ],
      },
    ],
  };
}

const OUTPUT_ONLY = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
];

/**
 * A world for the repository's services/*\/service.yml: their clusters, services (task definition from
 * the manifest's template when it parses as JSON, else a minimal Fargate one), target groups, listener
 * rules (created with the ARNs the manifests name) and repositories.
 */
export function worldFromManifests(dir: string): WorldSpec {
  const spec: Required<
    Pick<WorldSpec, 'clusters' | 'logGroups' | 'targetGroups' | 'loadBalancers' | 'services' | 'repositories'>
  > = {
    clusters: [],
    logGroups: [],
    targetGroups: [],
    loadBalancers: [],
    services: [],
    repositories: [],
  };
  const servicesDir = path.join(dir, 'services');
  const names = existsSync(servicesDir) ? readdirSync(servicesDir).sort() : [];
  const rules: ListenerSpec['rules'] = [];
  const declareTg = (ref: string) => {
    const name = ref.startsWith('arn:') ? (ref.split(':targetgroup/')[1]?.split('/')[0] ?? ref) : ref;
    if (!spec.targetGroups.some((t) => t.name === name)) {
      spec.targetGroups.push({
        name,
        arn: ref.startsWith('arn:') ? ref : undefined,
        port: 8080,
        healthCheckIntervalSeconds: 10,
        healthyThresholdCount: 2,
        deregistrationDelaySeconds: 30,
      });
    }
    return name;
  };
  for (const n of names) {
    const file = path.join(servicesDir, n, 'service.yml');
    if (!existsSync(file)) continue;
    const parsed = manifestSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file}: not a valid service manifest: ${parsed.error.message}`);
    const m = parsed.data;
    const repository = m.repository ?? m.name;
    spec.repositories.push({ name: repository });
    const deploy = m.deploy;
    // Without a cluster (it comes from terraform outputs at deploy time) there is nothing to seed from here.
    if (!deploy?.cluster) continue;
    if (!spec.clusters.includes(deploy.cluster)) spec.clusters.push(deploy.cluster);
    const serviceName = deploy.service ?? m.name;
    const container = deploy.container ?? m.name;
    const port = deploy.blueGreen?.containerPort ?? deploy.codedeploy?.containerPort ?? 8080;
    const td = readTemplate(
      path.join(servicesDir, n, deploy.taskDefinition),
      serviceName,
      container,
      `${repository}:seed`,
      port,
    );
    for (const c of (td.containerDefinitions as Json[]) ?? []) {
      const g = (c.logConfiguration as { options?: Record<string, string> } | undefined)?.options?.[
        'awslogs-group'
      ];
      if (g && !spec.logGroups.includes(g)) spec.logGroups.push(g);
    }
    const svc: ServiceSpec = {
      name: serviceName,
      cluster: deploy.cluster,
      desiredCount: deploy.desiredCount ?? 1,
      taskDefinition: td,
      subnets: deploy.network?.subnets,
      securityGroups: deploy.network?.securityGroups,
      deploymentController: deploy.strategy === 'codedeploy' ? 'CODE_DEPLOY' : 'ECS',
    };
    const bg = deploy.blueGreen;
    if (bg) {
      const blue = declareTg(bg.targetGroup);
      const green = declareTg(bg.alternateTargetGroup);
      rules.push({
        arn: bg.productionListenerRule.startsWith('arn:') ? bg.productionListenerRule : undefined,
        name: bg.productionListenerRule,
        priority: rules.length + 1,
        pathPattern: `/${serviceName}/*`,
        forward: [
          { targetGroup: blue, weight: 100 },
          { targetGroup: green, weight: 0 },
        ],
      });
      if (bg.testListenerRule) {
        rules.push({
          arn: bg.testListenerRule.startsWith('arn:') ? bg.testListenerRule : undefined,
          name: bg.testListenerRule,
          priority: rules.length + 1,
          hostHeader: `test.${serviceName}`,
          forward: [
            { targetGroup: blue, weight: 100 },
            { targetGroup: green, weight: 0 },
          ],
        });
      }
      const strategy =
        deploy.strategy === 'canary' ? 'CANARY' : deploy.strategy === 'linear' ? 'LINEAR' : 'BLUE_GREEN';
      svc.loadBalancer = {
        targetGroup: blue,
        alternateTargetGroup: green,
        containerName: container,
        containerPort: port,
        productionListenerRule: bg.productionListenerRule,
        testListenerRule: bg.testListenerRule,
        roleArn: bg.roleArn,
      };
      svc.deploymentConfiguration = {
        strategy,
        bakeTimeInMinutes: bg.bakeTimeMinutes,
        canaryConfiguration:
          strategy === 'CANARY'
            ? { canaryPercent: bg.canaryPercent, canaryBakeTimeInMinutes: bg.canaryBakeMinutes }
            : undefined,
        linearConfiguration:
          strategy === 'LINEAR'
            ? { stepPercent: bg.linearStepPercent, stepBakeTimeInMinutes: bg.linearStepBakeMinutes }
            : undefined,
      };
    }
    spec.services.push(svc);
  }
  if (spec.targetGroups.length) {
    spec.loadBalancers.push({
      name: 'cendence-alb',
      listeners: [{ port: 80, forward: spec.targetGroups[0].name, rules }],
    });
  }
  return spec;
}

function readTemplate(file: string, family: string, container: string, image: string, port: number): Json {
  let td: Json | undefined;
  if (existsSync(file)) {
    try {
      td = JSON.parse(readFileSync(file, 'utf8')) as Json;
    } catch {
      td = undefined; // a template with placeholders that are not JSON yet: fall back to a minimal one
    }
  }
  if (!td) {
    td = {
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        { name: container, image, essential: true, portMappings: [{ containerPort: port, protocol: 'tcp' }] },
      ],
    };
  }
  for (const k of OUTPUT_ONLY) delete td[k];
  td.family = typeof td.family === 'string' && /^[A-Za-z0-9_-]+$/.test(td.family) ? td.family : family;
  td.executionRoleArn ??= 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';
  for (const c of (td.containerDefinitions as Json[]) ?? []) {
    if (typeof c.image !== 'string' || /[{}$<>]/.test(c.image) || c.image === '') c.image = image;
  }
  return td;
}
