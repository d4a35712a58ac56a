// loadTerraformOutputs: the hand-off file from terraform/ becomes typed deployment settings per service, and a
// wrong or partial file is a UserError naming the file and field. The fixture has the shape terraform writes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';
import { afterAll, describe, expect, test } from '@jest/globals';
import { UserError } from '../errors.js';
import { loadTerraformOutputs, parseTerraformOutputs, terraformServiceSettings } from './outputs.js';

const ACCOUNT = '123456789012';
const PREFIX = `arn:aws:ecs:eu-west-3:${ACCOUNT}`;
const ELB = `arn:aws:elasticloadbalancing:eu-west-3:${ACCOUNT}`;

function service(name: string, extra: Record<string, unknown> = {}) {
  return {
    cluster: 'transcendence-production',
    cluster_arn: `${PREFIX}:cluster/transcendence-production`,
    service: name,
    service_arn: `${PREFIX}:service/transcendence-production/${name}`,
    task_family: `transcendence-production-${name}`,
    container_name: name,
    container_port: 3000,
    repository_name: `transcendence/${name}`,
    repository_url: `${ACCOUNT}.dkr.ecr.eu-west-3.amazonaws.com/transcendence/${name}`,
    task_role_arn: `arn:aws:iam::${ACCOUNT}:role/transcendence-production-${name}-task`,
    execution_role_arn: `arn:aws:iam::${ACCOUNT}:role/transcendence-production-ecs-execution`,
    log_group: `/ecs/transcendence-production/${name}`,
    subnets: ['subnet-0a1', 'subnet-0b2', 'subnet-0c3'],
    security_groups: [`sg-0${name.length}`],
    assign_public_ip: false,
    deployment_strategy: 'ROLLING',
    bake_time_minutes: null,
    cpu_architecture: 'X86_64',
    discovery_name: `${name}.transcendence.local`,
    database_secret_arn: null,
    target_groups: { blue: null, green: null },
    listener_rules: { production: null, test: null },
    environment: { AUTH_URL: 'http://auth.transcendence.local:3000' },
    secrets: {},
    ...extra,
  };
}

const frontend = service('frontend', {
  deployment_strategy: 'BLUE_GREEN',
  bake_time_minutes: 15,
  target_groups: {
    blue: `${ELB}:targetgroup/transcendence-production-frontend-b/1`,
    green: `${ELB}:targetgroup/transcendence-production-frontend-g/2`,
  },
  listener_rules: {
    production: `${ELB}:listener-rule/app/transcendence-production/a/b/c`,
    test: `${ELB}:listener-rule/app/transcendence-production/a/d/e`,
  },
});
const auth = service('auth', {
  database_secret_arn: `arn:aws:secretsmanager:eu-west-3:${ACCOUNT}:secret:rds!db-1234-AbCdEf`,
});

/** What `terraform output -json` prints: every output with its sensitivity and type. */
function outputFile(services: Record<string, unknown>, more: Record<string, unknown> = {}) {
  const wrap = (value: unknown) => ({ sensitive: false, type: ['object', {}], value });
  return {
    cluster_name: wrap('transcendence-production'),
    github_deploy_role_arn: wrap(`arn:aws:iam::${ACCOUNT}:role/transcendence-production-github-deploy`),
    gitlab_deploy_role_arn: wrap(null),
    services: wrap(services),
    ...Object.fromEntries(Object.entries(more).map(([k, v]) => [k, wrap(v)])),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'tf-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function write(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('loadTerraformOutputs', () => {
  test('returns the deployment settings of every service, with blue/green target groups and listener rules', () => {
    const file = write('infra.json', outputFile({ frontend, auth }));
    const outputs = loadTerraformOutputs(file);
    expect(Object.keys(outputs.services).sort()).toEqual(['auth', 'frontend']);
    expect(outputs.services.frontend).toEqual({
      cluster: 'transcendence-production',
      clusterArn: `${PREFIX}:cluster/transcendence-production`,
      service: 'frontend',
      serviceArn: `${PREFIX}:service/transcendence-production/frontend`,
      taskFamily: 'transcendence-production-frontend',
      containerName: 'frontend',
      containerPort: 3000,
      repositoryName: 'transcendence/frontend',
      repositoryUrl: `${ACCOUNT}.dkr.ecr.eu-west-3.amazonaws.com/transcendence/frontend`,
      taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/transcendence-production-frontend-task`,
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/transcendence-production-ecs-execution`,
      logGroup: '/ecs/transcendence-production/frontend',
      subnets: ['subnet-0a1', 'subnet-0b2', 'subnet-0c3'],
      securityGroups: ['sg-08'],
      assignPublicIp: false,
      deploymentStrategy: 'BLUE_GREEN',
      bakeTimeMinutes: 15,
      cpuArchitecture: 'X86_64',
      discoveryName: 'frontend.transcendence.local',
      targetGroups: frontend.target_groups,
      listenerRules: frontend.listener_rules,
      environment: { AUTH_URL: 'http://auth.transcendence.local:3000' },
      secrets: {},
    });
    expect(outputs.services.auth.databaseSecretArn).toBe(auth.database_secret_arn);
    expect(outputs.services.auth.targetGroups).toEqual({});
    expect(outputs.services.auth.bakeTimeMinutes).toBeUndefined();
    expect(outputs.githubDeployRoleArn).toBe(
      `arn:aws:iam::${ACCOUNT}:role/transcendence-production-github-deploy`,
    );
    expect(outputs).not.toHaveProperty('gitlabDeployRoleArn');
  });

  test('terraformServiceSettings picks one service, or names the ones that exist', () => {
    const outputs = loadTerraformOutputs(write('two.json', outputFile({ frontend, auth })));
    expect(terraformServiceSettings(outputs, 'auth', 'two.json').service).toBe('auth');
    const error = userError(() => terraformServiceSettings(outputs, 'chat', 'two.json'));
    expect(error.message).toBe('no service "chat" in the terraform outputs (it has: auth, frontend)');
    expect(error.where).toBe('two.json');
  });

  test('a missing file, non-JSON, or another module’s outputs are UserErrors naming the file', () => {
    const missing = join(dir, 'nope.json');
    expect(userError(() => loadTerraformOutputs(missing))).toMatchObject({
      where: missing,
      message: expect.stringMatching(/ENOENT/),
    });
    const notJson = write('plan.txt', 'Terraform will perform the following actions');
    expect(userError(() => loadTerraformOutputs(notJson)).message).toMatch(/^not valid JSON/);
    const other = write('other.json', { vpc_id: { sensitive: false, type: 'string', value: 'vpc-1' } });
    const error = userError(() => loadTerraformOutputs(other));
    expect(error.message).toMatch(/no `services` output/);
    expect(error.fix).toMatch(/terraform output -json/);
  });

  test('a malformed service names the field', () => {
    const bad = write('bad.json', outputFile({ auth: { ...auth, subnets: [], task_role_arn: 'my-role' } }));
    const message = userError(() => loadTerraformOutputs(bad)).message;
    expect(message).toMatch(/services\.value\.auth\.subnets: Too small/);
    expect(message).toMatch(/services\.value\.auth\.task_role_arn: must be an ARN \(arn:aws:…\)/);
  });

  test('a bake time out of ECS range names the field', () => {
    const bad = write('bake.json', outputFile({ frontend: { ...frontend, bake_time_minutes: 2000 } }));
    expect(userError(() => loadTerraformOutputs(bad)).message).toMatch(
      /services\.value\.frontend\.bake_time_minutes: Too big/,
    );
  });

  test('the infrastructure role of native blue/green is read when terraform created one', () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/transcendence-production-ecs-infrastructure`;
    const withRole = write('role.json', outputFile({ frontend }, { ecs_infrastructure_role_arn: role }));
    expect(loadTerraformOutputs(withRole).ecsInfrastructureRoleArn).toBe(role);
    const without = write('norole.json', outputFile({ auth }, { ecs_infrastructure_role_arn: null }));
    expect(loadTerraformOutputs(without)).not.toHaveProperty('ecsInfrastructureRoleArn');
  });

  test('a blue/green service without its green target group is refused', () => {
    const broken = { ...frontend, target_groups: { blue: frontend.target_groups.blue, green: null } };
    const message = userError(() =>
      parseTerraformOutputs(JSON.stringify(outputFile({ frontend: broken })), 'x.json'),
    ).message;
    expect(message).toBe(
      'services.value.frontend: BLUE_GREEN needs target_groups.green and listener_rules.production',
    );
  });

  test('the reader and terraform/outputs.tf agree on the attributes of the services output', async () => {
    const tf = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'terraform', 'outputs.tf');
    const json = await parse('outputs.tf', readFileSync(tf, 'utf8'));
    const value = json.output.services[0].value as string;
    const attributes = [...value.matchAll(/^ {6}([a-z_]+)\s+=/gm)].map((m) => m[1]).sort();
    expect(attributes).toEqual(Object.keys(service('x')).sort());
  });
});
