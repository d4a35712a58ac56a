// run-task against the emulator through the real SDK: a migration that succeeds (logs streamed,
// redacted), one that exits non-zero, one whose task stops before it ever ran, one that never finishes
// (timeout), a cancellation, and bad inputs that must end with exit 2 before RunTask is called.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { AwsClients } from '../shared/src/aws/clients.js';
import type { Clock } from '../shared/src/deploy/follow.js';
import { StepFailed } from '../shared/src/errors.js';
import { type RunTaskFailure, type RunTaskOptions, runOneOffTask } from '../shared/src/run-task/run-task.js';
import { TerminalRunner } from '../shared/src/runner/terminal.js';
import { runTaskStep } from '../shared/src/steps/run-task.js';
import { EXEC_ROLE, fargateTemplate, makeRepo, removeRepos, runStep } from './render-world.js';

const credentials = { accessKeyId: 'AKIDRUNTASKTEST', secretAccessKey: 'run-task-secret' };

function taskDefinition(family: string, image: string, logGroup = '/ecs/prod/api') {
  return {
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: EXEC_ROLE,
    containerDefinitions: [
      {
        name: 'api',
        image,
        essential: true,
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': logGroup,
            'awslogs-region': 'eu-west-3',
            'awslogs-stream-prefix': 'api',
          },
        },
      },
    ],
  };
}

const world = {
  clusters: ['prod'],
  logGroups: ['/ecs/prod/api'],
  taskDefinitions: [
    taskDefinition('api', 'api:v1'),
    taskDefinition('mig-ok', 'mig:ok'),
    taskDefinition('mig-crash', 'mig:crash'),
    taskDefinition('mig-stall', 'mig:stall'),
    taskDefinition('mig-nolog', 'mig:ok', '/ecs/prod/absent'),
  ],
  services: [
    {
      name: 'api',
      cluster: 'prod',
      taskDefinition: 'api',
      subnets: ['subnet-0app-a', 'subnet-0app-b'],
      securityGroups: ['sg-0app'],
    },
  ],
  behaviors: [
    {
      image: 'mig:ok',
      behavior: 'exit' as const,
      exitCode: 0,
      runSeconds: 20,
      logLines: [
        'applying 0001_init',
        'connecting to postgres://app:s3cr3t@db:5432/app',
        'applied 1 migration',
      ],
    },
    {
      image: 'mig:crash',
      behavior: 'exit' as const,
      exitCode: 3,
      logLines: ['applying 0002_scores', 'ERROR: relation "scores" already exists'],
    },
    { image: 'mig:stall', behavior: 'stall' as const },
  ],
};

let emu: Emulator;
let aws: AwsClients;

beforeAll(async () => {
  emu = await startEmulator({ throttling: false, region: 'eu-west-3', world });
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  });
  aws = new AwsClients({ region: emu.region, endpoint: emu.url, credentials });
});

afterAll(async () => {
  aws?.destroy();
  await emu?.stop();
  await removeRepos();
});

/** The emulator's virtual clock: each poll delay moves emulated time instead of waiting. */
function virtualClock(onSleep?: (polls: number) => void): Clock {
  let sleeps = 0;
  return {
    now: () => emu.clock.now(),
    sleep: async (ms) => {
      onSleep?.(++sleeps);
      await emu.advance(ms / 1000);
    },
  };
}

async function run(
  opts: Partial<RunTaskOptions>,
  clock = virtualClock(),
  signal = new AbortController().signal,
) {
  const stream = new PassThrough();
  let log = '';
  stream.on('data', (c) => (log += c));
  const since = emu.calls().at(-1)?.seq ?? 0;
  let result: Awaited<ReturnType<typeof runOneOffTask>> | undefined;
  let error: unknown;
  try {
    result = await runOneOffTask(aws, {
      cluster: 'prod',
      service: 'api',
      timeoutSeconds: 600,
      runner: new TerminalRunner({ stream }),
      signal,
      clock,
      ...opts,
    });
  } catch (err) {
    error = err;
  }
  const calls = emu.calls({ since });
  return { result, error, log, calls, ops: calls.map((c) => c.operation) };
}

const taskOf = (arn: string) => emu.world.ecs.tasks.get(arn)!;

describe('run-task', () => {
  it('runs with the service network, streams the logs redacted, and succeeds on exit code 0', async () => {
    const r = await run({ taskDefinition: 'mig-ok', command: ['npm', 'run', 'migrate'] });
    expect(r.error).toBeUndefined();
    expect(r.result?.exitCode).toBe(0);
    expect(r.log).toContain('api | applying 0001_init');
    expect(r.log).toContain('api | connecting to postgres://app:***@db:5432/app');
    expect(r.log).not.toContain('s3cr3t');
    expect(r.result?.logExcerpt).toEqual([
      'applying 0001_init',
      'connecting to postgres://app:***@db:5432/app',
      'applied 1 migration',
    ]);
    const task = taskOf(r.result!.taskArn);
    expect(task.subnet).toBe('subnet-0app-a');
    expect(JSON.stringify(task.overrides)).toContain('"command":["npm","run","migrate"]');
    expect(r.ops.filter((o) => o === 'RunTask')).toHaveLength(1);
    expect(r.ops).not.toContain('StopTask');
    expect(r.ops).toContain('GetLogEvents');
  });

  it('propagates a non-zero exit code as a failure with the code and the last log lines', async () => {
    const r = await run({ taskDefinition: 'mig-crash' });
    expect(r.error).toBeInstanceOf(StepFailed);
    expect((r.error as Error).message).toMatch(/container api exited with code 3/);
    const d = (r.error as StepFailed).details as RunTaskFailure;
    expect(d.exitCode).toBe(3);
    expect(d.stopCode).toBe('EssentialContainerExited');
    expect(d.logExcerpt.at(-1)).toBe('ERROR: relation "scores" already exists');
    expect(r.log).toContain('api | applying 0002_scores');
  });

  it("reports ECS's reason when the task stops before it ever ran", async () => {
    const r = await run({ taskDefinition: 'mig-nolog' });
    expect(r.error).toBeInstanceOf(StepFailed);
    expect((r.error as Error).message).toMatch(
      /stopped before it ran \(TaskFailedToStart\): ResourceInitializationError.*log group does not exist/,
    );
    expect(((r.error as StepFailed).details as RunTaskFailure).exitCode).toBeUndefined();
  });

  it('stops the task and fails when it does not finish within the timeout', async () => {
    const r = await run({ taskDefinition: 'mig-stall', timeoutSeconds: 60 });
    expect((r.error as Error).message).toMatch(/did not finish within 60s; it has been stopped/);
    expect(r.ops.filter((o) => o === 'StopTask')).toHaveLength(1);
    const arn = ((r.error as StepFailed).details as RunTaskFailure).taskArn;
    expect(taskOf(arn).desiredStatus).toBe('STOPPED');
    // Bounded: the polls fit the timeout instead of running on.
    expect(r.ops.filter((o) => o === 'DescribeTasks').length).toBeLessThanOrEqual(60);
  });

  it('stops the task and fails when cancelled', async () => {
    const abort = new AbortController();
    const r = await run(
      {},
      virtualClock((n) => n === 4 && abort.abort()),
      abort.signal,
    );
    expect((r.error as Error).message).toMatch(/was cancelled; it has been stopped/);
    expect(r.ops.filter((o) => o === 'StopTask')).toHaveLength(1);
    expect(taskOf(((r.error as StepFailed).details as RunTaskFailure).taskArn).desiredStatus).toBe('STOPPED');
  });
});

describe('run-task under AWS faults', () => {
  it('survives throttled and failing polls (the SDK retries them)', async () => {
    emu.fault({ service: 'ecs', operation: 'DescribeTasks', error: 'ThrottlingException', times: 2 });
    emu.fault({ service: 'logs', operation: 'GetLogEvents', error: 'ServiceUnavailable', times: 1 });
    const r = await run({ taskDefinition: 'mig-ok' });
    expect(r.error).toBeUndefined();
    expect(r.result?.exitCode).toBe(0);
    expect(r.calls.filter((c) => c.error === 'ThrottlingException')).toHaveLength(2);
  });

  it('stops the task rather than leave it unwatched when polling keeps failing until the timeout', async () => {
    const impatient = new AwsClients({ region: emu.region, endpoint: emu.url, credentials, maxAttempts: 1 });
    // A 5xx is passing trouble, ridden out; one that lasts past the timeout ends the wait there.
    emu.fault({ service: 'ecs', operation: 'DescribeTasks', error: 'InternalFailure', times: 10_000 });
    const stream = new PassThrough();
    const since = emu.calls().at(-1)?.seq ?? 0;
    try {
      await expect(
        runOneOffTask(impatient, {
          cluster: 'prod',
          service: 'api',
          taskDefinition: 'mig-stall',
          timeoutSeconds: 60,
          runner: new TerminalRunner({ stream }),
          signal: new AbortController().signal,
          clock: virtualClock(),
        }),
      ).rejects.toThrow(
        /did not finish within 60s \(ECS server errors for \d+ s until then\); it has been stopped/,
      );
    } finally {
      impatient.destroy();
    }
    const ops = emu.calls({ since }).map((c) => c.operation);
    // The endless fault goes with the world (the tests after this one need DescribeTasks).
    await emu.reset();
    expect(ops.slice(0, 3)).toEqual(['DescribeServices', 'DescribeTaskDefinition', 'RunTask']);
    expect(ops.filter((o) => o === 'StopTask')).toHaveLength(1);
  });
});

describe('run-task step: bad input ends with exit 2 and no mutating call', () => {
  let root: string;
  beforeAll(async () => {
    root = await makeRepo([
      { name: 'api', deploy: { cluster: 'prod' }, taskdef: fargateTemplate('api') },
      { name: 'ghost', deploy: { cluster: 'prod' }, taskdef: fargateTemplate('ghost') },
      { name: 'elsewhere', deploy: { cluster: 'staging' }, taskdef: fargateTemplate('elsewhere') },
    ]);
  });

  const cases: [string, Record<string, string>, RegExp, RegExp, string][] = [
    [
      'a container the task definition does not have',
      { service: 'api', container: 'worker' },
      /no container named "worker" \(containers: api\)/,
      /--container with one of: api/,
      'container',
    ],
    [
      'a task definition that is not registered',
      { service: 'api', 'task-definition': 'nope:9' },
      /task definition "nope:9" was not found/,
      /registered family/,
      'task-definition',
    ],
    [
      'a service with no network to copy and no deploy.network',
      { service: 'ghost' },
      /service "ghost" in cluster "prod" is not active or has no awsvpc network/,
      /deploy\.network\.subnets/,
      'deploy.network',
    ],
    [
      'a cluster that does not exist',
      { service: 'elsewhere' },
      /cluster "staging" does not exist/,
      /existing cluster name/,
      'deploy.cluster',
    ],
    [
      'a command that is not a JSON array of strings',
      { service: 'api', command: '["npm", 1]' },
      /"command" must be a non-empty JSON array of strings/,
      /\["npm","run","migrate"\]/,
      'command',
    ],
    [
      'a timeout that is not positive',
      { service: 'api', 'timeout-seconds': '0' },
      /"timeout-seconds" must be a positive number/,
      /600/,
      'timeout-seconds',
    ],
  ];

  it.each(cases)('rejects %s', async (_name, inputs, message, fix, where) => {
    const since = emu.calls().at(-1)?.seq ?? 0;
    const r = await runStep(runTaskStep, { ...inputs, endpoint: emu.url, region: emu.region }, { cwd: root });
    expect(r.exitCode).toBe(2);
    expect(r.error?.message).toMatch(message);
    expect(r.error?.fix).toMatch(fix);
    expect(r.error?.where).toBe(where);
    expect(emu.calls({ since, mutates: true })).toEqual([]);
  });
});

describe('run-task step through the CLI door (real clock, sped up)', () => {
  it('fails with exit 1 and still sets the exit-code, task-arn and log-excerpt outputs', async () => {
    const fast = await startEmulator({
      throttling: false,
      region: 'eu-west-3',
      world,
      clock: 'real',
      speed: 40,
    });
    try {
      const root = await makeRepo([
        { name: 'api', deploy: { cluster: 'prod' }, taskdef: fargateTemplate('api') },
      ]);
      const r = await runStep(
        runTaskStep,
        {
          service: 'api',
          'task-definition': 'mig-crash',
          command: 'npm run migrate',
          endpoint: fast.url,
          region: fast.region,
        },
        { cwd: root },
      );
      expect(r.exitCode).toBe(1);
      expect(r.error?.message).toMatch(/exited with code 3/);
      expect(r.outputs['exit-code']).toBe('3');
      expect(r.outputs['task-arn']).toMatch(/^arn:aws:ecs:eu-west-3:\d{12}:task\/prod\//);
      expect(r.outputs['log-excerpt']).toContain('ERROR: relation "scores" already exists');
      expect(fast.calls({ operation: 'RunTask' })).toHaveLength(1);
    } finally {
      await fast.stop();
    }
  });
});

describe('run-task: AWS trouble while watching (issue 17)', () => {
  it('rides out 30 throttled DescribeTasks and reports the exit code; AccessDenied stops the task at once', async () => {
    emu.fault({ service: 'ecs', operation: 'DescribeTasks', error: 'ThrottlingException', times: 30 });
    const ok = await run({ taskDefinition: 'mig-ok' });
    expect(ok.error).toBeUndefined();
    expect(ok.result?.exitCode).toBe(0);
    expect(ok.log).toMatch(/ECS throttling for \d+ s, still watching/);
    expect(ok.calls.filter((c) => c.operation === 'DescribeTasks' && c.error)).toHaveLength(30);

    emu.fault({ service: 'ecs', operation: 'DescribeTasks', error: 'AccessDeniedException', times: 1 });
    const denied = await run({ taskDefinition: 'mig-stall' });
    expect(denied.error).toBeInstanceOf(StepFailed);
    expect((denied.error as Error).message).toMatch(
      /could not be watched \(AccessDeniedException: .*ecs:DescribeTasks/,
    );
    expect(denied.ops.filter((o) => o === 'StopTask')).toHaveLength(1);
  });
});
