// The emulator's world from a Terraform configuration (`cendence emulator --terraform DIR`): the plan of
// plan.ts turned into the emulator's state model (world.ts WorldSpec) — ECS clusters, services and their
// bootstrap task definitions, ECR repositories, log groups, the ALB with its listeners, rules and target
// groups, IAM roles with trust and permission policies and the OIDC providers — plus the resources no
// emulated API serves (network ids, Cloud Map, RDS endpoint and its managed secret) as infrastructure data.
// Every resource type the world does not model is reported in `skipped`, never dropped silently.

import type { MetricAlarmSpec } from '../cloudwatch/alarms.js';
import type { PolicyDocument } from '../iam/policy.js';
import type { IamSpec, RoleSpec } from '../iam/state.js';
import type { RuntimeWorldSpec } from '../runtime/index.js';
import type {
  ClusterSpec,
  ListenerSpec,
  LoadBalancerSpec,
  RuleSpec,
  ServiceSpec,
  WorldSpec,
} from '../world.js';
import type { Json } from './hcl.js';
import { type PlanOptions, planTerraform, type TerraformPlan } from './plan.js';

/** Resource types that become emulator state (or infrastructure data tasks and tools can read). */
export const MODELLED_TYPES = [
  'aws_vpc',
  'aws_subnet',
  'aws_security_group',
  'aws_ecs_cluster',
  'aws_ecs_cluster_capacity_providers',
  'aws_ecs_service',
  'aws_ecs_task_definition',
  'aws_ecr_repository',
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_iam_policy',
  'aws_iam_role_policy_attachment',
  'aws_iam_openid_connect_provider',
  'aws_cloudwatch_log_group',
  'aws_lb',
  'aws_lb_listener',
  'aws_lb_listener_rule',
  'aws_lb_target_group',
  'aws_service_discovery_private_dns_namespace',
  'aws_service_discovery_service',
  'aws_db_instance',
  'aws_cloudwatch_metric_alarm',
] as const;

export interface TerraformWorld {
  spec: WorldSpec & RuntimeWorldSpec;
  plan: TerraformPlan;
  /** Resource types present in the configuration that the world does not model, sorted. */
  skipped: string[];
  /** What `terraform output -json` would print after apply (outputs over skipped types left out). */
  outputs: Record<string, { value: Json; type: Json; sensitive: boolean }>;
}

export interface TerraformWorldOptions extends PlanOptions {
  /** Enforce IAM (default true). */
  iam?: boolean;
}

const parsePolicy = (text: unknown): PolicyDocument => JSON.parse(String(text)) as PolicyDocument;

export async function terraformWorld(dir: string, opts: TerraformWorldOptions): Promise<TerraformWorld> {
  const plan = await planTerraform(dir, opts);
  const modelled = new Set<string>(MODELLED_TYPES);
  const skipped = [...new Set(plan.resources.map((r) => r.type))].filter((t) => !modelled.has(t)).sort();
  const attrs = (type: string) => plan.ofType(type).map((r) => r.attrs as Json);

  const clusters: ClusterSpec[] = attrs('aws_ecs_cluster').map((c) => {
    const cp = attrs('aws_ecs_cluster_capacity_providers').find((x) => x.cluster_name === c.name);
    return {
      name: c.name,
      settings: (c.setting ?? []).map((x: Json) => ({ name: x.name, value: String(x.value) })),
      capacityProviders: cp?.capacity_providers ?? [],
      defaultCapacityProviderStrategy: (cp?.default_capacity_provider_strategy ?? []).map(strategyItem),
      tags: tagList(c.tags),
    };
  });

  const loadBalancers: LoadBalancerSpec[] = attrs('aws_lb').map((lb) => ({
    name: lb.name,
    arn: lb.arn,
    type: lb.load_balancer_type === 'network' ? 'network' : 'application',
    subnets: lb.subnets ?? [],
    securityGroups: lb.security_groups ?? [],
    listeners: attrs('aws_lb_listener')
      .filter((l) => l.load_balancer_arn === lb.arn)
      .map(
        (l): ListenerSpec => ({
          arn: l.arn,
          port: Number(l.port),
          protocol: l.protocol,
          actions: (l.default_action ?? []).map(elbAction),
          rules: attrs('aws_lb_listener_rule')
            .filter((r) => r.listener_arn === l.arn)
            .map(
              (r): RuleSpec => ({
                arn: r.arn,
                priority: Number(r.priority),
                conditions: (r.condition ?? []).flatMap(elbConditions),
                forward: forwardTargets(r.action?.[0]),
              }),
            ),
        }),
      ),
  }));

  const taskDefinitions = attrs('aws_ecs_task_definition').map((td) => ({
    family: td.family,
    containerDefinitions: JSON.parse(td.container_definitions),
    cpu: td.cpu === undefined ? undefined : String(td.cpu),
    memory: td.memory === undefined ? undefined : String(td.memory),
    networkMode: td.network_mode,
    requiresCompatibilities: td.requires_compatibilities,
    executionRoleArn: td.execution_role_arn ?? undefined,
    taskRoleArn: td.task_role_arn ?? undefined,
    ...(td.runtime_platform?.[0]
      ? {
          runtimePlatform: {
            operatingSystemFamily: td.runtime_platform[0].operating_system_family,
            cpuArchitecture: td.runtime_platform[0].cpu_architecture,
          },
        }
      : {}),
    tags: tagList(td.tags),
  }));
  const familyOf = new Map(plan.ofType('aws_ecs_task_definition').map((r) => [r.attrs.arn, r.attrs.family]));

  const services: ServiceSpec[] = attrs('aws_ecs_service').map((s) => {
    const lb = s.load_balancer?.[0];
    const adv = lb?.advanced_configuration?.[0];
    const dc = s.deployment_configuration?.[0] ?? {};
    const cb = s.deployment_circuit_breaker?.[0];
    const alarms = s.alarms?.[0];
    const net = s.network_configuration?.[0] ?? {};
    return {
      name: s.name,
      cluster: String(s.cluster).split('/').pop(),
      desiredCount: Number(s.desired_count ?? 1),
      taskDefinition: familyOf.get(s.task_definition) ?? String(s.task_definition),
      subnets: net.subnets ?? [],
      securityGroups: net.security_groups ?? [],
      healthCheckGracePeriodSeconds: s.health_check_grace_period_seconds ?? undefined,
      deploymentController: s.deployment_controller?.[0]?.type ?? 'ECS',
      loadBalancer: lb
        ? {
            targetGroup: lb.target_group_arn,
            containerName: lb.container_name,
            containerPort: Number(lb.container_port),
            alternateTargetGroup: adv?.alternate_target_group_arn,
            productionListenerRule: adv?.production_listener_rule,
            testListenerRule: adv?.test_listener_rule,
            roleArn: adv?.role_arn,
          }
        : undefined,
      deploymentConfiguration: {
        strategy: dc.strategy ?? 'ROLLING',
        ...(dc.bake_time_in_minutes === null || dc.bake_time_in_minutes === undefined
          ? {}
          : { bakeTimeInMinutes: Number(dc.bake_time_in_minutes) }),
        minimumHealthyPercent: Number(s.deployment_minimum_healthy_percent ?? 100),
        maximumPercent: Number(s.deployment_maximum_percent ?? 200),
        ...(cb
          ? { deploymentCircuitBreaker: { enable: cb.enable === true, rollback: cb.rollback === true } }
          : {}),
        ...(alarms
          ? {
              alarms: {
                alarmNames: alarms.alarm_names,
                enable: alarms.enable === true,
                rollback: alarms.rollback === true,
              },
            }
          : {}),
      },
      input: {
        capacityProviderStrategy: (s.capacity_provider_strategy ?? []).map(strategyItem),
        serviceRegistries: (s.service_registries ?? []).map((r: Json) => ({ registryArn: r.registry_arn })),
        enableECSManagedTags: s.enable_ecs_managed_tags === true,
        propagateTags: s.propagate_tags ?? 'NONE',
        enableExecuteCommand: s.enable_execute_command === true,
        platformVersion: s.platform_version ?? 'LATEST',
        tags: tagList(s.tags),
      },
    };
  });

  const spec: WorldSpec & RuntimeWorldSpec = {
    clusters,
    logGroups: attrs('aws_cloudwatch_log_group').map((g) => g.name),
    targetGroups: attrs('aws_lb_target_group').map((tg) => {
      const hc = tg.health_check?.[0] ?? {};
      return {
        name: tg.name,
        arn: tg.arn,
        port: Number(tg.port),
        protocol: tg.protocol,
        healthCheckPath: hc.path ?? '/',
        healthCheckIntervalSeconds: Number(hc.interval ?? 30),
        healthyThresholdCount: Number(hc.healthy_threshold ?? 5),
        unhealthyThresholdCount: Number(hc.unhealthy_threshold ?? 2),
        deregistrationDelaySeconds: Number(tg.deregistration_delay ?? 300),
      };
    }),
    loadBalancers,
    taskDefinitions,
    services,
    repositories: attrs('aws_ecr_repository').map((r) => ({
      name: r.name,
      imageTagMutability: r.image_tag_mutability ?? 'MUTABLE',
      exclusionFilters: (r.image_tag_mutability_exclusion_filter ?? []).map(
        (f: { filter: string }) => f.filter,
      ),
      scanOnPush: r.image_scanning_configuration?.[0]?.scan_on_push === true,
    })),
    iam: opts.iam === false ? undefined : iamSpec(plan),
    infrastructure: infrastructure(plan),
    ...runtimeSpec(plan),
  };
  return { spec, plan, skipped, outputs: plan.outputsJson() };
}

/**
 * What the live runtime serves (`--tasks docker`): each RDS instance at its endpoint with its managed
 * secret, and each Cloud Map service under its namespace and ARN (the ECS services' registries).
 */
function runtimeSpec(plan: TerraformPlan): RuntimeWorldSpec {
  const namespaces = new Map(
    plan.ofType('aws_service_discovery_private_dns_namespace').map(({ attrs: n }) => [n.id, String(n.name)]),
  );
  const discovery = [...new Set(namespaces.values())].map((namespace) => ({
    namespace,
    services: plan
      .ofType('aws_service_discovery_service')
      .filter(({ attrs: s }) => namespaces.get(s.dns_config?.[0]?.namespace_id) === namespace)
      .map(({ attrs: s }) => ({ name: String(s.name), arn: String(s.arn) })),
  }));
  const databases = plan.ofType('aws_db_instance').map(({ attrs: d }) => ({
    identifier: String(d.identifier),
    dbName: d.db_name ?? undefined,
    username: d.username ?? undefined,
    port: d.port === undefined ? undefined : Number(d.port),
    address: d.address ?? undefined,
    secretArn: d.master_user_secret?.[0]?.secret_arn ?? undefined,
  }));
  return {
    discovery,
    databases,
    alarms: plan.ofType('aws_cloudwatch_metric_alarm').map(({ attrs }) => alarmSpec(attrs)),
  };
}

/** A metric alarm: one metric, or metric queries whose expression sums them (FILL(x, 0) + …). */
function alarmSpec(a: Json): MetricAlarmSpec {
  const queries: Json[] = (a.metric_query ?? []).filter((q: Json) => q.metric?.[0]);
  const metrics = queries.length
    ? queries.map(({ metric: [m] }) => ({
        namespace: String(m.namespace),
        metricName: String(m.metric_name),
        dimensions: m.dimensions ?? {},
        stat: String(m.stat ?? 'Sum'),
      }))
    : [
        {
          namespace: String(a.namespace),
          metricName: String(a.metric_name),
          dimensions: a.dimensions ?? {},
          stat: String(a.statistic ?? a.extended_statistic ?? 'Sum'),
        },
      ];
  return {
    name: String(a.alarm_name),
    period: Number(queries[0]?.metric[0].period ?? a.period ?? 60),
    evaluationPeriods: Number(a.evaluation_periods ?? 1),
    ...(a.datapoints_to_alarm == null ? {} : { datapointsToAlarm: Number(a.datapoints_to_alarm) }),
    threshold: Number(a.threshold ?? 0),
    comparison: String(a.comparison_operator ?? 'GreaterThanThreshold'),
    treatMissingData: String(a.treat_missing_data ?? 'missing'),
    metrics,
  };
}

function iamSpec(plan: TerraformPlan): IamSpec {
  const managed = new Map(plan.ofType('aws_iam_policy').map((p) => [p.attrs.arn, p.attrs]));
  const roles: RoleSpec[] = plan.ofType('aws_iam_role').map(({ attrs: r }) => ({
    name: r.name,
    arn: r.arn,
    trustPolicy: parsePolicy(r.assume_role_policy),
    maxSessionDuration: r.max_session_duration === undefined ? 3600 : Number(r.max_session_duration),
    tags: r.tags ?? {},
    policies: [
      ...plan
        .ofType('aws_iam_role_policy')
        .filter((p) => p.attrs.role === r.name || p.attrs.role === r.id)
        .map((p) => ({ name: p.attrs.name, document: parsePolicy(p.attrs.policy) })),
      ...plan
        .ofType('aws_iam_role_policy_attachment')
        .filter((a) => a.attrs.role === r.name)
        .map((a) => {
          const policy = managed.get(a.attrs.policy_arn);
          return { name: a.attrs.policy_arn, document: policy ? parsePolicy(policy.policy) : undefined };
        }),
    ],
  }));
  const created = plan
    .ofType('aws_iam_openid_connect_provider')
    .map(({ attrs: p }) => ({ url: p.url, arn: p.arn, clientIds: p.client_id_list ?? [] }));
  // A provider the account already has (create_provider = false): its audiences are the ones the trust
  // policies expect, as the account's provider would list them.
  const existing = plan.dataSources
    .filter((d) => d.type === 'aws_iam_openid_connect_provider')
    .map(({ attrs: p }) => ({ url: p.url, arn: p.arn, clientIds: audiencesFor(p.url, roles) }));
  return { roles, oidcProviders: [...created, ...existing], enforce: true };
}

function audiencesFor(url: string, roles: RoleSpec[]): string[] {
  const key = `${String(url).replace(/^https:\/\//, '')}:aud`;
  const auds = new Set<string>(['sts.amazonaws.com']);
  for (const r of roles) {
    const statements = [r.trustPolicy.Statement].flat();
    for (const s of statements) {
      for (const block of Object.values(s.Condition ?? {})) {
        for (const v of [block[key] ?? []].flat()) auds.add(v);
      }
    }
  }
  return [...auds];
}

function infrastructure(plan: TerraformPlan): Record<string, unknown> {
  const a = (type: string) => plan.ofType(type);
  return {
    vpcs: a('aws_vpc').map(({ attrs: v }) => ({ id: v.id, cidr: v.cidr_block })),
    subnets: a('aws_subnet').map(({ address, attrs: s }) => ({
      address,
      id: s.id,
      cidr: s.cidr_block,
      availabilityZone: s.availability_zone,
      tier: s.tags?.Tier,
    })),
    securityGroups: a('aws_security_group').map(({ address, attrs: g }) => ({
      address,
      id: g.id,
      name: g.name,
    })),
    discovery: {
      namespaces: a('aws_service_discovery_private_dns_namespace').map(({ attrs: n }) => ({
        id: n.id,
        arn: n.arn,
        name: n.name,
      })),
      services: a('aws_service_discovery_service').map(({ attrs: s }) => ({
        id: s.id,
        arn: s.arn,
        name: s.name,
        namespaceId: s.dns_config?.[0]?.namespace_id,
      })),
    },
    databases: a('aws_db_instance').map(({ attrs: d }) => ({
      identifier: d.identifier,
      engine: d.engine,
      address: d.address,
      port: d.port,
      dbName: d.db_name,
      username: d.username,
      secretArn: d.master_user_secret?.[0]?.secret_arn,
    })),
  };
}

function strategyItem(x: Json): Json {
  return { capacityProvider: x.capacity_provider, base: Number(x.base ?? 0), weight: Number(x.weight ?? 0) };
}

function tagList(tags: Json): { key: string; value: string }[] {
  return Object.entries<Json>(tags ?? {}).map(([key, value]) => ({ key, value: String(value) }));
}

/** A Terraform listener action block as an ELBv2 Action. */
function elbAction(a: Json): Json {
  if (a.type === 'fixed-response') {
    const f = a.fixed_response?.[0] ?? {};
    return {
      Type: 'fixed-response',
      FixedResponseConfig: {
        ContentType: f.content_type,
        MessageBody: f.message_body,
        StatusCode: String(f.status_code),
      },
    };
  }
  if (a.type === 'redirect') {
    const r = a.redirect?.[0] ?? {};
    return {
      Type: 'redirect',
      RedirectConfig: { Port: r.port, Protocol: r.protocol, StatusCode: r.status_code },
    };
  }
  if (a.target_group_arn) return { Type: 'forward', TargetGroupArn: a.target_group_arn };
  return {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: (a.forward?.[0]?.target_group ?? []).map((t: Json) => ({
        TargetGroupArn: t.arn,
        Weight: Number(t.weight ?? 1),
      })),
    },
  };
}

function forwardTargets(action: Json): { targetGroup: string; weight?: number }[] {
  if (action?.target_group_arn) return [{ targetGroup: action.target_group_arn, weight: 1 }];
  return (action?.forward?.[0]?.target_group ?? []).map((t: Json) => ({
    targetGroup: t.arn,
    weight: Number(t.weight ?? 1),
  }));
}

function elbConditions(c: Json): Json[] {
  const out: Json[] = [];
  for (const p of c.path_pattern ?? [])
    out.push({ Field: 'path-pattern', PathPatternConfig: { Values: p.values }, Values: p.values });
  for (const h of c.host_header ?? [])
    out.push({ Field: 'host-header', HostHeaderConfig: { Values: h.values }, Values: h.values });
  return out;
}
