// A crashing image trips the deployment circuit breaker: the deployment FAILS with ECS's reason, a new
// PRIMARY deployment rolls back to the last completed task definition, and the stopped tasks keep
// their stopped reason, stop code and exit codes.

import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  InvalidParameterException,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type Service,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { advanceUntil, fargateTaskDef, type Harness, harness, network } from './helpers.js';

describe('circuit breaker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => h.stop());

  const describeWeb = async (): Promise<Service> =>
    (await h.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['web'] })))
      .services?.[0] as Service;

  it('rolls a crashing deployment back to the last completed one', async () => {
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
    const v1 = await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('web', 'web:v1')));
    await h.ecs.send(
      new CreateServiceCommand({
        cluster: 'main',
        serviceName: 'web',
        taskDefinition: 'web:1',
        desiredCount: 2,
        networkConfiguration: network,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    await advanceUntil(
      h.emu,
      async () => (await describeWeb()).deployments?.[0]?.rolloutState === 'COMPLETED',
    );

    h.emu.behavior({ image: 'web:v2', behavior: 'crash', exitCode: 3 });
    const v2 = await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('web', 'web:v2')));
    const up = await h.ecs.send(
      new UpdateServiceCommand({ cluster: 'main', service: 'web', taskDefinition: 'web:2' }),
    );
    const failedId = up.service?.deployments?.[0]?.id as string;
    const sdArn = up.service?.currentServiceDeployment as string;

    await advanceUntil(
      h.emu,
      async () => (await describeWeb()).deployments?.some((d) => d.rolloutState === 'FAILED') ?? false,
    );
    const tripped = await describeWeb();
    const failed = tripped.deployments?.find((d) => d.id === failedId);
    expect(failed).toMatchObject({
      status: 'ACTIVE',
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
    });
    expect(failed?.failedTasks).toBeGreaterThanOrEqual(3);
    const rollback = tripped.deployments?.[0];
    expect(rollback?.status).toBe('PRIMARY');
    expect(rollback?.id).not.toBe(failedId);
    expect(rollback?.taskDefinition).toBe(v1.taskDefinition?.taskDefinitionArn);
    expect(tripped.taskDefinition).toBe(v1.taskDefinition?.taskDefinitionArn);
    expect(tripped.events?.map((e) => e.message)).toContain(
      `(service web) deployment ${failedId} deployment failed: tasks failed to start.`,
    );

    // v1 kept serving throughout: minimumHealthyPercent 100 never let its tasks go.
    expect(tripped.runningCount).toBeGreaterThanOrEqual(2);

    await advanceUntil(h.emu, async () => {
      const s = await describeWeb();
      return s.deployments?.length === 1 && s.deployments[0].rolloutState === 'COMPLETED';
    });
    const after = await describeWeb();
    expect(after.deployments?.[0]?.id).toBe(rollback?.id);
    expect(after.events?.[0]?.message).toBe('(service web) has reached a steady state.');

    const sd = (await h.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [sdArn] })))
      .serviceDeployments?.[0];
    expect(sd?.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(sd?.deploymentCircuitBreaker).toMatchObject({ status: 'TRIGGERED', threshold: 3 });
    expect(sd?.deploymentCircuitBreaker?.failureCount).toBeGreaterThanOrEqual(3);
    expect(sd?.rollback?.reason).toBe('ECS deployment circuit breaker: tasks failed to start.');
    expect(sd?.rollback?.startedAt).toBeInstanceOf(Date);
    expect(sd?.targetServiceRevision?.arn).toMatch(/:service-revision\/main\/web\/\d+$/);

    // The crashed v2 tasks: startedBy is the failed deployment, with the essential container's exit code.
    // startedBy must be ListTasks' only filter, so list the service's stopped tasks and group by it.
    await expect(
      h.ecs.send(new ListTasksCommand({ cluster: 'main', startedBy: failedId, desiredStatus: 'STOPPED' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    const stopped = await h.ecs.send(
      new ListTasksCommand({ cluster: 'main', serviceName: 'web', desiredStatus: 'STOPPED' }),
    );
    const described =
      (await h.ecs.send(new DescribeTasksCommand({ cluster: 'main', tasks: stopped.taskArns }))).tasks ?? [];
    const tasks = described.filter((t) => t.startedBy === failedId);
    expect(tasks.length).toBeGreaterThanOrEqual(3);
    for (const t of tasks) {
      expect(t).toMatchObject({
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        startedBy: failedId,
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        taskDefinitionArn: v2.taskDefinition?.taskDefinitionArn,
      });
      expect(t.containers?.[0]).toMatchObject({ name: 'web', exitCode: 3, lastStatus: 'STOPPED' });
      expect(t.stoppedAt).toBeInstanceOf(Date);
    }
  });

  it('without rollback, marks the deployment FAILED and launches no more of its tasks', async () => {
    await h.emu.reset();
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
    h.emu.behavior({ image: 'web:bad', behavior: 'unhealthy' });
    await h.ecs.send(
      new RegisterTaskDefinitionCommand(
        fargateTaskDef('web', 'web:bad', {
          containerDefinitions: [
            {
              name: 'web',
              image: 'web:bad',
              healthCheck: { command: ['CMD-SHELL', 'curl -f localhost:8080'], interval: 10, retries: 2 },
            },
          ],
        }),
      ),
    );
    await h.ecs.send(
      new CreateServiceCommand({
        cluster: 'main',
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 1,
        networkConfiguration: network,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
      }),
    );
    await advanceUntil(h.emu, async () => (await describeWeb()).deployments?.[0]?.rolloutState === 'FAILED');
    const s = await describeWeb();
    expect(s.deployments?.[0]?.failedTasks).toBe(3);
    const stopped = await h.ecs.send(
      new ListTasksCommand({ cluster: 'main', serviceName: 'web', desiredStatus: 'STOPPED' }),
    );
    const tasks =
      (await h.ecs.send(new DescribeTasksCommand({ cluster: 'main', tasks: stopped.taskArns }))).tasks ?? [];
    expect(tasks[0]?.stoppedReason).toBe('Task failed container health checks');
    expect(tasks[0]?.healthStatus).toBe('UNHEALTHY');
    await h.emu.advance(300);
    const later = await h.ecs.send(new ListTasksCommand({ cluster: 'main', serviceName: 'web' }));
    expect(later.taskArns).toHaveLength(0);
  });
});
