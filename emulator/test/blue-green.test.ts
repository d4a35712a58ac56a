// ECS-native blue/green: green tasks start in the alternate target group, the test and production
// listener rules move to green, the deployment bakes with both sides up, then blue is cleaned up.
// A LINEAR deployment moves production traffic in steps, and StopServiceDeployment rolls back.

import {
  ContinueServiceDeploymentCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  type Service,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { advanceUntil, fargateTaskDef, type Harness, harness, blueGreenWorld as world } from './helpers.js';

describe('ECS-native blue/green', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ world: world('BLUE_GREEN') });
  });
  afterAll(async () => h.stop());

  const web = async (): Promise<Service> =>
    (await h.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['web'] })))
      .services?.[0] as Service;
  const weights = async (ruleArn: string) => {
    const rule = (await h.elbv2.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))).Rules?.[0];
    const groups = rule?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? [];
    return Object.fromEntries(groups.map((g) => [g.TargetGroupArn?.split('/')[1], g.Weight]));
  };
  const sdOf = async (arn: string) =>
    (await h.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))
      .serviceDeployments?.[0];

  it('shifts test then production traffic to green, bakes, and cleans up blue', async () => {
    const seeded = await web();
    expect(seeded.deployments).toHaveLength(1);
    expect(seeded.runningCount).toBe(2);
    const adv = seeded.loadBalancers?.[0]?.advancedConfiguration;
    const prod = adv?.productionListenerRule as string;
    const test = adv?.testListenerRule as string;
    expect(await weights(prod)).toEqual({ 'web-blue': 100, 'web-green': 0 });

    await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('web', 'web:v2')));
    const up = await h.ecs.send(
      new UpdateServiceCommand({ cluster: 'main', service: 'web', taskDefinition: 'web' }),
    );
    const sdArn = up.service?.currentServiceDeployment as string;
    expect((await sdOf(sdArn))?.lifecycleStage).toBe('SCALE_UP');

    // Green registers in the alternate target group and becomes healthy there.
    const green = (await h.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['web-green'] })))
      .TargetGroups?.[0];
    await advanceUntil(
      h.emu,
      async () => {
        const health = await h.elbv2.send(
          new DescribeTargetHealthCommand({ TargetGroupArn: green?.TargetGroupArn }),
        );
        return (
          health.TargetHealthDescriptions?.filter((t) => t.TargetHealth?.State === 'healthy').length === 2
        );
      },
      600,
      1,
    );

    await advanceUntil(h.emu, async () => (await sdOf(sdArn))?.lifecycleStage === 'BAKE_TIME', 600, 1);
    expect(await weights(test)).toEqual({ 'web-blue': 0, 'web-green': 100 });
    expect(await weights(prod)).toEqual({ 'web-blue': 0, 'web-green': 100 });
    const baking = await web();
    expect(baking.deployments).toHaveLength(2);
    expect(baking.runningCount).toBe(4);
    expect((await sdOf(sdArn))?.status).toBe('IN_PROGRESS');

    // Bake time is 5 minutes: blue still runs after 4.
    await h.emu.advance(240);
    expect((await web()).deployments).toHaveLength(2);

    await advanceUntil(h.emu, async () => (await sdOf(sdArn))?.status === 'SUCCESSFUL', 900, 5);
    const done = await web();
    expect(done.deployments).toHaveLength(1);
    expect(done.deployments?.[0]?.rolloutState).toBe('COMPLETED');
    expect(done.runningCount).toBe(2);
    expect(done.events?.[0]?.message).toBe('(service web) has reached a steady state.');
    const sd = await sdOf(sdArn);
    expect(sd?.lifecycleStage).toBe('CLEAN_UP');
    const blue = (await h.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['web-blue'] })))
      .TargetGroups?.[0];
    const blueHealth = await h.elbv2.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: blue?.TargetGroupArn }),
    );
    expect(blueHealth.TargetHealthDescriptions).toHaveLength(0);
  });

  it('LINEAR moves production traffic in steps, and StopServiceDeployment rolls back to blue', async () => {
    await h.stop();
    h = await harness({ world: world('LINEAR') });
    const seeded = await web();
    const prod = seeded.loadBalancers?.[0]?.advancedConfiguration?.productionListenerRule as string;
    await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('web', 'web:v2')));
    const up = await h.ecs.send(
      new UpdateServiceCommand({ cluster: 'main', service: 'web', taskDefinition: 'web' }),
    );
    const sdArn = up.service?.currentServiceDeployment as string;
    await advanceUntil(
      h.emu,
      async () => (await sdOf(sdArn))?.lifecycleStage === 'PRODUCTION_TRAFFIC_SHIFT',
      600,
      1,
    );
    await h.emu.advance(1);
    expect(await weights(prod)).toEqual({ 'web-blue': 75, 'web-green': 25 });
    await h.emu.advance(60);
    expect(await weights(prod)).toEqual({ 'web-blue': 50, 'web-green': 50 });

    await h.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: sdArn, stopType: 'ROLLBACK' }));
    await advanceUntil(h.emu, async () => (await sdOf(sdArn))?.status === 'ROLLBACK_SUCCESSFUL', 900, 5);
    expect(await weights(prod)).toEqual({ 'web-blue': 100, 'web-green': 0 });
    const after = await web();
    expect(after.deployments).toHaveLength(1);
    expect(after.taskDefinition).toMatch(/task-definition\/web:1$/);
    expect((await sdOf(sdArn))?.rollback?.reason).toBe(
      'Service deployment rolled back because of a stop request.',
    );
  });
  it('CANARY pauses at a PAUSE hook after test traffic, continues, shifts 5% then the rest', async () => {
    await h.stop();
    h = await harness({ world: world('CANARY') });
    const seeded = await web();
    const adv = seeded.loadBalancers?.[0]?.advancedConfiguration;
    const prod = adv?.productionListenerRule as string;
    await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('web', 'web:v2')));
    const up = await h.ecs.send(
      new UpdateServiceCommand({
        cluster: 'main',
        service: 'web',
        taskDefinition: 'web',
        deploymentConfiguration: {
          ...seeded.deploymentConfiguration,
          canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 2 },
          lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
        },
      }),
    );
    const sdArn = up.service?.currentServiceDeployment as string;
    await advanceUntil(
      h.emu,
      async () => (await sdOf(sdArn))?.lifecycleStage === 'POST_TEST_TRAFFIC_SHIFT',
      600,
      1,
    );
    await h.emu.advance(600);
    const paused = await sdOf(sdArn);
    expect(paused?.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT');
    expect(paused?.status).toBe('IN_PROGRESS');
    const hook = paused?.lifecycleHookDetails?.[0];
    expect(hook).toMatchObject({ targetType: 'PAUSE', status: 'AWAITING_ACTION', timeoutAction: 'ROLLBACK' });
    expect(hook?.expiresAt).toBeInstanceOf(Date);
    expect(await weights(adv?.testListenerRule as string)).toEqual({ 'web-blue': 0, 'web-green': 100 });
    expect(await weights(prod)).toEqual({ 'web-blue': 100, 'web-green': 0 });

    await h.ecs.send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn: sdArn, hookId: hook?.hookId }),
    );
    await h.emu.advance(3);
    expect((await sdOf(sdArn))?.lifecycleStage).toBe('PRODUCTION_TRAFFIC_SHIFT');
    expect(await weights(prod)).toEqual({ 'web-blue': 95, 'web-green': 5 });
    await h.emu.advance(121);
    expect(await weights(prod)).toEqual({ 'web-blue': 0, 'web-green': 100 });
    await advanceUntil(h.emu, async () => (await sdOf(sdArn))?.status === 'SUCCESSFUL', 900, 5);
    expect((await sdOf(sdArn))?.lifecycleHookDetails?.[0]?.status).toBe('SUCCEEDED');
  });

  it('a service created with BLUE_GREEN serves its first deployment from the primary target group', async () => {
    await h.stop();
    const spec = world('BLUE_GREEN');
    h = await harness({ world: { ...spec, services: [] } });
    const tgArn = async (name: string) =>
      (await h.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }))).TargetGroups?.[0]
        ?.TargetGroupArn as string;
    const prod = [...h.emu.world.elbv2.rules.values()].find((r) => r.Priority === '10')?.RuleArn as string;
    await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('web', 'web:v1')));
    await h.ecs.send(
      new CreateServiceCommand({
        cluster: 'main',
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'] } },
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 },
        loadBalancers: [
          {
            targetGroupArn: await tgArn('web-blue'),
            containerName: 'web',
            containerPort: 8080,
            advancedConfiguration: {
              alternateTargetGroupArn: await tgArn('web-green'),
              productionListenerRule: prod,
              roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers',
            },
          },
        ],
      }),
    );
    await advanceUntil(
      h.emu,
      async () => (await web()).deployments?.[0]?.rolloutState === 'COMPLETED',
      600,
      5,
    );
    const blue = await h.elbv2.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: await tgArn('web-blue') }),
    );
    expect(blue.TargetHealthDescriptions?.map((t) => t.TargetHealth?.State)).toEqual(['healthy', 'healthy']);
    expect(await weights(prod)).toEqual({ 'web-blue': 100, 'web-green': 0 });
  });
});
