// CodeDeploy ECS blue/green through the real SDK clients over HTTP: a service behind an ALB with two
// target groups, deployments from AppSpec content that shift the production listener's weights over
// the virtual clock, StopDeployment with rollback, and a failing replacement that rolls back.

import { createHash } from 'node:crypto';
import {
  CodeDeployClient,
  ContinueDeploymentCommand,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  type CreateDeploymentGroupCommandInput,
  DeploymentIsNotInReadyStateException,
  DeploymentLimitExceededException,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  InvalidECSServiceException,
  InvalidRevisionException,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type Emulator, startEmulator } from '../src/index.js';

let emu: Emulator;
let ecs: ECSClient;
let elb: ElasticLoadBalancingV2Client;
let cd: CodeDeployClient;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, clock: 'virtual', throttling: false });
  const config = {
    endpoint: emu.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  };
  ecs = new ECSClient(config);
  elb = new ElasticLoadBalancingV2Client(config);
  cd = new CodeDeployClient(config);
});
afterAll(async () => {
  for (const c of [ecs, elb, cd]) c?.destroy();
  await emu?.stop();
});

interface World {
  name: string;
  blue: string;
  green: string;
  prod: string;
  test: string;
  v1: string;
  v2: string;
}
let w: World;

const advance = (seconds: number) =>
  fetch(`${emu.url}/_cendence/clock/advance`, { method: 'POST', body: JSON.stringify({ seconds }) });

async function taskDefinition(family: string, image: string): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        { name: 'web', image, essential: true, portMappings: [{ containerPort: 8080 }] },
      ],
    }),
  );
  return out.taskDefinition!.taskDefinitionArn!;
}

/** Production listener weights as {targetGroupArn: weight}. */
async function weights(listenerArn = w.prod): Promise<Record<string, number>> {
  const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }));
  const tgs = out.Listeners![0].DefaultActions![0].ForwardConfig?.TargetGroups ?? [];
  return Object.fromEntries(tgs.map((t) => [t.TargetGroupArn!, t.Weight ?? 0]));
}

async function status(deploymentId: string) {
  return (await cd.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo!;
}

/** Advances the virtual clock in small steps until `done` holds (or fails after `maxSeconds`). */
async function advanceUntil(done: () => Promise<boolean>, maxSeconds = 900, step = 5): Promise<number> {
  for (let t = 0; t <= maxSeconds; t += step) {
    if (await done()) return t;
    await advance(step);
  }
  throw new Error(`condition not met within ${maxSeconds} emulated seconds`);
}

async function serviceTaskDefinition(service = 'web'): Promise<string> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: [service] }));
  return out.services![0].taskDefinition!;
}

function appSpec(taskDefinitionArn: string, container = 'web', port = 8080): string {
  return [
    'version: 0.0',
    'Resources:',
    '  - TargetService:',
    '      Type: AWS::ECS::Service',
    '      Properties:',
    `        TaskDefinition: "${taskDefinitionArn}"`,
    '        LoadBalancerInfo:',
    `          ContainerName: "${container}"`,
    `          ContainerPort: ${port}`,
  ].join('\n');
}

async function deploy(content: string, deploymentConfigName?: string, app = 'web'): Promise<string> {
  const out = await cd.send(
    new CreateDeploymentCommand({
      applicationName: app,
      deploymentGroupName: `${app}-bg`,
      deploymentConfigName,
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') },
      },
    }),
  );
  return out.deploymentId!;
}

interface StackOptions {
  group?: Partial<CreateDeploymentGroupCommandInput>;
}

/** An ALB with two target groups (prod and test listeners on blue), a CODE_DEPLOY service on v1, an application and a group. */
async function stack(name: string, opts: StackOptions = {}): Promise<World> {
  const lb = await elb.send(new CreateLoadBalancerCommand({ Name: name, Subnets: ['subnet-a', 'subnet-b'] }));
  const lbArn = lb.LoadBalancers![0].LoadBalancerArn!;
  const tg = async (Name: string) =>
    (
      await elb.send(
        new CreateTargetGroupCommand({
          Name,
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: 'vpc-1',
          TargetType: 'ip',
          HealthCheckPath: '/health',
        }),
      )
    ).TargetGroups![0].TargetGroupArn!;
  const blue = await tg(`${name}-blue`);
  const green = await tg(`${name}-green`);
  const listener = async (Port: number) =>
    (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lbArn,
          Port,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }],
        }),
      )
    ).Listeners![0].ListenerArn!;
  const prod = await listener(80);
  const test = await listener(8080);
  const v1 = await taskDefinition(name, `${name}:v1`);
  const v2 = await taskDefinition(name, `${name}:v2`);
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'main',
      serviceName: name,
      taskDefinition: v1,
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'], securityGroups: ['sg-1'] } },
      deploymentController: { type: 'CODE_DEPLOY' },
      loadBalancers: [{ targetGroupArn: blue, containerName: 'web', containerPort: 8080 }],
    }),
  );
  await advance(120);
  await cd.send(new CreateApplicationCommand({ applicationName: name, computePlatform: 'ECS' }));
  await cd.send(
    new CreateDeploymentGroupCommand({
      applicationName: name,
      deploymentGroupName: `${name}-bg`,
      serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      ecsServices: [{ clusterName: 'main', serviceName: name }],
      loadBalancerInfo: {
        targetGroupPairInfoList: [
          {
            targetGroups: [{ name: `${name}-blue` }, { name: `${name}-green` }],
            prodTrafficRoute: { listenerArns: [prod] },
            testTrafficRoute: { listenerArns: [test] },
          },
        ],
      },
      blueGreenDeploymentConfiguration: {
        terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 5 },
        deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT' },
      },
      autoRollbackConfiguration: {
        enabled: true,
        events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'],
      },
      ...opts.group,
    }),
  );
  return { name, blue, green, prod, test, v1, v2 };
}

beforeEach(async () => {
  await fetch(`${emu.url}/_cendence/reset`, { method: 'POST' });
  await ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
  w = await stack('web');
});

describe('deployment groups', () => {
  it('describes the group and refuses a service that is not under the CODE_DEPLOY controller', async () => {
    const g = await cd.send(
      new GetDeploymentGroupCommand({ applicationName: 'web', deploymentGroupName: 'web-bg' }),
    );
    expect(g.deploymentGroupInfo).toMatchObject({
      computePlatform: 'ECS',
      deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
      ecsServices: [{ clusterName: 'main', serviceName: 'web' }],
    });
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'main',
        serviceName: 'rolling',
        taskDefinition: w.v1,
        desiredCount: 1,
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'] } },
      }),
    );
    const bad = cd.send(
      new CreateDeploymentGroupCommand({
        applicationName: 'web',
        deploymentGroupName: 'rolling',
        serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
        ecsServices: [{ clusterName: 'main', serviceName: 'rolling' }],
        loadBalancerInfo: {
          targetGroupPairInfoList: [
            {
              targetGroups: [{ name: 'web-blue' }, { name: 'web-green' }],
              prodTrafficRoute: { listenerArns: [w.prod] },
            },
          ],
        },
      }),
    );
    await expect(bad).rejects.toBeInstanceOf(InvalidECSServiceException);
  });
});

describe('deployments', () => {
  it('shifts production traffic linearly, switches the service, waits for blue termination and succeeds', async () => {
    const id = await deploy(appSpec(w.v2), 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes');
    expect((await status(id)).status).toBe('Created');
    await expect(deploy(appSpec(w.v2))).rejects.toBeInstanceOf(DeploymentLimitExceededException);

    // The replacement starts in the idle target group; the first 10% moves once it is healthy.
    await advanceUntil(async () => (await weights())[w.green] > 0);
    expect(await weights()).toEqual({ [w.blue]: 90, [w.green]: 10 });
    expect((await status(id)).status).toBe('InProgress');
    const target = await cd.send(new GetDeploymentTargetCommand({ deploymentId: id, targetId: 'main:web' }));
    const sets = target.deploymentTarget?.ecsTarget?.taskSetsInfo ?? [];
    expect(sets.map((s) => [s.taskSetLabel, s.trafficWeight, s.targetGroup?.name])).toEqual([
      ['Blue', 90, 'web-blue'],
      ['Green', 10, 'web-green'],
    ]);

    await advance(60);
    expect(await weights()).toEqual({ [w.blue]: 80, [w.green]: 20 });
    expect(await serviceTaskDefinition()).toBe(w.v1);

    // 8 more steps reach 100%: the service now runs v2, the deployment stays InProgress through the
    // 5-minute termination wait, then succeeds.
    await advance(8 * 60);
    expect(await weights()).toEqual({ [w.blue]: 0, [w.green]: 100 });
    expect(await serviceTaskDefinition()).toBe(w.v2);
    expect((await status(id)).status).toBe('InProgress');
    await advance(5 * 60);
    const done = await status(id);
    expect(done.status).toBe('Succeeded');
    expect(done.completeTime).toBeInstanceOf(Date);
  });

  it('waits in Ready with test traffic on green until ContinueDeployment, and ends the termination wait on request', async () => {
    const api = await stack('api', {
      group: {
        blueGreenDeploymentConfiguration: {
          terminateBlueInstancesOnDeploymentSuccess: {
            action: 'TERMINATE',
            terminationWaitTimeInMinutes: 60,
          },
          deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 30 },
        },
      },
    });
    const id = await deploy(appSpec(api.v2), undefined, 'api');
    await expect(
      cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' })),
    ).rejects.toBeInstanceOf(DeploymentIsNotInReadyStateException);
    await advanceUntil(async () => (await status(id)).status === 'Ready');
    expect(await weights(api.test)).toEqual({ [api.blue]: 0, [api.green]: 100 });
    expect(await weights(api.prod)).toEqual({ [api.blue]: 1 });

    await cd.send(new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'READY_WAIT' }));
    expect(await weights(api.prod)).toEqual({ [api.blue]: 0, [api.green]: 100 });
    expect(await serviceTaskDefinition('api')).toBe(api.v2);
    expect((await status(id)).status).toBe('InProgress');
    await cd.send(
      new ContinueDeploymentCommand({ deploymentId: id, deploymentWaitType: 'TERMINATION_WAIT' }),
    );
    expect((await status(id)).status).toBe('Succeeded');
  });

  it('stops a deployment nobody continued once the ready wait runs out, leaving production on blue', async () => {
    const api = await stack('api', {
      group: {
        blueGreenDeploymentConfiguration: {
          deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 10 },
        },
      },
    });
    const id = await deploy(appSpec(api.v2), undefined, 'api');
    await advanceUntil(async () => (await status(id)).status === 'Ready');
    await advance(10 * 60);
    const stopped = await status(id);
    expect(stopped.status).toBe('Stopped');
    expect(stopped.errorInformation?.code).toBe('TIMEOUT');
    expect(await weights(api.prod)).toEqual({ [api.blue]: 1 });
    expect(await weights(api.test)).toEqual({ [api.blue]: 100, [api.green]: 0 });
  });

  it('StopDeployment with rollback sends traffic back to the original task set', async () => {
    const id = await deploy(appSpec(w.v2), 'CodeDeployDefault.ECSCanary10Percent5Minutes');
    await advanceUntil(async () => (await weights())[w.green] > 0);
    expect(await weights()).toEqual({ [w.blue]: 90, [w.green]: 10 });

    const stop = await cd.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
    expect(stop.status).toBe('Succeeded');
    const stopped = await status(id);
    expect(stopped.status).toBe('Stopped');
    expect(stopped.errorInformation?.code).toBe('MANUAL_STOP');
    const rollbackId = stopped.rollbackInfo?.rollbackDeploymentId;
    expect(rollbackId).toMatch(/^d-[A-Z0-9]{9}$/);
    const rollback = await status(rollbackId!);
    expect(rollback).toMatchObject({
      status: 'Succeeded',
      creator: 'autoRollback',
      rollbackInfo: { rollbackTriggeringDeploymentId: id },
    });

    expect(await weights()).toEqual({ [w.blue]: 100, [w.green]: 0 });
    expect(await serviceTaskDefinition()).toBe(w.v1);
    // The replacement task set drains away; the service is left with the original one.
    await advanceUntil(async () => {
      const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['web'] })))
        .services![0];
      return svc.taskSets?.length === 1 && svc.taskSets[0].taskDefinition === w.v1;
    }, 600);
  });

  it('fails a deployment whose replacement tasks crash with ECS_UPDATE_ERROR and rolls back', async () => {
    await fetch(`${emu.url}/_cendence/behaviors`, {
      method: 'POST',
      body: JSON.stringify({ image: 'web:v2', behavior: 'crash', exitCode: 2 }),
    });
    const id = await deploy(appSpec(w.v2));
    await advanceUntil(async () => ['Failed', 'Succeeded'].includes((await status(id)).status ?? ''), 1800);
    const failed = await status(id);
    expect(failed.status).toBe('Failed');
    expect(failed.errorInformation?.code).toBe('ECS_UPDATE_ERROR');
    expect(failed.errorInformation?.message).toContain('Essential container in task exited');
    expect(failed.rollbackInfo?.rollbackDeploymentId).toBeDefined();
    expect(await weights()).toEqual({ [w.blue]: 1 });
    expect(await serviceTaskDefinition()).toBe(w.v1);
    // The crashing replacement task set is removed; the original keeps serving.
    await advanceUntil(async () => {
      const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['web'] })))
        .services![0];
      return svc.taskSets?.length === 1 && svc.runningCount === 2;
    }, 600);
  });

  it('fails with HEALTH_CONSTRAINTS when the replacement tasks fail health checks', async () => {
    await fetch(`${emu.url}/_cendence/behaviors`, {
      method: 'POST',
      body: JSON.stringify({ image: 'web:v2', behavior: 'unhealthy' }),
    });
    const id = await deploy(appSpec(w.v2));
    await advanceUntil(
      async () => ['Failed', 'Succeeded'].includes((await status(id)).status ?? ''),
      3600,
      15,
    );
    const failed = await status(id);
    expect(failed.status).toBe('Failed');
    expect(failed.errorInformation?.code).toBe('HEALTH_CONSTRAINTS');
    expect(await weights()).toEqual({ [w.blue]: 1 });
  });

  it('refuses malformed AppSpec content and fails a deployment naming a container the task definition lacks', async () => {
    const content = appSpec(w.v2);
    const mismatch = cd.send(
      new CreateDeploymentCommand({
        applicationName: 'web',
        deploymentGroupName: 'web-bg',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256: 'f'.repeat(64) } },
      }),
    );
    await expect(mismatch).rejects.toBeInstanceOf(InvalidRevisionException);
    await expect(deploy('version: 0.0\nResources: []\n')).rejects.toBeInstanceOf(InvalidRevisionException);

    const id = await deploy(appSpec(w.v2, 'api'));
    await advance(5);
    const failed = await status(id);
    expect(failed.status).toBe('Failed');
    expect(failed.errorInformation).toEqual({
      code: 'ECS_UPDATE_ERROR',
      message: expect.stringContaining('The container api does not exist in the task definition.'),
    });
    expect(await weights()).toEqual({ [w.blue]: 1 });
  });
});

describe('world files', () => {
  it('seeds an application and deployment group that deploy like API-created ones', async () => {
    const seeded = await startEmulator({
      port: 0,
      clock: 'virtual',
      throttling: false,
      world: {
        clusters: ['main'],
        targetGroups: [{ name: 'shop-blue' }, { name: 'shop-green' }],
        loadBalancers: [{ name: 'shop', listeners: [{ port: 80, forward: 'shop-blue' }] }],
        services: [
          {
            name: 'shop',
            cluster: 'main',
            image: 'shop:v1',
            desiredCount: 1,
            deploymentController: 'CODE_DEPLOY',
            loadBalancer: { targetGroup: 'shop-blue', containerName: 'web', containerPort: 8080 },
          },
        ],
        codedeploy: {
          applications: [
            {
              name: 'shop',
              deploymentGroups: [
                {
                  name: 'shop-bg',
                  cluster: 'main',
                  service: 'shop',
                  targetGroups: ['shop-blue', 'shop-green'],
                  prodListener: 'shop:80',
                },
              ],
            },
          ],
        },
      },
    });
    const config = {
      endpoint: seeded.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    };
    const sEcs = new ECSClient(config);
    const sCd = new CodeDeployClient(config);
    try {
      const group = await sCd.send(
        new GetDeploymentGroupCommand({ applicationName: 'shop', deploymentGroupName: 'shop-bg' }),
      );
      expect(group.deploymentGroupInfo?.autoRollbackConfiguration).toEqual({
        enabled: true,
        events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'],
      });
      const td = await sEcs.send(
        new RegisterTaskDefinitionCommand({
          family: 'shop',
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu: '256',
          memory: '512',
          containerDefinitions: [
            { name: 'web', image: 'shop:v2', essential: true, portMappings: [{ containerPort: 8080 }] },
          ],
        }),
      );
      const v2 = td.taskDefinition!.taskDefinitionArn!;
      const content = appSpec(v2);
      const { deploymentId } = await sCd.send(
        new CreateDeploymentCommand({
          applicationName: 'shop',
          deploymentGroupName: 'shop-bg',
          revision: { revisionType: 'AppSpecContent', appSpecContent: { content } },
        }),
      );
      let final: string | undefined;
      for (let t = 0; t < 600 && final !== 'Succeeded'; t += 10) {
        await seeded.advance(10);
        final = (await sCd.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo?.status;
      }
      expect(final).toBe('Succeeded');
      const svc = await sEcs.send(new DescribeServicesCommand({ cluster: 'main', services: ['shop'] }));
      expect(svc.services?.[0].taskDefinition).toBe(v2);
    } finally {
      sEcs.destroy();
      sCd.destroy();
      await seeded.stop();
    }
  });
});
