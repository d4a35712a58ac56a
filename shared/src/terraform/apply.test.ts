// applyTerraformOutputs: manifests that leave out what terraform/ provisioned are completed from its outputs;
// what a manifest writes wins; a deploy field neither source sets is a UserError naming the field, the
// manifest and the outputs file.
import { describe, expect, test } from '@jest/globals';
import { UserError } from '../errors.js';
import { manifestSchema, type ServiceManifest } from '../manifest/schema.js';
import { applyTerraformOutputs } from './apply.js';
import type { TerraformOutputs, TerraformServiceSettings } from './outputs.js';

const ELB = 'arn:aws:elasticloadbalancing:eu-west-3:123456789012';
const INFRA_ROLE = 'arn:aws:iam::123456789012:role/transcendence-production-ecs-infrastructure';

function tfService(name: string, extra: Partial<TerraformServiceSettings> = {}): TerraformServiceSettings {
  return {
    cluster: 'transcendence-production',
    clusterArn: 'arn:aws:ecs:eu-west-3:123456789012:cluster/transcendence-production',
    service: `transcendence-production-${name}`,
    serviceArn: `arn:aws:ecs:eu-west-3:123456789012:service/transcendence-production/${name}`,
    taskFamily: `transcendence-production-${name}`,
    containerName: name,
    containerPort: 3000,
    repositoryName: `transcendence/${name}`,
    repositoryUrl: `123456789012.dkr.ecr.eu-west-3.amazonaws.com/transcendence/${name}`,
    taskRoleArn: `arn:aws:iam::123456789012:role/${name}-task`,
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecs-execution',
    logGroup: `/ecs/transcendence-production/${name}`,
    subnets: ['subnet-0a1', 'subnet-0b2'],
    securityGroups: [`sg-0${name}`],
    assignPublicIp: false,
    deploymentStrategy: 'ROLLING',
    discoveryName: `${name}.transcendence.local`,
    targetGroups: {},
    listenerRules: {},
    environment: {},
    secrets: {},
    ...extra,
  };
}

const frontend = tfService('frontend', {
  deploymentStrategy: 'BLUE_GREEN',
  targetGroups: { blue: `${ELB}:targetgroup/frontend-b/1`, green: `${ELB}:targetgroup/frontend-g/2` },
  listenerRules: {
    production: `${ELB}:listener-rule/app/main/a/b/c`,
    test: `${ELB}:listener-rule/app/main/a/d/e`,
  },
});

const outputs: TerraformOutputs = {
  services: { auth: tfService('auth'), frontend, chat: tfService('chat') },
  ecsInfrastructureRoleArn: INFRA_ROLE,
};

/** A manifest as loadManifests returns it (schema defaults applied). */
function manifest(name: string, deploy?: Record<string, unknown>): ServiceManifest {
  const parsed = manifestSchema.parse({ name, ...(deploy ? { deploy } : {}) });
  return { ...parsed, file: `services/${name}/service.yml`, dir: `services/${name}` };
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

describe('applyTerraformOutputs', () => {
  test('fills cluster, service and network of a rolling service, and the whole blueGreen of a blue/green one', () => {
    const [auth, web] = applyTerraformOutputs(
      [manifest('auth', {}), manifest('frontend', { strategy: 'blue-green' })],
      outputs,
      'infra.json',
    );
    expect(auth.deploy).toMatchObject({
      cluster: 'transcendence-production',
      service: 'transcendence-production-auth',
      network: { subnets: ['subnet-0a1', 'subnet-0b2'], securityGroups: ['sg-0auth'], assignPublicIp: false },
    });
    expect(auth.deploy?.blueGreen).toBeUndefined();
    expect(web.deploy?.blueGreen).toEqual({
      targetGroup: frontend.targetGroups.blue,
      alternateTargetGroup: frontend.targetGroups.green,
      productionListenerRule: frontend.listenerRules.production,
      testListenerRule: frontend.listenerRules.test,
      roleArn: INFRA_ROLE,
      containerPort: 3000,
      bakeTimeMinutes: 5,
    });
  });

  test("a blue/green service keeps terraform's bake time (older outputs without it: the schema's 5)", () => {
    const slow = { ...outputs, services: { frontend: { ...frontend, bakeTimeMinutes: 15 } } };
    const [web] = applyTerraformOutputs(
      [manifest('frontend', { strategy: 'blue-green' })],
      slow,
      'infra.json',
    );
    expect(web.deploy?.blueGreen?.bakeTimeMinutes).toBe(15);
    const [old] = applyTerraformOutputs(
      [manifest('frontend', { strategy: 'blue-green' })],
      outputs,
      'infra.json',
    );
    expect(old.deploy?.blueGreen?.bakeTimeMinutes).toBe(5);
  });

  test('what the manifest writes wins over the outputs', () => {
    const own = {
      cluster: 'staging',
      service: 'frontend-canary',
      strategy: 'canary',
      network: { subnets: ['subnet-0own'], securityGroups: ['sg-0own'], assignPublicIp: true },
      blueGreen: {
        targetGroup: 'own-blue',
        alternateTargetGroup: 'own-green',
        productionListenerRule: 'own-rule',
        roleArn: 'arn:aws:iam::123456789012:role/own',
        containerPort: 8080,
        canaryPercent: 20,
      },
    };
    const [web] = applyTerraformOutputs([manifest('frontend', own)], outputs, 'infra.json');
    expect(web.deploy).toMatchObject({ ...own, blueGreen: { ...own.blueGreen, bakeTimeMinutes: 5 } });
  });

  test('services only in the outputs are ignored, and manifests without deploy stay as they are', () => {
    const lib = manifest('shared-lib');
    const result = applyTerraformOutputs([lib, manifest('auth', {})], outputs, 'infra.json');
    expect(result.map((m) => m.name)).toEqual(['shared-lib', 'auth']);
    expect(result[0]).toBe(lib);
    expect(result[0].deploy).toBeUndefined();
  });

  test('a deploy field neither source sets names the field, the manifest and the outputs file', () => {
    const one = userError(() => applyTerraformOutputs([manifest('game', {})], outputs, 'infra.json'));
    expect(one.message).toBe(
      'deploy.cluster: set neither in services/game/service.yml nor in infra.json (it has no service "game"; it has: auth, chat, frontend)',
    );
    expect(one.where).toBe('services/game/service.yml');
    expect(one.fix).toMatch(/var\.services/);
  });

  test('blue/green for a service terraform deploys rolling, or codedeploy, name what the outputs lack', () => {
    const error = userError(() =>
      applyTerraformOutputs(
        [manifest('auth', { strategy: 'blue-green' }), manifest('chat', { strategy: 'codedeploy' })],
        outputs,
        'infra.json',
      ),
    );
    expect(error.where).toBe('infra.json');
    expect(error.message.split('\n')).toEqual([
      '2 deploy settings missing:',
      '  deploy.blueGreen: set neither in services/auth/service.yml nor in infra.json (services.auth has no target_groups.blue, target_groups.green, listener_rules.production (terraform deploys it ROLLING; set blue_green = true in var.services))',
      '  deploy.codedeploy: set neither in services/chat/service.yml nor in infra.json (terraform/ creates no CodeDeploy application or deployment group)',
    ]);
  });

  test('without the ecs_infrastructure_role_arn output a blue/green service cannot be completed', () => {
    const noRole: TerraformOutputs = { services: { frontend } };
    const error = userError(() =>
      applyTerraformOutputs([manifest('frontend', { strategy: 'linear' })], noRole, 'infra.json'),
    );
    expect(error.message).toBe(
      'deploy.blueGreen: set neither in services/frontend/service.yml nor in infra.json (the ecs_infrastructure_role_arn output is null)',
    );
  });
});
