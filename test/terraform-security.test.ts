// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are Terraform interpolations, not JS templates
// Security and reliability rules of terraform/, each test named by the checkov / trivy / FSBP ids it stands
// in for (IAC-1..10 and REL-13 in shared/reference/reliability-security.md). Exceptions must be justified
// inline (checkov:skip / trivy:ignore with a reason) and are listed here, so a new one needs a review.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, test } from '@jest/globals';
import {
  dataSource,
  directives,
  evaluate,
  type Json,
  loadModule,
  ofType,
  references,
  resource,
  scopeOf,
  strings,
  type TfModule,
} from '../emulator/src/terraform/hcl.js';

const TF = join(dirname(fileURLToPath(import.meta.url)), '..', 'terraform');
const ENVIRONMENTS = ['staging', 'production'] as const;

let main: TfModule;
let bootstrap: TfModule;
const tfvars: Record<string, Record<string, Json>> = {};

beforeAll(async () => {
  [main, bootstrap] = await Promise.all([loadModule(TF), loadModule(join(TF, 'bootstrap'))]);
  for (const env of ENVIRONMENTS) {
    tfvars[env] = await parse(
      `${env}.tfvars`,
      readFileSync(join(TF, 'environments', `${env}.tfvars`), 'utf8'),
    );
  }
});

/** The value of an expression in an environment (var. and local. resolved). */
const valueIn = (env: string, expr: Json) => evaluate(expr, scopeOf(main, tfvars[env]));
/** Every declaration a value refers to, as "type.name" / "var.x" / "local.y" (each. and count. left out). */
const refs = (value: Json) =>
  [...strings(value)].flatMap(([, text]) => references(text)).filter((r) => !/^(each|count)\./.test(r));
const only = (value: Json) => (Array.isArray(value) && value.length === 1 ? value[0] : value);

describe('IAC-1 ECR', () => {
  test('CKV_AWS_51 / AVD-AWS-0031 / ECR.2: image tags are immutable, but the moving build-cache tags', () => {
    const repo = resource(main, 'aws_ecr_repository.this');
    expect(repo.image_tag_mutability).toBe('IMMUTABLE_WITH_EXCLUSION');
    // Only the layer cache's tags move; every release tag (content tag, git sha) stays immutable.
    expect(only(repo.image_tag_mutability_exclusion_filter)).toEqual({
      filter: 'buildcache*',
      filter_type: 'WILDCARD',
    });
  });

  test('CKV_AWS_163 / AVD-AWS-0030 / ECR.1: images are scanned on push', () => {
    expect(only(resource(main, 'aws_ecr_repository.this').image_scanning_configuration)).toEqual({
      scan_on_push: true,
    });
  });

  test('CKV_AWS_136 / AVD-AWS-0033: repositories are encrypted with the environment KMS key, which rotates (CKV_AWS_7)', () => {
    const encryption = only(resource(main, 'aws_ecr_repository.this').encryption_configuration);
    expect(encryption.encryption_type).toBe('KMS');
    expect(refs(encryption.kms_key)).toEqual(['aws_kms_key.this']);
    expect(resource(main, 'aws_kms_key.this').enable_key_rotation).toBe(true);
  });

  test('CKV_AWS_32 / AVD-AWS-0032 / ECR.3: no public repository policy, and a lifecycle policy on every repository', () => {
    const types = [...main.resources.keys()].map((k) => k.split('.')[0]);
    expect(types).not.toContain('aws_ecr_repository_policy');
    expect(types).not.toContain('aws_ecrpublic_repository');
    const lifecycle = resource(main, 'aws_ecr_lifecycle_policy.this');
    expect(lifecycle.for_each).toBe('${aws_ecr_repository.this}');
    expect(lifecycle.policy).toMatch(/tagStatus\s*=\s*"untagged"/);
    expect(lifecycle.policy).toMatch(/countType\s*=\s*"imageCountMoreThan"/);
    expect(resource(main, 'aws_ecr_repository.this').force_delete).toBe(false);
  });
});

describe('IAC-2 ECS cluster', () => {
  test('CKV_AWS_65 / AVD-AWS-0034 / ECS.12: Container Insights is on in every environment', () => {
    const setting = only(resource(main, 'aws_ecs_cluster.this').setting);
    expect(setting.name).toBe('containerInsights');
    for (const env of ENVIRONMENTS) expect(['enabled', 'enhanced']).toContain(valueIn(env, setting.value));
  });

  test('CKV_AWS_223 / CKV_AWS_224: ECS Exec sessions are logged to CloudWatch and encrypted with KMS', () => {
    const exec = only(
      only(resource(main, 'aws_ecs_cluster.this').configuration).execute_command_configuration,
    );
    expect(exec.logging).toBe('OVERRIDE');
    expect(refs(exec.kms_key_id)).toEqual(['aws_kms_key.this']);
    const log = only(exec.log_configuration);
    expect(log.cloud_watch_encryption_enabled).toBe(true);
    expect(refs(log.cloud_watch_log_group_name)).toEqual(['aws_cloudwatch_log_group.exec']);
  });

  test('FARGATE and FARGATE_SPOT, a Spot-weighted default strategy over an on-demand base in production', () => {
    const providers = resource(main, 'aws_ecs_cluster_capacity_providers.this');
    expect(providers.capacity_providers).toEqual(['FARGATE', 'FARGATE_SPOT']);
    expect(only(providers.dynamic.default_capacity_provider_strategy).for_each).toBe(
      '${local.capacity_provider_strategy}',
    );
    const strategy = valueIn('production', '${local.capacity_provider_strategy}') as Json[];
    const byName = Object.fromEntries(strategy.map((s) => [s.capacity_provider, s]));
    expect(byName.FARGATE.base).toBeGreaterThanOrEqual(1);
    expect(byName.FARGATE_SPOT.weight).toBeGreaterThan(byName.FARGATE.weight);
    // Every service uses that strategy; an ARM64 one keeps only its FARGATE part (Spot runs X86_64 only).
    const forEach = only(resource(main, 'aws_ecs_service.this').dynamic.capacity_provider_strategy).for_each;
    expect(forEach).toMatch(
      /^\$\{\[for s in local\.capacity_provider_strategy : s if each\.value\.cpu_architecture == "X86_64" \|\| s\.capacity_provider == "FARGATE"\]\}$/,
    );
  });
});

describe('IAC-3 ECS services', () => {
  test('CKV_AWS_333 / ECS.2: services assign no public IP and run in the private subnets', () => {
    const network = only(resource(main, 'aws_ecs_service.this').network_configuration);
    expect(network.assign_public_ip).toBe(false);
    expect(network.subnets).toBe('${aws_subnet.private[*].id}');
    expect(refs(network.security_groups)).toEqual(['aws_security_group.service']);
  });

  test('CKV_AWS_332 / ECS.10: services run the LATEST Fargate platform version', () => {
    expect(resource(main, 'aws_ecs_service.this').platform_version).toBe('LATEST');
  });
});

describe('IAC-4 task definitions', () => {
  const containers = () =>
    resource(main, 'aws_ecs_task_definition.bootstrap').container_definitions as string;

  test('CKV_AWS_334 / CKV_AWS_336 / ECS.4 / ECS.5: bootstrap containers are unprivileged, read-only, non-root', () => {
    expect(containers()).toMatch(/privileged\s*=\s*false/);
    expect(containers()).toMatch(/readonlyRootFilesystem\s*=\s*true/);
    expect(containers()).toMatch(/user\s*=\s*"1000:1000"/);
  });

  test('CKV_AWS_335 / ECS.3: no host PID or IPC namespace, awsvpc networking on Fargate', () => {
    const td = resource(main, 'aws_ecs_task_definition.bootstrap');
    expect(td).not.toHaveProperty('pid_mode');
    expect(td).not.toHaveProperty('ipc_mode');
    expect(td.network_mode).toBe('awsvpc');
    expect(td.requires_compatibilities).toEqual(['FARGATE']);
  });

  test('CKV_AWS_249 / ECS.9: every container logs to its encrypted log group; the execution role is not the task role', () => {
    const td = resource(main, 'aws_ecs_task_definition.bootstrap');
    expect(containers()).toMatch(/logDriver\s*=\s*"awslogs"/);
    expect(references(containers())).toContain('aws_cloudwatch_log_group.service');
    expect(refs(td.execution_role_arn)).toEqual(['aws_iam_role.execution']);
    expect(refs(td.task_role_arn)).toEqual(['aws_iam_role.task']);
  });

  test('AVD-AWS-0036 / ECS.8: no secret in plaintext environment; the database password comes from the RDS-managed secret', () => {
    const environment = main.locals.get('database_environment')?.expr as Json[];
    expect(environment.map((e) => e.name)).toEqual(['PGHOST', 'PGPORT', 'PGDATABASE', 'PGSSLMODE']);
    for (const entry of environment) expect(entry).not.toHaveProperty('valueFrom');
    // TLS to RDS verified (the services refuse require/no-verify, which do not check the certificate).
    // One setting, var.db_ssl_mode: verify-full by default, and only disable (a local database) besides.
    expect(environment.find((e) => e.name === 'PGSSLMODE')?.value).toBe('${var.db_ssl_mode}');
    const mode = main.variables.get('db_ssl_mode')?.body ?? {};
    expect(mode.default).toBe('verify-full');
    expect(((mode.validation ?? []) as Json[])[0]?.condition).toBe(
      '${contains(["verify-full", "disable"], var.db_ssl_mode)}',
    );
    const secrets = main.locals.get('database_secrets')?.expr as Json[];
    expect(secrets.map((s) => s.name)).toEqual(['PGUSER', 'PGPASSWORD']);
    for (const s of secrets)
      expect(s.valueFrom).toMatch(
        /^\$\{aws_db_instance\.this\.master_user_secret\[0\]\.secret_arn\}:(username|password)::$/,
      );
    expect(containers()).toMatch(
      /secrets\s*=\s*\[for item in local\.database_secrets : item if each\.value\.database\]/,
    );
    const db = resource(main, 'aws_db_instance.this');
    expect(db.manage_master_user_password).toBe(true);
    expect(db).not.toHaveProperty('password');
  });
});

describe('REL-13 deployments', () => {
  test('REL-13: circuit breaker with rollback, 100/200 percent, health-check grace behind the ALB', () => {
    const svc = resource(main, 'aws_ecs_service.this');
    expect(only(svc.deployment_circuit_breaker)).toEqual({ enable: true, rollback: true });
    expect(svc.deployment_minimum_healthy_percent).toBe(100);
    expect(svc.deployment_maximum_percent).toBe(200);
    expect(svc.health_check_grace_period_seconds).toMatch(/var\.health_check_grace_period_seconds/);
    expect(only(svc.deployment_controller).type).toBe('ECS');
  });

  test('REL-13: Terraform never reverts a deploy: task_definition and desired_count are ignored after creation', () => {
    const svc = resource(main, 'aws_ecs_service.this');
    const ignored = only(svc.lifecycle).ignore_changes.map((v: string) => v.replace(/^\$\{|\}$/g, ''));
    expect(ignored).toEqual(expect.arrayContaining(['task_definition', 'desired_count']));
    expect(refs(svc.task_definition)).toEqual(['aws_ecs_task_definition.bootstrap']);
    expect(resource(main, 'aws_ecs_task_definition.bootstrap').skip_destroy).toBe(true);
  });

  test('REL-13: alarm-based rollback on the 5xx alarm for services behind the ALB', () => {
    const alarms = only(resource(main, 'aws_ecs_service.this').dynamic.alarms);
    expect(alarms.for_each).toMatch(/var\.enable_deployment_alarms/);
    expect(alarms.for_each).toMatch(/aws_cloudwatch_metric_alarm\.target_5xx/);
    expect(only(alarms.content)).toMatchObject({ enable: true, rollback: true });
    expect(valueIn('production', '${var.enable_deployment_alarms}')).toBe(true);
  });

  test('blue/green services deploy BLUE_GREEN with the alternate target group, production and test rules, and the infrastructure role', () => {
    const svc = resource(main, 'aws_ecs_service.this');
    expect(only(svc.deployment_configuration).strategy).toBe(
      '${each.value.blue_green ? "BLUE_GREEN" : "ROLLING"}',
    );
    const advanced = only(only(only(svc.dynamic.load_balancer).content).dynamic.advanced_configuration);
    expect(advanced.for_each).toBe(
      '${each.value.blue_green ? [aws_lb_target_group.green[each.key].arn] : []}',
    );
    const content = only(advanced.content);
    expect(refs(content.production_listener_rule)).toEqual(['aws_lb_listener_rule.production']);
    expect(refs(content.test_listener_rule)).toEqual(['aws_lb_listener_rule.test']);
    expect(refs(content.role_arn)).toEqual(['aws_iam_role.ecs_infrastructure']);
    expect(resource(main, 'aws_iam_role_policy_attachment.ecs_infrastructure').policy_arn).toMatch(
      /AmazonECSInfrastructureRolePolicyForLoadBalancers$/,
    );
    // The frontend is the blue/green service of the default layout, with a green target group and a test rule.
    const services = valueIn('production', '${var.services}');
    expect(Object.keys(services).sort()).toEqual(['ai', 'auth', 'frontend', 'game', 'matchmaking']);
    expect(services.frontend.blue_green).toBe(true);
    expect(resource(main, 'aws_lb_target_group.green').for_each).toBe('${local.blue_green_services}');
    expect(resource(main, 'aws_lb_listener_rule.test').for_each).toBe('${local.blue_green_services}');
  });
});

describe('IAC-5 load balancer', () => {
  test('CKV_AWS_2 / CKV2_AWS_20 / AVD-AWS-0054 / ELB.1: port 80 only redirects to HTTPS', () => {
    const http = resource(main, 'aws_lb_listener.http');
    expect(http.protocol).toBe('HTTP');
    const action = only(http.default_action);
    expect(action.type).toBe('redirect');
    expect(only(action.redirect)).toMatchObject({ protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' });
    const plain = ofType(main.resources, 'aws_lb_listener').filter(([, l]) => l.protocol !== 'HTTPS');
    expect(plain.map(([name]) => name)).toEqual(['http']);
  });

  test('CKV_AWS_103 / AVD-AWS-0047 / ELB.17: HTTPS listeners use a TLS 1.2+ policy in every environment', () => {
    for (const name of ['https', 'test']) {
      const listener = resource(main, `aws_lb_listener.${name}`);
      expect(listener.protocol).toBe('HTTPS');
      for (const env of ENVIRONMENTS) {
        expect(valueIn(env, listener.ssl_policy)).toMatch(/^ELBSecurityPolicy-(TLS13-1-2|TLS-1-2|FS-1-2)/);
      }
    }
  });

  test('CKV_AWS_131 / AVD-AWS-0052 / ELB.4: invalid header fields are dropped', () => {
    expect(resource(main, 'aws_lb.this').drop_invalid_header_fields).toBe(true);
  });

  test('CKV_AWS_328 / ELB.12: desync mitigation is strictest', () => {
    expect(resource(main, 'aws_lb.this').desync_mitigation_mode).toBe('strictest');
  });

  test('CKV_AWS_150 / ELB.6: deletion protection follows a variable, on by default and in production', () => {
    expect(resource(main, 'aws_lb.this').enable_deletion_protection).toBe('${var.alb_deletion_protection}');
    expect(evaluate('${var.alb_deletion_protection}', scopeOf(main, { environment: 'production' }))).toBe(
      true,
    );
    expect(valueIn('production', '${var.alb_deletion_protection}')).toBe(true);
  });

  test('CKV_AWS_91 / ELB.5: access logs go to a private, versioned, TLS-only bucket', () => {
    const logs = only(resource(main, 'aws_lb.this').access_logs);
    expect(logs.enabled).toBe(true);
    expect(refs(logs.bucket)).toEqual(['aws_s3_bucket.alb_logs']);
    expect(resource(main, 'aws_s3_bucket_public_access_block.alb_logs')).toMatchObject(
      allPublicAccessBlocked,
    );
    expect(only(resource(main, 'aws_s3_bucket_versioning.alb_logs').versioning_configuration).status).toBe(
      'Enabled',
    );
    expectTlsOnly(dataSource(main, 'aws_iam_policy_document.alb_logs'));
  });

  test('AVD-AWS-0053: the internet-facing ALB is the one justified exception; it sits in public subnets', () => {
    const internetFacing = ofType(main.resources, 'aws_lb').filter(([, lb]) => lb.internal !== true);
    expect(internetFacing.map(([name]) => name)).toEqual(['this']);
    expect(resource(main, 'aws_lb.this').subnets).toBe('${aws_subnet.public[*].id}');
    const ignore = allDirectives().find((d) => d.id === 'AVD-AWS-0053');
    expect(ignore?.block).toBe('resource.aws_lb.this');
  });
});

describe('IAC-6 network', () => {
  test('CKV2_AWS_11 / AVD-AWS-0178 / EC2.6: VPC flow logs record all traffic to an encrypted log group', () => {
    const flow = resource(main, 'aws_flow_log.this');
    expect(refs(flow.vpc_id)).toEqual(['aws_vpc.this']);
    expect(refs(flow.log_destination)).toEqual(['aws_cloudwatch_log_group.flow_logs']);
    for (const env of ENVIRONMENTS) expect(valueIn(env, flow.traffic_type)).toBe('ALL');
    expect(refs(resource(main, 'aws_cloudwatch_log_group.flow_logs').kms_key_id)).toEqual([
      'aws_kms_key.this',
    ]);
  });

  test('CKV2_AWS_12 / AVD-AWS-0173 / EC2.2: the default security group allows nothing', () => {
    const sg = resource(main, 'aws_default_security_group.this');
    expect(refs(sg.vpc_id)).toEqual(['aws_vpc.this']);
    expect(sg).not.toHaveProperty('ingress');
    expect(sg).not.toHaveProperty('egress');
  });

  test('CKV_AWS_130 / AVD-AWS-0164 / EC2.15: no subnet auto-assigns public IPs', () => {
    for (const [, subnet] of ofType(main.resources, 'aws_subnet'))
      expect(subnet.map_public_ip_on_launch).toBe(false);
  });

  test('EC2.55 / EC2.56: ECR api and dkr, Logs, Secrets Manager, SSM and STS endpoints with private DNS; S3 gateway on private routes', () => {
    const endpoints = (exec: boolean) =>
      evaluate(
        '${local.interface_endpoints}',
        scopeOf(main, { ...tfvars.production, enable_execute_command: exec }),
      );
    expect(endpoints(false)).toEqual(['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'ssm', 'sts']);
    expect(endpoints(true)).toContain('ssmmessages');
    const endpoint = resource(main, 'aws_vpc_endpoint.interface');
    expect(endpoint).toMatchObject({ vpc_endpoint_type: 'Interface', private_dns_enabled: true });
    expect(endpoint.subnet_ids).toBe('${aws_subnet.private[*].id}');
    const s3 = resource(main, 'aws_vpc_endpoint.s3');
    expect(s3.vpc_endpoint_type).toBe('Gateway');
    expect(s3.route_table_ids).toBe('${aws_route_table.private[*].id}');
  });

  test('2-3 availability zones; NAT is optional and off by default (the endpoints make it unnecessary)', () => {
    for (const env of ENVIRONMENTS) expect([2, 3]).toContain(valueIn(env, '${var.az_count}'));
    expect(valueIn('production', '${var.enable_nat_gateway}')).toBe(false);
    expect(resource(main, 'aws_nat_gateway.this').count).toBe('${local.nat_gateway_count}');
  });
});

describe('IAC-7 security groups', () => {
  const ingress = () => ofType(main.resources, 'aws_vpc_security_group_ingress_rule');
  const egress = () => ofType(main.resources, 'aws_vpc_security_group_egress_rule');

  test('CKV_AWS_24 / CKV_AWS_25 / CKV_AWS_260 / AVD-AWS-0107: only the ALB takes traffic from addresses, on 80/443 and the test port', () => {
    const byAddress = ingress().filter(([, rule]) => 'cidr_ipv4' in rule || 'cidr_ipv6' in rule);
    expect(byAddress.map(([name]) => name).sort()).toEqual(['alb_public', 'alb_test']);
    for (const [, rule] of byAddress)
      expect(refs(rule.security_group_id)).toEqual(['aws_security_group.alb']);
    expect(resource(main, 'aws_vpc_security_group_ingress_rule.alb_public').for_each).toMatch(
      /setproduct\(var\.alb_ingress_cidrs, \[80, 443\]\)/,
    );
    // The test listener is never open to the world: its CIDRs are validated.
    expect(resource(main, 'aws_vpc_security_group_ingress_rule.alb_test').for_each).toMatch(
      /var\.test_listener_cidrs/,
    );
    // Every other ingress names a source security group.
    for (const [, rule] of ingress().filter(([, r]) => !('cidr_ipv4' in r)))
      expect(rule).toHaveProperty('referenced_security_group_id');
    // No inline or legacy rules that could bypass the above.
    expect([...main.resources.keys()].filter((k) => k.startsWith('aws_security_group_rule.'))).toEqual([]);
    for (const [, sg] of ofType(main.resources, 'aws_security_group')) {
      expect(sg).not.toHaveProperty('ingress');
      expect(sg).not.toHaveProperty('egress');
    }
  });

  test('CKV_AWS_23 / AVD-AWS-0099 / AVD-AWS-0124: every security group and rule is described', () => {
    for (const [, sg] of ofType(main.resources, 'aws_security_group'))
      expect(sg.description.length).toBeGreaterThan(10);
    for (const [name, rule] of [...ingress(), ...egress()])
      expect({ name, described: Boolean(rule.description) }).toEqual({ name, described: true });
  });

  test('CKV_AWS_382 / CKV_AWS_277 / AVD-AWS-0104 / EC2.18 / EC2.19: egress is TCP on named ports; the internet only over HTTPS and opt-in', () => {
    for (const [name, rule] of [...ingress(), ...egress()]) {
      expect({ name, protocol: rule.ip_protocol }).toEqual({ name, protocol: 'tcp' });
      expect(rule.from_port).toBe(rule.to_port);
    }
    const toAddresses = egress().filter(([, rule]) => 'cidr_ipv4' in rule || 'cidr_ipv6' in rule);
    expect(toAddresses.map(([name]) => name)).toEqual(['service_to_internet']);
    const internet = resource(main, 'aws_vpc_security_group_egress_rule.service_to_internet');
    expect(internet).toMatchObject({ cidr_ipv4: '0.0.0.0/0', from_port: 443, to_port: 443 });
    expect(internet.for_each).toMatch(/if svc\.internet_egress/);
    for (const env of ENVIRONMENTS) {
      const services = valueIn(env, '${var.services}');
      expect(Object.values(services).filter((s: Json) => s.internet_egress)).toEqual([]);
    }
  });

  test('the database accepts 5432 only from services that use it; endpoints only HTTPS from the services', () => {
    const db = resource(main, 'aws_vpc_security_group_ingress_rule.database_from_service');
    expect(db).toMatchObject({ from_port: 5432, to_port: 5432, for_each: '${local.database_services}' });
    const services = valueIn('production', '${var.services}');
    expect(Object.keys(services).filter((n) => services[n].database)).toEqual([
      'auth',
      'game',
      'matchmaking',
    ]);
    expect(resource(main, 'aws_vpc_security_group_ingress_rule.endpoints_from_service')).toMatchObject({
      from_port: 443,
      to_port: 443,
    });
  });
});

describe('IAC-8 logs', () => {
  test('CKV_AWS_66 / CKV_AWS_338: every log group keeps logs, at least 365 days in production', () => {
    const groups = ofType(main.resources, 'aws_cloudwatch_log_group');
    expect(groups.length).toBeGreaterThanOrEqual(3);
    for (const [, group] of groups) {
      expect(group.retention_in_days).toBe('${var.log_retention_days}');
      expect(valueIn('production', group.retention_in_days)).toBeGreaterThanOrEqual(365);
      expect(valueIn('staging', group.retention_in_days)).toBeGreaterThan(0);
    }
  });

  test('CKV_AWS_158 / AVD-AWS-0017: every log group is encrypted with the KMS key, whose policy admits CloudWatch Logs', () => {
    for (const [, group] of ofType(main.resources, 'aws_cloudwatch_log_group'))
      expect(refs(group.kms_key_id)).toEqual(['aws_kms_key.this']);
    const statements = dataSource(main, 'aws_iam_policy_document.kms').statement as Json[];
    const logs = statements.find((s) => s.sid === 'CloudWatchLogs');
    expect(only(logs.principals).identifiers).toEqual(['logs.${local.region}.amazonaws.com']);
    expect(only(logs.condition).variable).toBe('kms:EncryptionContext:aws:logs:arn');
  });
});

describe('IAC-9 state', () => {
  test('CKV_AWS_21 / AVD-AWS-0090: the state bucket is versioned and cannot be destroyed by accident', () => {
    expect(only(resource(bootstrap, 'aws_s3_bucket_versioning.state').versioning_configuration).status).toBe(
      'Enabled',
    );
    expect(only(resource(bootstrap, 'aws_s3_bucket.state').lifecycle).prevent_destroy).toBe(true);
  });

  test('CKV_AWS_19 / CKV_AWS_145 / AVD-AWS-0088 / AVD-AWS-0132: the state is encrypted with a rotated KMS key', () => {
    const rule = only(resource(bootstrap, 'aws_s3_bucket_server_side_encryption_configuration.state').rule);
    const sse = only(rule.apply_server_side_encryption_by_default);
    expect(sse.sse_algorithm).toBe('aws:kms');
    expect(refs(sse.kms_master_key_id)).toEqual(['aws_kms_key.state']);
    expect(resource(bootstrap, 'aws_kms_key.state').enable_key_rotation).toBe(true);
  });

  test('CKV_AWS_53..56 / CKV2_AWS_6 / AVD-AWS-0086/0087/0091/0093/0094 / S3.8: all four public access blocks on every bucket', () => {
    for (const mod of [main, bootstrap]) {
      const buckets = ofType(mod.resources, 'aws_s3_bucket').map(([name]) => name);
      const blocks = ofType(mod.resources, 'aws_s3_bucket_public_access_block');
      expect(blocks.map(([name]) => name).sort()).toEqual(buckets.sort());
      for (const [, block] of blocks) expect(block).toMatchObject(allPublicAccessBlocked);
    }
  });

  test('S3.5: the state bucket accepts TLS only; the backend encrypts and locks with use_lockfile (no DynamoDB)', () => {
    expectTlsOnly(dataSource(bootstrap, 'aws_iam_policy_document.state'));
    const backend = main.files.find((f) => f.name === 'backend.tf')?.json.terraform[0].backend.s3[0];
    expect(backend).toEqual({ encrypt: true, use_lockfile: true });
  });
});

describe('data and edge', () => {
  test('CKV_AWS_16 / CKV_AWS_17 / CKV_AWS_133 / CKV_AWS_293 / CKV_AWS_157: the database is encrypted, private, backed up, protected, Multi-AZ in production', () => {
    const db = resource(main, 'aws_db_instance.this');
    expect(db).toMatchObject({
      storage_encrypted: true,
      publicly_accessible: false,
      skip_final_snapshot: false,
    });
    expect(refs(db.kms_key_id)).toEqual(['aws_kms_key.this']);
    expect(refs(db.master_user_secret_kms_key_id)).toEqual(['aws_kms_key.this']);
    expect(valueIn('production', db.backup_retention_period)).toBeGreaterThanOrEqual(7);
    expect(valueIn('production', db.deletion_protection)).toBe(true);
    expect(valueIn('production', db.multi_az)).toBe(true);
    expect(valueIn('staging', db.multi_az)).toBe(false);
    expect(refs(db.vpc_security_group_ids)).toEqual(['aws_security_group.database']);
  });

  test('CKV_AWS_34: CloudFront is optional (count by variable) and talks HTTPS to viewers and to the ALB', () => {
    const cf = resource(main, 'aws_cloudfront_distribution.this');
    expect(cf.count).toBe('${var.enable_cloudfront ? 1 : 0}');
    expect(valueIn('staging', '${var.enable_cloudfront}')).toBe(false);
    expect(only(cf.default_cache_behavior).viewer_protocol_policy).toBe('redirect-to-https');
    const origin = only(only(cf.origin).custom_origin_config);
    expect(origin).toMatchObject({ origin_protocol_policy: 'https-only', origin_ssl_protocols: ['TLSv1.2'] });
  });

  test('alarms go to an encrypted SNS topic; scaling tracks CPU per service', () => {
    expect(refs(resource(main, 'aws_sns_topic.alarms').kms_master_key_id)).toEqual(['aws_kms_key.this']);
    for (const [, alarm] of ofType(main.resources, 'aws_cloudwatch_metric_alarm')) {
      expect(alarm.alarm_actions).toEqual(['${aws_sns_topic.alarms.arn}']);
    }
    const policy = resource(main, 'aws_appautoscaling_policy.cpu');
    expect(policy.policy_type).toBe('TargetTrackingScaling');
    expect(policy.for_each).toBe('${var.services}');
  });
});

// --- IAC-10 exceptions -----------------------------------------------------------------------------------------

const allDirectives = () => [...main.files, ...bootstrap.files].flatMap((f) => directives(f));

describe('IAC-10 exceptions', () => {
  test('IAC-10: every checkov:skip and trivy:ignore names a rule, gives a reason and sits on a declared resource', () => {
    const found = allDirectives();
    expect(found.length).toBeGreaterThan(5);
    for (const d of found) {
      const where = `${d.file}:${d.line}`;
      expect({ where, reason: d.reason.length >= 20 }).toEqual({ where, reason: true });
      expect({ where, id: d.id }).toEqual({
        where,
        id: expect.stringMatching(/^(CKV2?_AWS_\d+|AVD-AWS-\d{4})$/),
      });
      const [kind, type, name] = (d.block ?? '').split('.');
      const mod = bootstrap.files.some((f) => f.name === d.file && f.text.includes(`"${type}" "${name}"`))
        ? bootstrap
        : main;
      const declared =
        kind === 'resource' ? mod.resources.has(`${type}.${name}`) : mod.data.has(`${type}.${name}`);
      expect({ where, declared }).toEqual({ where, declared: true });
    }
  });

  test('IAC-10: the exceptions are exactly the reviewed ones', () => {
    const found = allDirectives()
      .map((d) => `${d.id} ${d.block}`)
      .sort();
    expect(found).toEqual(
      [
        'AVD-AWS-0053 resource.aws_lb.this',
        'AVD-AWS-0104 resource.aws_vpc_security_group_egress_rule.service_to_internet',
        'AVD-AWS-0107 resource.aws_vpc_security_group_ingress_rule.alb_public',
        'AVD-AWS-0132 resource.aws_s3_bucket_server_side_encryption_configuration.alb_logs',
        'CKV2_AWS_47 resource.aws_cloudfront_distribution.this',
        'CKV2_AWS_62 resource.aws_s3_bucket.alb_logs',
        'CKV2_AWS_62 resource.aws_s3_bucket.state',
        'CKV_AWS_118 resource.aws_db_instance.this',
        'CKV_AWS_144 resource.aws_s3_bucket.alb_logs',
        'CKV_AWS_144 resource.aws_s3_bucket.state',
        'CKV_AWS_145 resource.aws_s3_bucket.alb_logs',
        'CKV_AWS_174 resource.aws_cloudfront_distribution.this',
        'CKV_AWS_18 resource.aws_s3_bucket.alb_logs',
        'CKV_AWS_18 resource.aws_s3_bucket.state',
        'CKV_AWS_260 resource.aws_vpc_security_group_ingress_rule.alb_public',
        'CKV_AWS_310 resource.aws_cloudfront_distribution.this',
        'CKV_AWS_356 data.aws_iam_policy_document.exec',
        'CKV_AWS_374 resource.aws_cloudfront_distribution.this',
        'CKV_AWS_382 resource.aws_vpc_security_group_egress_rule.service_to_internet',
        'CKV_AWS_86 resource.aws_cloudfront_distribution.this',
      ].sort(),
    );
  });

  test('IAC-10: a skip without a reason is caught', () => {
    const file = {
      name: 'x.tf',
      path: 'x.tf',
      json: {},
      text: 'resource "aws_s3_bucket" "b" {\n  # checkov:skip=CKV_AWS_18\n}\n\n#trivy:ignore:AVD-AWS-0088\nresource "aws_s3_bucket" "c" {\n}\n',
    };
    expect(directives(file)).toEqual([
      {
        file: 'x.tf',
        line: 2,
        tool: 'checkov',
        id: 'CKV_AWS_18',
        reason: '',
        block: 'resource.aws_s3_bucket.b',
      },
      {
        file: 'x.tf',
        line: 5,
        tool: 'trivy',
        id: 'AVD-AWS-0088',
        reason: '',
        block: 'resource.aws_s3_bucket.c',
      },
    ]);
  });
});

const allPublicAccessBlocked = {
  block_public_acls: true,
  block_public_policy: true,
  ignore_public_acls: true,
  restrict_public_buckets: true,
};

function expectTlsOnly(policy: Json): void {
  const deny = (policy.statement as Json[]).find(
    (s) => s.effect === 'Deny' && s.sid === 'DenyInsecureTransport',
  );
  expect(deny.actions).toEqual(['s3:*']);
  expect(only(deny.condition)).toEqual({ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] });
}
