// One-off tasks: RunTask through its lifecycle, exit codes, awslogs streams read back through
// CloudWatch Logs, a missing log group, a stalled task and StopTask.

import {
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  InvalidParameterException,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fargateTaskDef, type Harness, harness, network } from './helpers.js';

const logged = (image: string, group: string, create = false) =>
  fargateTaskDef('job', image, {
    containerDefinitions: [
      {
        name: 'migrate',
        image,
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': group,
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': 'ecs',
            ...(create ? { 'awslogs-create-group': 'true' } : {}),
          },
        },
      },
    ],
  });

describe('tasks and logs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
  });
  afterAll(async () => h.stop());

  const describeTask = async (arn: string): Promise<Task> =>
    (await h.ecs.send(new DescribeTasksCommand({ cluster: 'main', tasks: [arn] }))).tasks?.[0] as Task;

  it('runs a one-off task to completion and keeps its log lines and exit code', async () => {
    await h.logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/job' }));
    h.emu.behavior({
      image: 'job:v1',
      behavior: 'exit',
      exitCode: 0,
      runSeconds: 20,
      logLines: ['migrating', 'applied 3 migrations'],
    });
    await h.ecs.send(new RegisterTaskDefinitionCommand(logged('job:v1', '/ecs/job')));
    await expect(
      h.ecs.send(new RunTaskCommand({ cluster: 'main', taskDefinition: 'job' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    const run = await h.ecs.send(
      new RunTaskCommand({
        cluster: 'main',
        taskDefinition: 'job',
        networkConfiguration: network,
        startedBy: 'cendence',
      }),
    );
    const arn = run.tasks?.[0]?.taskArn as string;
    expect(run.tasks?.[0]).toMatchObject({
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      group: 'family:job',
      startedBy: 'cendence',
    });

    await h.emu.advance(3);
    expect((await describeTask(arn)).lastStatus).toBe('PENDING');
    await h.emu.advance(5);
    const running = await describeTask(arn);
    expect(running.lastStatus).toBe('RUNNING');
    expect(running.startedAt).toBeInstanceOf(Date);

    await h.emu.advance(30);
    const done = await describeTask(arn);
    expect(done).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
    });
    expect(done.containers?.[0]?.exitCode).toBe(0);

    const taskId = arn.split('/').pop();
    const events = await h.logs.send(
      new GetLogEventsCommand({ logGroupName: '/ecs/job', logStreamName: `ecs/migrate/${taskId}` }),
    );
    expect(events.events?.map((e) => e.message)).toEqual(['migrating', 'applied 3 migrations']);
    const filtered = await h.logs.send(
      new FilterLogEventsCommand({ logGroupName: '/ecs/job', filterPattern: 'applied' }),
    );
    expect(filtered.events?.map((e) => e.message)).toEqual(['applied 3 migrations']);
    const groups = await h.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }));
    expect(groups.logGroups?.map((g) => g.logGroupName)).toEqual(['/ecs/job']);
  });

  it('fails to start a task whose log group does not exist, unless it may create it', async () => {
    await h.ecs.send(new RegisterTaskDefinitionCommand(logged('job:v1', '/ecs/missing')));
    const run = await h.ecs.send(
      new RunTaskCommand({ cluster: 'main', taskDefinition: 'job', networkConfiguration: network }),
    );
    await h.emu.advance(10);
    const t = await describeTask(run.tasks?.[0]?.taskArn as string);
    expect(t.stopCode).toBe('TaskFailedToStart');
    expect(t.stoppedReason).toMatch(/^ResourceInitializationError: .*The specified log group does not exist/);

    await h.ecs.send(new RegisterTaskDefinitionCommand(logged('job:v1', '/ecs/created', true)));
    const ok = await h.ecs.send(
      new RunTaskCommand({ cluster: 'main', taskDefinition: 'job', networkConfiguration: network }),
    );
    await h.emu.advance(10);
    expect((await describeTask(ok.tasks?.[0]?.taskArn as string)).lastStatus).toBe('RUNNING');
    const groups = await h.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/created' }));
    expect(groups.logGroups).toHaveLength(1);
  });

  it('keeps a stalled task PENDING until it is stopped by the user', async () => {
    h.emu.behavior({ image: 'stuck:*', behavior: 'stall' });
    await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('stuck', 'stuck:v1')));
    const run = await h.ecs.send(
      new RunTaskCommand({ cluster: 'main', taskDefinition: 'stuck', networkConfiguration: network }),
    );
    const arn = run.tasks?.[0]?.taskArn as string;
    await h.emu.advance(3600);
    expect((await describeTask(arn)).lastStatus).toBe('PENDING');
    const stopped = await h.ecs.send(
      new StopTaskCommand({ cluster: 'main', task: arn, reason: 'deploy timed out' }),
    );
    expect(stopped.task?.desiredStatus).toBe('STOPPED');
    await h.emu.advance(10);
    expect(await describeTask(arn)).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedReason: 'deploy timed out',
    });
  });
  it('fails a task whose image cannot be pulled with CannotPullContainerError', async () => {
    h.emu.behavior({ image: 'ghost:v9', behavior: 'pull-error' });
    await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('ghost', 'ghost:v9')));
    const run = await h.ecs.send(
      new RunTaskCommand({ cluster: 'main', taskDefinition: 'ghost', networkConfiguration: network }),
    );
    await h.emu.advance(20);
    const t = await describeTask(run.tasks?.[0]?.taskArn as string);
    expect(t).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart' });
    expect(t.stoppedReason).toMatch(/^CannotPullContainerError: .*ghost:v9: not found$/);
    expect(t.containers?.[0]?.reason).toBe(t.stoppedReason);
    expect(t.containers?.[0]?.exitCode).toBeUndefined();
  });
});
