// The hand-off from terraform/ to the pipeline, end to end: the services' manifests say only what is theirs
// (strategy, desired count, timeout) and leave cluster, network, target groups, listener rules and role to
// a `terraform output -json` file; the deploy step completes them from it and deploys against the emulator
// seeded with what terraform would have created. Without the file, or with a broken one, nothing changes.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { TerminalRunner } from '../shared/src/runner/terminal.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import { diffStep } from '../shared/src/steps/diff.js';
import { makeRollbackStep } from '../shared/src/steps/rollback.js';
import { runTaskStep } from '../shared/src/steps/run-task.js';
import {
  type DeployWorld,
  deployWorld,
  describe1,
  imagesInput,
  mutatingCalls,
  ROLE,
  rollingService,
} from './deploy-harness.js';
import { runStep } from './render-world.js';

const CLUSTER = 'transcendence-production';
const ACCOUNT = '123456789012';
const ELB = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}`;
const NETWORK = { subnets: ['subnet-0tf-a', 'subnet-0tf-b'], securityGroups: ['sg-0tf-api'] };
const WEB = {
  targetGroup: `${ELB}:targetgroup/web-blue/1111111111111111`,
  alternateTargetGroup: `${ELB}:targetgroup/web-green/2222222222222222`,
  productionListenerRule: `${ELB}:listener-rule/app/main/3333333333333333/4444444444444444/5555555555555555`,
  testListenerRule: `${ELB}:listener-rule/app/main/3333333333333333/4444444444444444/6666666666666666`,
};

/** One entry of the `services` output, attribute for attribute as terraform/outputs.tf writes it. */
function serviceOutput(name: string, extra: Record<string, unknown> = {}) {
  return {
    cluster: CLUSTER,
    cluster_arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${CLUSTER}`,
    service: name,
    service_arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/${CLUSTER}/${name}`,
    task_family: name,
    container_name: name,
    container_port: 8080,
    repository_name: name,
    repository_url: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${name}`,
    task_role_arn: `arn:aws:iam::${ACCOUNT}:role/${CLUSTER}-${name}-task`,
    execution_role_arn: `arn:aws:iam::${ACCOUNT}:role/${CLUSTER}-ecs-execution`,
    log_group: `/ecs/${name}`,
    subnets: NETWORK.subnets,
    security_groups: [`sg-0tf-${name}`],
    assign_public_ip: false,
    deployment_strategy: 'ROLLING',
    discovery_name: `${name}.transcendence.local`,
    database_secret_arn: null,
    target_groups: { blue: null, green: null },
    listener_rules: { production: null, test: null },
    ...extra,
  };
}

/** What `terraform output -json` prints: every output as { sensitive, type, value }. */
function terraformOutputJson() {
  const output = <T>(type: unknown, value: T) => ({ sensitive: false, type, value });
  const services = {
    api: serviceOutput('api'),
    web: serviceOutput('web', {
      deployment_strategy: 'BLUE_GREEN',
      target_groups: { blue: WEB.targetGroup, green: WEB.alternateTargetGroup },
      listener_rules: { production: WEB.productionListenerRule, test: WEB.testListenerRule },
    }),
    // Provisioned by terraform but not deployed from this repository: ignored.
    chat: serviceOutput('chat'),
  };
  return {
    cluster_name: output('string', CLUSTER),
    ecs_infrastructure_role_arn: output('string', ROLE),
    github_deploy_role_arn: output('string', `arn:aws:iam::${ACCOUNT}:role/${CLUSTER}-github-deploy`),
    gitlab_deploy_role_arn: output('dynamic', null),
    private_subnet_ids: output(['tuple', ['string', 'string']], NETWORK.subnets),
    services: output(
      ['object', Object.fromEntries(Object.keys(services).map((k) => [k, ['object', {}]]))],
      services,
    ),
  };
}

let w: DeployWorld | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

/**
 * The emulator holds what terraform created (seeded from complete manifests); the repository's manifests
 * are then rewritten to what a developer writes once terraform owns the infrastructure.
 */
async function handoffWorld(): Promise<DeployWorld> {
  const world = await deployWorld([
    rollingService('api', { cluster: CLUSTER, network: { ...NETWORK, securityGroups: ['sg-0tf-api'] } }),
    rollingService('web', {
      cluster: CLUSTER,
      strategy: 'blue-green',
      blueGreen: { ...WEB, roleArn: ROLE, containerPort: 8080 },
      network: { ...NETWORK, securityGroups: ['sg-0tf-web'] },
    }),
  ]);
  const own = { desiredCount: 2, timeoutSeconds: 600 };
  const manifests = { api: own, web: { ...own, strategy: 'blue-green' } };
  for (const [name, deploy] of Object.entries(manifests)) {
    await writeFile(path.join(world.root, 'services', name, 'service.yml'), stringify({ name, deploy }));
  }
  await writeFile(path.join(world.root, 'infra.json'), JSON.stringify(terraformOutputJson(), null, 2));
  return world;
}

describe('terraform-outputs: manifests without ARNs', () => {
  it('deploys a rolling and a blue/green service to the cluster, service and target groups terraform made', async () => {
    w = await handoffWorld();
    const run = await runStep(
      makeDeployStep(w.time),
      {
        ...w.awsInputs,
        images: imagesInput(w.emu, { api: 'v2', web: 'v2' }),
        'terraform-outputs': 'infra.json',
      },
      { cwd: w.root },
    );
    expect(run.error).toBeUndefined();
    expect(run.outputs.status).toBe('succeeded');
    const api = await describe1(w, 'api', CLUSTER);
    expect(api.taskDefinition).toMatch(/api:2$/);
    expect(api.deploymentConfiguration?.strategy).toBe('ROLLING');
    const web = await describe1(w, 'web', CLUSTER);
    expect(web.taskDefinition).toMatch(/web:2$/);
    expect(web.deploymentConfiguration?.strategy).toBe('BLUE_GREEN');
    expect(web.loadBalancers?.[0].advancedConfiguration).toMatchObject({
      alternateTargetGroupArn: WEB.alternateTargetGroup,
      productionListenerRule: WEB.productionListenerRule,
      roleArn: ROLE,
    });
    expect(run.log).toContain('web: lifecycle stage BAKE_TIME');
    expect(JSON.parse(run.outputs['previous-revision'])).toEqual({
      api: expect.stringMatching(/task-definition\/api:1$/),
      web: expect.stringMatching(/task-definition\/web:1$/),
    });
  });

  it('diff compares the live network with the one in the outputs', async () => {
    w = await handoffWorld();
    const moved = terraformOutputJson();
    moved.services.value.api.subnets = ['subnet-0tf-c'];
    await writeFile(path.join(w.root, 'moved.json'), JSON.stringify(moved));
    const run = await runStep(
      diffStep,
      {
        ...w.awsInputs,
        services: 'api',
        images: imagesInput(w.emu, { api: 'v1' }),
        'terraform-outputs': 'moved.json',
      },
      { cwd: w.root },
    );
    expect(run.error).toBeUndefined();
    // Security groups and assignPublicIp from the outputs match the live service; only the subnets moved.
    expect(run.outputs.diff.split('\n').filter((l) => l.includes('service.network'))).toEqual([
      'api: ~ service.network.subnets: ["subnet-0tf-a","subnet-0tf-b"] → ["subnet-0tf-c"]',
    ]);
  });

  it('run-task and rollback complete the manifest from the same input', async () => {
    w = await handoffWorld();
    const ctx = {
      runner: new TerminalRunner({ stream: new PassThrough() }),
      signal: new AbortController().signal,
      env: {},
      cwd: w.root,
    };
    const inputs: Record<string, string> = {
      ...w.awsInputs,
      service: 'api',
      services: 'web',
      'terraform-outputs': 'infra.json',
    };
    const read = (name: string) => inputs[name];
    const task = await runTaskStep.settings(read, ctx);
    expect(task).toMatchObject({ cluster: CLUSTER, service: 'api' });
    expect(task.manifest.deploy?.network).toEqual({ ...NETWORK, assignPublicIp: false });
    const rollback = await makeRollbackStep(w.time).settings(read, ctx);
    expect(rollback.requests).toEqual([
      expect.objectContaining({ name: 'web', cluster: CLUSTER, service: 'web', strategy: 'blue-green' }),
    ]);
  });

  it('without the outputs, the missing cluster is named before any change', async () => {
    w = await handoffWorld();
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2', web: 'v2' }) },
      { cwd: w.root },
    );
    expect(run.exitCode).toBe(2);
    expect(run.error?.message).toMatch(/deploy\.cluster of service api is set neither in the manifest nor/);
    expect(run.error?.message).toMatch(/or pass terraform-outputs/);
    expect(mutatingCalls(w.emu)).toEqual([]);
  });

  it('a broken outputs file, or one without the service, is exit 2 naming the file, with no change made', async () => {
    w = await handoffWorld();
    const deploy = (file: string) =>
      runStep(
        makeDeployStep(w!.time),
        {
          ...w!.awsInputs,
          services: 'api',
          images: imagesInput(w!.emu, { api: 'v2' }),
          'terraform-outputs': file,
        },
        { cwd: w!.root },
      );
    await writeFile(path.join(w.root, 'plan.txt'), 'Terraform will perform the following actions:\n');
    const notJson = await deploy('plan.txt');
    expect(notJson.exitCode).toBe(2);
    expect(notJson.error?.where).toBe(`${path.join(w.root, 'plan.txt')}:1:1`);
    expect(notJson.error?.message).toMatch(/^not valid JSON/);

    const { services, ...rest } = terraformOutputJson();
    const { api: _, ...withoutApi } = services.value;
    await writeFile(
      path.join(w.root, 'other-env.json'),
      JSON.stringify({ ...rest, services: { ...services, value: withoutApi } }),
    );
    const noApi = await deploy('other-env.json');
    expect(noApi.exitCode).toBe(2);
    expect(noApi.error?.message).toBe(
      'deploy.cluster: set neither in services/api/service.yml nor in other-env.json (it has no service "api"; it has: chat, web)',
    );
    expect(mutatingCalls(w.emu)).toEqual([]);
  });
});
