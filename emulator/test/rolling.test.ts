// A rolling deployment driven through the real ECS client: tasks start, old ones drain, the deployment
// reaches COMPLETED and the service events say so.

import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  InvalidParameterException,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  ServiceNotActiveException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { advanceUntil, fargateTaskDef, type Harness, harness, network } from './helpers.js';

describe('rolling deployment', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => h.stop());

  it('replaces v1 tasks with v2 tasks and reports COMPLETED with a steady-state event', async () => {
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
    const v1 = await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('web', 'web:v1')));
    expect(v1.taskDefinition?.revision).toBe(1);
    await h.ecs.send(
      new CreateServiceCommand({
        cluster: 'main',
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: network,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    const describe = async () =>
      (await h.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['web'] }))).services?.[0];
    await advanceUntil(h.emu, async () => (await describe())?.deployments?.[0]?.rolloutState === 'COMPLETED');

    const v2 = await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('web', 'web:v2')));
    expect(v2.taskDefinition?.revision).toBe(2);
    const updated = await h.ecs.send(
      new UpdateServiceCommand({ cluster: 'main', service: 'web', taskDefinition: 'web:2' }),
    );
    const newId = updated.service?.deployments?.[0]?.id;
    expect(newId).toMatch(/^ecs-svc\/\d{19}$/);
    expect(updated.service?.deployments?.map((d) => d.status)).toEqual(['PRIMARY', 'ACTIVE']);
    expect(updated.service?.deployments?.[0]?.rolloutState).toBe('IN_PROGRESS');

    // minimumHealthyPercent 100: while v2 starts, both v1 tasks keep running.
    await h.emu.advance(10);
    const mid = await describe();
    expect(mid?.deployments?.[1]?.runningCount).toBe(2);

    await advanceUntil(h.emu, async () => {
      const s = await describe();
      return s?.deployments?.length === 1 && s.deployments[0].rolloutState === 'COMPLETED';
    });
    const done = await describe();
    expect(done?.taskDefinition).toBe(v2.taskDefinition?.taskDefinitionArn);
    expect(done?.deployments?.[0]).toMatchObject({
      id: newId,
      status: 'PRIMARY',
      runningCount: 2,
      desiredCount: 2,
    });
    expect(done?.deployments?.[0]?.rolloutStateReason).toBe(`ECS deployment ${newId} completed.`);
    expect(done?.runningCount).toBe(2);
    const messages = done?.events?.map((e) => e.message ?? '') ?? [];
    expect(messages[0]).toBe('(service web) has reached a steady state.');
    expect(messages[1]).toBe(`(service web) (deployment ${newId}) deployment completed.`);
    expect(
      messages.some((m) =>
        /^\(service web\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/.test(m),
      ),
    ).toBe(true);
    expect(done?.events?.[0]?.createdAt).toBeInstanceOf(Date);

    // The v1 tasks were stopped by the scheduler and stay describable.
    const stopped = await h.ecs.send(
      new ListTasksCommand({ cluster: 'main', serviceName: 'web', desiredStatus: 'STOPPED' }),
    );
    expect(stopped.taskArns).toHaveLength(2);
    const tasks = await h.ecs.send(new DescribeTasksCommand({ cluster: 'main', tasks: stopped.taskArns }));
    for (const t of tasks.tasks ?? []) {
      expect(t.lastStatus).toBe('STOPPED');
      expect(t.stopCode).toBe('ServiceSchedulerInitiated');
      expect(t.stoppedReason).toBe(`Scaling activity initiated by (deployment ${newId})`);
      expect(t.taskDefinitionArn).toBe(v1.taskDefinition?.taskDefinitionArn);
    }

    // The service deployment record says SUCCESSFUL.
    const list = await h.ecs.send(new ListServiceDeploymentsCommand({ cluster: 'main', service: 'web' }));
    expect(list.serviceDeployments).toHaveLength(2);
    const latest = list.serviceDeployments?.[0];
    expect(latest?.status).toBe('SUCCESSFUL');
    expect(latest?.serviceDeploymentArn).toBe(done?.currentServiceDeployment);
    const sd = await h.ecs.send(
      new DescribeServiceDeploymentsCommand({
        serviceDeploymentArns: [latest?.serviceDeploymentArn as string],
      }),
    );
    expect(sd.serviceDeployments?.[0]).toMatchObject({
      status: 'SUCCESSFUL',
      deploymentCircuitBreaker: { status: 'MONITORING_COMPLETE', failureCount: 0, threshold: 3 },
    });
    expect(sd.serviceDeployments?.[0]?.finishedAt).toBeInstanceOf(Date);
  });
  it('with maximumPercent 100 and minimumHealthyPercent 50, stops old tasks before starting new ones', async () => {
    await h.emu.reset();
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
    await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('api', 'api:v1')));
    await h.ecs.send(
      new CreateServiceCommand({
        cluster: 'main',
        serviceName: 'api',
        taskDefinition: 'api',
        desiredCount: 4,
        networkConfiguration: network,
        deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 50 },
      }),
    );
    const api = async () =>
      (await h.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['api'] }))).services?.[0];
    await advanceUntil(h.emu, async () => (await api())?.deployments?.[0]?.rolloutState === 'COMPLETED');
    await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('api', 'api:v2')));
    await h.ecs.send(new UpdateServiceCommand({ cluster: 'main', service: 'api', taskDefinition: 'api' }));
    let maxActive = 0;
    let minRunning = Number.POSITIVE_INFINITY;
    await advanceUntil(
      h.emu,
      async () => {
        const running = await h.ecs.send(new ListTasksCommand({ cluster: 'main', serviceName: 'api' }));
        const tasks =
          (await h.ecs.send(new DescribeTasksCommand({ cluster: 'main', tasks: running.taskArns }))).tasks ??
          [];
        maxActive = Math.max(maxActive, tasks.length);
        minRunning = Math.min(minRunning, tasks.filter((t) => t.lastStatus === 'RUNNING').length);
        const s = await api();
        return s?.deployments?.length === 1 && s.deployments[0].rolloutState === 'COMPLETED';
      },
      1800,
      1,
    );
    expect(maxActive).toBe(4);
    expect(minRunning).toBe(2);
    expect((await api())?.taskDefinition).toMatch(/api:2$/);
  });
  it('deletes a service: DRAINING while its tasks stop, then INACTIVE', async () => {
    const api = async () =>
      (await h.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['api'] }))).services?.[0];
    await expect(
      h.ecs.send(new DeleteServiceCommand({ cluster: 'main', service: 'api' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    const deleted = await h.ecs.send(
      new DeleteServiceCommand({ cluster: 'main', service: 'api', force: true }),
    );
    expect(deleted.service).toMatchObject({ status: 'DRAINING', desiredCount: 0 });
    await advanceUntil(h.emu, async () => (await api())?.status === 'INACTIVE');
    const listed = await h.ecs.send(new ListTasksCommand({ cluster: 'main', serviceName: 'api' }));
    expect(listed.taskArns).toEqual([]);
    await expect(
      h.ecs.send(new UpdateServiceCommand({ cluster: 'main', service: 'api', desiredCount: 1 })),
    ).rejects.toBeInstanceOf(ServiceNotActiveException);
  });
});
