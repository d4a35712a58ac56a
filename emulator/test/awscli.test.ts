// A second, independent client: the aws CLI (botocore) describes what the SDK created.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { advanceUntil, fargateTaskDef, type Harness, harness, network } from './helpers.js';

const run = promisify(execFile);

async function awsOnPath(): Promise<boolean> {
  try {
    await run('aws', ['--version'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

describe('awscli interop', () => {
  let h: Harness;
  let available = false;
  beforeAll(async () => {
    available = await awsOnPath();
    h = await harness();
  });
  afterAll(async () => h.stop());

  const aws = async (...args: string[]) => {
    const { stdout } = await run('aws', ['--endpoint-url', h.emu.url, '--output', 'json', ...args], {
      timeout: 60_000,
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'AKIDAWSCLI',
        AWS_SECRET_ACCESS_KEY: 'awscli-secret',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_REGION: 'us-east-1',
        AWS_PAGER: '',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
    return JSON.parse(stdout);
  };

  it('sees the service, deployment and target groups the SDK created', async () => {
    if (!available) {
      console.warn(
        'awscli interop skipped: the `aws` command is not on PATH (Debian: apt-get install awscli)',
      );
      return;
    }
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
    await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('web', 'web:v1')));
    await h.ecs.send(
      new CreateServiceCommand({
        cluster: 'main',
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 2,
        networkConfiguration: network,
      }),
    );
    await advanceUntil(
      h.emu,
      async () => h.emu.world.ecs.findService(h.emu.world.ecs.cluster('main'), 'web')?.sim.steady === true,
    );

    const out = await aws('ecs', 'describe-services', '--cluster', 'main', '--services', 'web', 'ghost');
    expect(out.services).toHaveLength(1);
    expect(out.services[0]).toMatchObject({
      serviceName: 'web',
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 2,
    });
    expect(out.services[0].deployments[0].rolloutState).toBe('COMPLETED');
    expect(out.services[0].events[0].message).toBe('(service web) has reached a steady state.');
    expect(out.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:service/main/ghost', reason: 'MISSING' },
    ]);

    const td = await aws('ecs', 'describe-task-definition', '--task-definition', 'web:1');
    expect(td.taskDefinition.containerDefinitions[0].image).toBe('web:v1');

    // The query protocol through botocore: ELBv2 and STS.
    await h.emu.seed({ targetGroups: [{ name: 'cli-tg', port: 8080 }] });
    const tgs = await aws('elbv2', 'describe-target-groups', '--names', 'cli-tg');
    expect(tgs.TargetGroups[0]).toMatchObject({ TargetGroupName: 'cli-tg', Port: 8080, TargetType: 'ip' });
    const me = await aws('sts', 'get-caller-identity');
    expect(me.Account).toBe('123456789012');

    const calls = h.emu.calls({ operation: 'DescribeServices' });
    expect(calls.at(-1)?.accessKeyId).toBe('AKIDAWSCLI');
  });

  it("runs the README's example as written, with nothing but the variables it sets", async () => {
    if (!available) return;
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = /^(AWS_\S+(?: AWS_\S+)*) \\\n\s+aws --endpoint-url \S+ (.+)$/m.exec(readme);
    expect(example).not.toBeNull();
    const vars = Object.fromEntries((example?.[1] ?? '').split(' ').map((kv) => kv.split('=')));
    const { stdout } = await run(
      'aws',
      ['--endpoint-url', h.emu.url, '--output', 'json', ...(example?.[2] ?? '').split(' ')],
      {
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          ...vars,
        },
      },
    );
    expect(JSON.parse(stdout)).toHaveProperty('clusterArns');
  });
});
