// ECS deployment alarms: a CloudWatch alarm named in a service's `deploymentConfiguration.alarms` goes
// into ALARM while a deployment runs, and ECS fails it and rolls it back by itself — a canary during its
// bake, a rolling deployment before it completes. The metric data points are put the way the live ALB
// proxy puts them (alb-proxy.test.ts shows the proxy publishing them); the deployment runs on the
// virtual clock, driven through the real ECS client.
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { CloudWatchState, cloudwatchOf, targetFiveXxAlarm } from '../src/cloudwatch/alarms.js';
import type { Emulator } from '../src/index.js';
import { advanceUntil, blueGreenWorld, fargateTaskDef, type Harness, harness, network } from './helpers.js';

const FIVE_XX = (tg: string) => targetFiveXxAlarm('web-5xx', [{ TargetGroup: tg }]);

/** `perMinute` target 5xx on a target group, spread over each emulated second, for `seconds`. */
async function errors(emu: Emulator, tg: string, perMinute: number, seconds: number): Promise<void> {
  const cw = cloudwatchOf(emu.world);
  for (let s = 0; s < seconds; s++) {
    cw.put('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', { TargetGroup: tg }, perMinute / 60);
    await emu.advance(1);
  }
}

describe('alarm evaluation', () => {
  it('is M of N over whole periods; missing data counts as the alarm says', () => {
    let now = 0;
    const cw = new CloudWatchState(() => now);
    cw.putAlarm(FIVE_XX('tg'));
    const put = (n: number) =>
      cw.put('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', { TargetGroup: 'tg' }, n, now);
    expect(cw.evaluate('web-5xx')).toBe('OK'); // no data, notBreaching
    for (let m = 0; m < 2; m++) {
      put(11);
      now += 60_000;
    }
    expect(cw.evaluate('web-5xx')).toBe('OK'); // 2 of 3 breaching
    put(11);
    now += 60_000;
    expect(cw.inAlarm(['web-5xx', 'other'])).toEqual(['web-5xx']);
    put(10); // not above the threshold
    now += 60_000;
    expect(cw.evaluate('web-5xx')).toBe('OK');
    // Another target group's errors are another metric.
    cw.put('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', { TargetGroup: 'other' }, 100, now);
    now += 180_000;
    expect(cw.evaluate('web-5xx')).toBe('OK');
  });
});

describe('deployment alarms', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  const sdOf = async (arn: string) =>
    (await h.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))
      .serviceDeployments?.[0];

  it('a canary whose target group answers 5xx is rolled back by ECS itself during its bake', async () => {
    h = await harness({
      world: blueGreenWorld('CANARY', {
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 10 },
        alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true },
      }),
    });
    const green = [...h.emu.world.elbv2.targetGroups.values()].find((t) => t.TargetGroupName === 'web-green');
    const greenSuffix = `targetgroup/${green?.TargetGroupArn.split(':targetgroup/')[1]}`;
    cloudwatchOf(h.emu.world).putAlarm(FIVE_XX(greenSuffix));
    const before = (await h.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['web'] })))
      .services?.[0];
    const prod = before?.loadBalancers?.[0]?.advancedConfiguration?.productionListenerRule as string;
    const weight = (tg: string) =>
      h.emu.world.elbv2.rules
        .get(prod)
        ?.Actions[0]?.ForwardConfig?.TargetGroups?.find((g) => g.TargetGroupArn.includes(`/${tg}/`))?.Weight;

    await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('web', 'web:v2')));
    const up = await h.ecs.send(
      new UpdateServiceCommand({ cluster: 'main', service: 'web', taskDefinition: 'web' }),
    );
    const arn = up.service?.currentServiceDeployment as string;
    await advanceUntil(h.emu, async () => weight('web-green') === 10, 600, 1);
    expect((await sdOf(arn))?.alarms).toEqual({ status: 'MONITORING', alarmNames: ['web-5xx'] });

    // 30 errors a minute on green: over the threshold of 10; three such minutes trip the alarm.
    await errors(h.emu, greenSuffix, 30, 4 * 60);
    const sd = await sdOf(arn);
    expect(sd?.status).toMatch(/^ROLLBACK_/);
    expect(sd?.alarms).toEqual({
      status: 'TRIGGERED',
      alarmNames: ['web-5xx'],
      triggeredAlarmNames: ['web-5xx'],
    });
    expect(sd?.rollback?.reason).toMatch(/alarm web-5xx in ALARM/);
    expect(weight('web-green')).toBe(0);
    expect(weight('web-blue')).toBe(100);
    await advanceUntil(h.emu, async () => (await sdOf(arn))?.status === 'ROLLBACK_SUCCESSFUL', 900, 5);
    const svc = (await h.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['web'] })))
      .services?.[0];
    expect(svc?.taskDefinition).toMatch(/web:1$/);
    expect(
      svc?.events?.some((e) => /deployment failed: alarm detected \(web-5xx\)/.test(e.message ?? '')),
    ).toBe(true);
  });

  it('a rolling deployment is failed and rolled back; without alarm data it completes', async () => {
    h = await harness({ world: { targetGroups: [{ name: 'web', port: 8080 }] } });
    cloudwatchOf(h.emu.world).putAlarm(FIVE_XX('targetgroup/web/x'));
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
    await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('web', 'web:v1')));
    const created = await h.ecs.send(
      new CreateServiceCommand({
        cluster: 'main',
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: network,
        deploymentConfiguration: { alarms: { alarmNames: ['web-5xx'], enable: true, rollback: true } },
      }),
    );
    const first = created.service?.currentServiceDeployment as string;
    await advanceUntil(h.emu, async () => (await sdOf(first))?.status === 'SUCCESSFUL', 900, 5);
    expect((await sdOf(first))?.alarms?.status).toBe('MONITORING_COMPLETE');

    // Errors flowing for three minutes: the alarm is in ALARM as the deployment starts (the emulator's
    // rolling deployments add no alarm bake of their own, so they finish within a minute here).
    await errors(h.emu, 'targetgroup/web/x', 60, 3 * 60 + 5);
    await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('web', 'web:v2')));
    const up = await h.ecs.send(
      new UpdateServiceCommand({ cluster: 'main', service: 'web', taskDefinition: 'web' }),
    );
    const arn = up.service?.currentServiceDeployment as string;
    await errors(h.emu, 'targetgroup/web/x', 60, 5);
    const sd = await sdOf(arn);
    expect(sd?.alarms?.status).toBe('TRIGGERED');
    await advanceUntil(h.emu, async () => (await sdOf(arn))?.status === 'ROLLBACK_SUCCESSFUL', 900, 5);
    const svc = (await h.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['web'] })))
      .services?.[0];
    expect(svc?.taskDefinition).toMatch(/web:1$/);
  });
});
