// The deploy step under adversity: a concurrent foreign deployment, injected throttling and 5xx, and
// bad inputs — each bad input must end with exit 2, a message naming the field, and ZERO mutating calls.

import { DeleteServiceCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  type DeployWorld,
  deployWorld,
  describe1,
  foreignDeploymentAfter,
  imagesInput,
  mutatingCalls,
  rollingService,
} from '../harness/deploy-world.js';
import { runStep } from '../harness/render-world.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import { makeRollbackStep } from '../shared/src/steps/rollback.js';

let w: DeployWorld | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

describe('deploy: a foreign deployment mid-wait', () => {
  it('fails with "replaced" when someone else updates the service while we wait', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.behavior({ image: '*api:slow', behavior: 'slow', startSeconds: 60 });
    const intruder = foreignDeploymentAfter(w, 15_000);
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'slow' }) },
      { cwd: w.root },
    );
    intruder.stop();
    expect(run.exitCode).toBe(1);
    expect(run.error?.message).toMatch(
      /api replaced \(another deployment \(ecs-svc\/\d+, task definition .*api-hotfix:1\) replaced ours/,
    );
    // Someone else's deployment is left alone: no rollback of theirs.
    expect(w.emu.calls({ operation: 'StopServiceDeployment' })).toHaveLength(0);
  });
});

describe('deploy: injected throttling and 5xx', () => {
  it('survives ThrottlingException and InternalFailure bursts on every call it makes', async () => {
    w = await deployWorld([rollingService('api')], { throttling: true });
    w.emu.fault({
      service: 'ecs',
      operation: 'RegisterTaskDefinition',
      error: 'ThrottlingException',
      times: 3,
    });
    w.emu.fault({ service: 'ecs', operation: 'UpdateService', error: 'InternalFailure', times: 2 });
    w.emu.fault({ service: 'ecs', operation: 'DescribeServices', error: 'ServiceUnavailable', times: 2 });
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }) },
      { cwd: w.root },
    );
    expect(run.error).toBeUndefined();
    expect(run.outputs.status).toBe('succeeded');
    const errors = w.emu
      .calls()
      .filter((c) => c.error)
      .map((c) => `${c.operation}:${c.error}`);
    expect(errors.filter((e) => e.startsWith('RegisterTaskDefinition:Throttling'))).toHaveLength(3);
    expect(errors.filter((e) => e.startsWith('UpdateService:'))).toHaveLength(2);
    // Retried, not repeated: exactly one successful registration and one successful update.
    expect(w.emu.calls({ operation: 'RegisterTaskDefinition' }).filter((c) => !c.error)).toHaveLength(1);
    expect(w.emu.calls({ operation: 'UpdateService' }).filter((c) => !c.error)).toHaveLength(1);
  });
});

describe('bad inputs: exit 2, the field named, no mutating call', () => {
  const cases: [
    string,
    (w: DeployWorld) => Promise<Record<string, string>> | Record<string, string>,
    RegExp,
  ][] = [
    [
      'a service that does not exist',
      async (x) => {
        await x.aws.ecs.send(new DeleteServiceCommand({ cluster: 'main', service: 'web', force: true }));
        await x.emu.advance(600);
        return { services: 'web' };
      },
      /service "web" (does not exist|in cluster "main" is (DRAINING|INACTIVE))/,
    ],
    [
      'a draining service',
      async (x) => {
        await x.aws.ecs.send(new DeleteServiceCommand({ cluster: 'main', service: 'web', force: true }));
        return { services: 'web' };
      },
      /service "web" (in cluster "main" is DRAINING|does not exist)/,
    ],
    ['a cluster that does not exist', () => ({ services: 'lost' }), /cluster "nowhere" does not exist/],
    [
      'a strategy the controller cannot run',
      () => ({ services: 'cd' }),
      /strategy "rolling" needs deployment controller ECS, but service "cd" uses CODE_DEPLOY/,
    ],
    ['an unknown --on-cancel', () => ({ 'on-cancel': 'pray' }), /"on-cancel" must be one of rollback, leave/],
    ['a negative timeout', () => ({ timeout: '-5' }), /"timeout" must be a positive number/],
    ['a timeout that is not a number', () => ({ timeout: 'soon' }), /"timeout" must be a number/],
    ['--keep-revisions 0', () => ({ 'keep-revisions': '0' }), /"keep-revisions" must be a whole number ≥ 1/],
    ['an unknown service name', () => ({ services: 'nope' }), /unknown service 'nope'/],
    [
      '--stop-at on a rolling service',
      () => ({ services: 'api', 'stop-at': 'test-traffic' }),
      /--stop-at needs a traffic-shifting strategy; api is rolling/,
    ],
    ['an unknown --stop-at stage', () => ({ 'stop-at': 'bake' }), /"stop-at" must be one of test-traffic/],
    [
      '--continue with something that is not a deployment ARN',
      () => ({ continue: 'ecs-svc/123' }),
      /is not an ECS service deployment ARN/,
    ],
    [
      '--continue with a deployment that does not exist',
      () => ({ continue: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/main/api/nope' }),
      /does not exist/,
    ],
    ['images that are not JSON', () => ({ images: '{"api": ' }), /images/],
    ['a region that is not a region', () => ({ region: 'moon-1' }), /"moon-1" is not an AWS region name/],
  ];

  it.each(cases)('%s', async (_name, arrange, message) => {
    w = await deployWorld(
      [
        rollingService('api'),
        rollingService('web'),
        rollingService('lost', { cluster: 'nowhere' }),
        rollingService('cd'),
      ],
      {
        extra: (world) => ({
          ...world,
          clusters: (world.clusters ?? []).filter((c) => c !== 'nowhere'),
          services: (world.services ?? [])
            .filter((s) => s.cluster !== 'nowhere')
            .map((s) => (s.name === 'cd' ? { ...s, deploymentController: 'CODE_DEPLOY' as const } : s)),
        }),
      },
    );
    const extra = await arrange(w);
    const since = w.emu.calls().length;
    const run = await runStep(
      makeDeployStep(w.time),
      {
        ...w.awsInputs,
        services: 'api',
        images: imagesInput(w.emu, { api: 'v2', web: 'v2', lost: 'v2', cd: 'v2' }),
        ...extra,
      },
      { cwd: w.root },
    );
    expect(run.exitCode).toBe(2);
    expect(`${run.error?.message} ${run.error?.where ?? ''}`).toMatch(message);
    expect(
      w.emu
        .calls()
        .slice(since)
        .filter((c) => c.mutates),
    ).toEqual([]);
  });

  const rollbackCases: [string, Record<string, string>, RegExp][] = [
    [
      'to-revision that is not a revision',
      { services: 'api', 'to-revision': 'latest' },
      /"latest" is not a task definition ARN or family:revision/,
    ],
    [
      'to-revision that does not exist',
      { services: 'api', 'to-revision': 'api:99' },
      /task definition api:99 does not exist/,
    ],
    [
      'to-revision and to-image together',
      { services: 'api', 'to-revision': 'api:1', 'to-image': 'r.example/api:v1' },
      /only one of record-file, to-revision, to-image/,
    ],
    [
      'to-image for two services',
      { services: 'api,web', 'to-image': 'r.example/api:v1' },
      /exactly one service/,
    ],
    ['a record file that does not exist', { 'record-file': 'nope.json' }, /record file not found/],
    ['a service without manifest and no cluster', { services: 'ghost' }, /its cluster is unknown/],
    [
      'a service with no deployment history to go back to',
      { services: 'api' },
      /no earlier revision of api is known/,
    ],
    [
      'deployment together with services',
      { deployment: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/main/api/x', services: 'api' },
      /"deployment" stands alone/,
    ],
  ];

  it.each(rollbackCases)('rollback: %s', async (_name, inputs, message) => {
    w = await deployWorld([rollingService('api'), rollingService('web')]);
    const run = await runStep(makeRollbackStep(w.time), { ...w.awsInputs, ...inputs }, { cwd: w.root });
    expect(run.exitCode).toBe(2);
    expect(`${run.error?.message} ${run.error?.where ?? ''}`).toMatch(message);
    expect(mutatingCalls(w.emu)).toEqual([]);
  });
});

describe('deploy: live service untouched by a failed validation', () => {
  it('leaves the running revision as it was', async () => {
    w = await deployWorld([rollingService('api')]);
    const before = await describe1(w, 'api');
    await runStep(makeDeployStep(w.time), { ...w.awsInputs, 'on-cancel': 'nope' }, { cwd: w.root });
    expect((await describe1(w, 'api')).taskDefinition).toBe(before.taskDefinition);
  });
});
