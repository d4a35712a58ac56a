// The emulator's own throughput and memory, for context: the emulator runs as its own process (the
// CLI, `cendence emulator`, seeded with 24 services, throttling off since its capacity is what is
// measured), and this process drives it over HTTP with the real SDK clients, 8 requests in flight.
// On 2 cores that is one core for the emulator and one for the load.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsClients } from '../shared/src/aws/clients.js';
import { rollingService } from '../test/deploy-harness.js';
import { makeRepo } from '../test/render-world.js';

export interface LoadFigure {
  mix: string;
  calls: number;
  errors: number;
  seconds: number;
  callsPerSecond: number;
  /** The emulator process's CPU use during the load, in cores (1 = one core busy all the time). */
  emulatorCpu: number;
  /** This process's (the SDK clients') CPU use during the load, in cores. */
  clientCpu: number;
}

export interface EmulatorFigures {
  services: number;
  /** Resident memory once seeded, before any load. */
  rssIdleMb: number;
  /** Peak resident memory (VmHWM) after the load runs. */
  rssPeakMb: number;
  loads: LoadFigure[];
}

/** User + system CPU seconds of a process so far (/proc/<pid>/stat fields 14 and 15, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function startChild(root: string, world: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'shared/src/cli/main.ts'),
      'emulator',
      '--world',
      world,
      '--no-throttling',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench: the emulator exited (${code}) before listening`)));
    lines.on('line', (l) => {
      const m = /listening on (http:\/\/\S+)/.exec(l);
      if (m) resolve(m[1]);
    });
  });
  return { child, url };
}

/** Runs `call` with `concurrency` workers for `seconds` of wall time. */
async function load(
  pid: number,
  mix: string,
  seconds: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
): Promise<LoadFigure> {
  let calls = 0;
  let errors = 0;
  const cpuBefore = cpuSeconds(pid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        try {
          await call(calls + errors);
          calls++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const emulatorCpu = (cpuSeconds(pid) - cpuBefore) / elapsed;
  const client = process.cpuUsage(clientBefore);
  const clientCpu = (client.user + client.system) / 1e6 / elapsed;
  return { mix, calls, errors, seconds: elapsed, callsPerSecond: calls / elapsed, emulatorCpu, clientCpu };
}

export async function measureEmulator(root: string, seconds = 3, concurrency = 8): Promise<EmulatorFigures> {
  const count = 24;
  const names = Array.from({ length: count }, (_, i) => `svc${String(i + 1).padStart(2, '0')}`);
  const repo = await makeRepo(names.map((n) => rollingService(n)));
  const { child, url } = await startChild(root, repo);
  const pid = child.pid as number;
  const aws = new AwsClients({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  try {
    const rssIdleMb = memoryMb(pid, 'VmRSS');
    const ten = names.slice(0, 10);
    // Warm-up: connections open, code paths compiled.
    await load(pid, 'warm-up', 0.5, concurrency, () =>
      aws.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ten })),
    );
    const describe = await load(pid, 'DescribeServices (10 services per call)', seconds, concurrency, () =>
      aws.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ten })),
    );
    const mixed: ((i: number) => Promise<unknown>)[] = [
      () => aws.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ten })),
      (i) => aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: names[i % count] })),
      (i) => aws.ecs.send(new ListTasksCommand({ cluster: 'main', serviceName: names[i % count] })),
      () => aws.ecs.send(new DescribeClustersCommand({ clusters: ['main'] })),
      () => aws.ecr.send(new DescribeRepositoriesCommand({})),
      () => aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' })),
      () => aws.elbv2.send(new DescribeTargetGroupsCommand({})),
      () => aws.sts.send(new GetCallerIdentityCommand({})),
    ];
    const mix = await load(pid, 'mixed (ECS, ECR, Logs, ELBv2 query/XML, STS)', seconds, concurrency, (i) =>
      mixed[i % mixed.length](i),
    );
    return { services: count, rssIdleMb, rssPeakMb: memoryMb(pid, 'VmHWM'), loads: [describe, mix] };
  } finally {
    aws.destroy();
    child.kill('SIGTERM');
  }
}
