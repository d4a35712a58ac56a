// verify against the emulator through the real SDK, as the CLI runs it: a world with a cluster, services
// (rolling, blue/green, CodeDeploy-controlled, deleted), an ECR repository and log groups. Each bad input
// ends with exit 2, a message naming the manifest field and the fix, and no mutating call.
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DeleteServiceCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { fargateTemplate, makeRepo, removeRepos, runStep } from '../harness/render-world.js';
import { verifyStep } from '../shared/src/steps/verify.js';

let emu: Emulator;
let image: string;
let tg: { blue: string; green: string };
let rule: string;
const credentials = { accessKeyId: 'AKIDVERIFYTEST', secretAccessKey: 'verify-secret' };

beforeAll(async () => {
  emu = await startEmulator({
    throttling: false,
    region: 'eu-west-3',
    world: {
      clusters: ['prod'],
      logGroups: ['/ecs/prod/api', '/ecs/prod/web', '/ecs/prod/legacy'],
      repositories: [{ name: 'api', images: ['v1'] }],
      targetGroups: [{ name: 'web-blue' }, { name: 'web-green' }],
      loadBalancers: [
        {
          name: 'public',
          listeners: [
            {
              port: 80,
              forward: 'web-blue',
              rules: [{ name: 'web-prod', priority: 10, pathPattern: '/*', forward: 'web-blue' }],
            },
            {
              port: 8080,
              forward: 'web-green',
              rules: [{ name: 'web-test', priority: 10, pathPattern: '/*', forward: 'web-green' }],
            },
          ],
        },
      ],
      services: [
        { name: 'api', cluster: 'prod', image: 'api:v1' },
        {
          name: 'web',
          cluster: 'prod',
          image: 'api:v1',
          loadBalancer: {
            targetGroup: 'web-blue',
            alternateTargetGroup: 'web-green',
            productionListenerRule: 'web-prod',
          },
        },
        { name: 'legacy', cluster: 'prod', image: 'api:v1', deploymentController: 'CODE_DEPLOY' },
        { name: 'old', cluster: 'prod', image: 'api:v1', desiredCount: 0 },
      ],
      codedeploy: {
        applications: [
          {
            name: 'legacy-app',
            deploymentGroups: [
              {
                name: 'legacy-dg',
                cluster: 'prod',
                service: 'legacy',
                targetGroups: ['web-blue', 'web-green'],
                prodListener: 'public:80',
              },
            ],
          },
        ],
      },
    },
  });
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  });
  const config = { endpoint: emu.url, region: emu.region, credentials };
  const ecr = new ECRClient(config);
  const out = await ecr.send(
    new DescribeImagesCommand({ repositoryName: 'api', imageIds: [{ imageTag: 'v1' }] }),
  );
  image = `${emu.host}/api@${out.imageDetails?.[0].imageDigest}`;
  ecr.destroy();
  const ecs = new ECSClient(config);
  await ecs.send(new DeleteServiceCommand({ cluster: 'prod', service: 'old', force: true }));
  ecs.destroy();
  const groups = [...emu.world.elbv2.targetGroups.values()];
  tg = {
    blue: groups.find((g) => g.TargetGroupName === 'web-blue')!.TargetGroupArn,
    green: groups.find((g) => g.TargetGroupName === 'web-green')!.TargetGroupArn,
  };
  // The production rule: the non-default rule forwarding to the blue target group.
  rule = [...emu.world.elbv2.rules.values()].find(
    (r) => !r.IsDefault && JSON.stringify(r.Actions).includes(tg.blue),
  )!.RuleArn;
});

afterAll(async () => {
  await emu?.stop();
  await removeRepos();
});

interface Case {
  deploy?: Record<string, unknown>;
  taskdef?: Record<string, unknown>;
  images?: Record<string, string>;
}

/** Runs verify for one service "api" and returns the run plus the mutating calls it made. */
async function verify(c: Case = {}) {
  const root = await makeRepo([
    { name: 'api', deploy: { cluster: 'prod', ...c.deploy }, taskdef: c.taskdef ?? fargateTemplate('api') },
  ]);
  const since = emu.calls().at(-1)?.seq ?? 0;
  const run = await runStep(
    verifyStep,
    { images: JSON.stringify(c.images ?? { api: image }), endpoint: emu.url, region: emu.region },
    { cwd: root },
  );
  return { run, calls: emu.calls({ since }), mutating: emu.calls({ since, mutates: true }) };
}

const blueGreen = () => ({
  targetGroup: tg.blue,
  alternateTargetGroup: tg.green,
  productionListenerRule: rule,
  roleArn: 'arn:aws:iam::123456789012:role/ecs-infra',
  containerPort: 8080,
});

describe('verify', () => {
  it('passes when cluster, service, image and log group exist, with read-only calls only', async () => {
    const { run, calls, mutating } = await verify();
    expect(run.error).toBeUndefined();
    expect(run.outputs.verified).toBe('["api"]');
    expect(run.log).toContain('ok: cluster prod is ACTIVE');
    expect(run.log).toContain(`ok: image ${image} exists`);
    expect(run.log).toContain('ok: log group /ecs/prod/api exists');
    expect(calls.map((c) => c.operation).sort()).toEqual([
      'BatchGetImage', // the image's manifest: does it offer the task's CPU architecture
      'DescribeClusters',
      'DescribeImages',
      'DescribeLogGroups',
      'DescribeServices',
      'GetCallerIdentity', // who the deploy runs as, for IAM's policy simulator
      'SimulatePrincipalPolicy', // may it make the deploy's changes (the emulator's own user: yes)
    ]);
    expect(run.log).toMatch(
      /ok: arn:aws:iam::\d+:user\/cendence-emulator may make all \d+ changes the deploy makes/,
    );
    expect(mutating).toEqual([]);
  });

  it('passes for blue/green when both target groups and the production rule exist', async () => {
    const { run, mutating } = await verify({
      deploy: { service: 'web', strategy: 'blue-green', blueGreen: blueGreen() },
    });
    expect(run.error).toBeUndefined();
    expect(run.log).toContain(`ok: target group ${tg.green} exists`);
    expect(run.log).toContain(`ok: listener rule ${rule} exists`);
    expect(mutating).toEqual([]);
  });

  it('passes for codedeploy when the application and deployment group exist', async () => {
    const { run, mutating } = await verify({
      deploy: {
        service: 'legacy',
        strategy: 'codedeploy',
        codedeploy: { application: 'legacy-app', deploymentGroup: 'legacy-dg', containerPort: 8080 },
      },
    });
    expect(run.error).toBeUndefined();
    expect(run.log).toContain('ok: CodeDeploy group legacy-app/legacy-dg exists');
    expect(mutating).toEqual([]);
  });

  const bad: [string, () => Case, RegExp, RegExp][] = [
    [
      'a cluster that does not exist',
      () => ({ deploy: { cluster: 'staging' } }),
      /deploy\.cluster: cluster "staging" does not exist/,
      /create the cluster/,
    ],
    [
      'a service that does not exist',
      () => ({ deploy: { service: 'api-v2' } }),
      /deploy\.service: service "api-v2" does not exist in cluster "prod"/,
      /names, not ARNs/,
    ],
    [
      'a deleted (inactive) service',
      () => ({ deploy: { service: 'old' } }),
      /deploy\.service: service "old" in cluster "prod" is (INACTIVE|DRAINING), not ACTIVE/,
      /recreate the service/,
    ],
    [
      'a strategy the deployment controller cannot run',
      () => ({
        deploy: {
          strategy: 'codedeploy',
          codedeploy: { application: 'a', deploymentGroup: 'g', containerPort: 8080 },
        },
      }),
      /deploy\.strategy: strategy codedeploy needs the CODE_DEPLOY deployment controller, but service "api" uses ECS/,
      /set deploy\.strategy to rolling or blue-green or canary or linear/,
    ],
    [
      'rolling onto a CodeDeploy-controlled service',
      () => ({ deploy: { service: 'legacy' } }),
      /strategy rolling needs the ECS deployment controller, but service "legacy" uses CODE_DEPLOY/,
      /set deploy\.strategy to codedeploy/,
    ],
    [
      'an image digest that was never pushed',
      () => ({ images: { api: `${emu.host}/api@sha256:${'f'.repeat(64)}` } }),
      /image sha256:f+ is not in ECR repository "api"/,
      /run the push step/,
    ],
    [
      'an ECR repository that does not exist',
      () => ({ images: { api: `${emu.host}/nope@sha256:${'f'.repeat(64)}` } }),
      /ECR repository "nope" does not exist/,
      /create it/,
    ],
    [
      'a log group that does not exist',
      () => ({
        taskdef: fargateTemplate('api', {
          containerDefinitions: [
            {
              name: 'api',
              image: '<IMAGE>',
              logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/prod/missing' } },
            },
          ],
        }),
      }),
      /awslogs-group \/ecs\/prod\/missing\): CloudWatch log group "\/ecs\/prod\/missing" does not exist/,
      /awslogs-create-group/,
    ],
    [
      'a CodeDeploy deployment group that does not exist',
      () => ({
        deploy: {
          service: 'legacy',
          strategy: 'codedeploy',
          codedeploy: { application: 'legacy-app', deploymentGroup: 'nope', containerPort: 8080 },
        },
      }),
      /deploy\.codedeploy\.deploymentGroup: CodeDeploy deployment group "nope" does not exist in "legacy-app"/,
      /fix the name/,
    ],
    [
      'blue/green without target groups',
      () => ({ deploy: { service: 'web', strategy: 'blue-green' } }),
      /deploy\.blueGreen: strategy blue-green needs target groups/,
      /add deploy\.blueGreen/,
    ],
    [
      'a blue/green target group that does not exist',
      () => ({
        deploy: {
          service: 'web',
          strategy: 'canary',
          blueGreen: { ...blueGreen(), alternateTargetGroup: 'web-purple' },
        },
      }),
      /deploy\.blueGreen\.alternateTargetGroup: target group "web-purple" does not exist/,
      /existing target group ARN/,
    ],
    [
      'a production listener rule that does not exist',
      () => ({
        deploy: {
          service: 'web',
          strategy: 'linear',
          blueGreen: { ...blueGreen(), productionListenerRule: `${rule.slice(0, -4)}0000` },
        },
      }),
      /deploy\.blueGreen\.productionListenerRule: listener rule ".*" does not exist/,
      /listener-rule ARN/,
    ],
  ];

  it.each(bad)(
    'rejects %s: exit 2, field and fix named, no mutating call',
    async (_name, make, message, fix) => {
      const { run, calls, mutating } = await verify(make());
      expect(run.exitCode).toBe(2);
      expect(run.error?.message).toMatch(message);
      expect(`${run.error?.message}\n${run.error?.fix}`).toMatch(fix);
      expect(run.error?.message).toContain('services/api/service.yml');
      expect(calls.length).toBeGreaterThan(0);
      expect(mutating).toEqual([]);
    },
  );

  it('reports every problem in one error', async () => {
    const { run, mutating } = await verify({
      deploy: { service: 'api-v2' },
      images: { api: `${emu.host}/api@sha256:${'e'.repeat(64)}` },
      taskdef: fargateTemplate('api', {
        containerDefinitions: [
          {
            name: 'api',
            image: '<IMAGE>',
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/prod/gone' } },
          },
        ],
      }),
    });
    expect(run.exitCode).toBe(2);
    expect(run.error?.message).toMatch(/3 problems/);
    for (const m of [
      /service "api-v2" does not exist/,
      /is not in ECR repository/,
      /"\/ecs\/prod\/gone" does not exist/,
    ]) {
      expect(run.error?.message).toMatch(m);
    }
    expect(mutating).toEqual([]);
  });
});
