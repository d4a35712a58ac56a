// One load-generating process for the emulator throughput figure (started by emulator-load.ts, several
// at once, so the SDK clients' own CPU cost is not capped at one core). Usage:
//   node --import tsx bench/load-worker.ts <endpoint> <describe|mixed> <seconds> <concurrency> <services>
// Warms up for half a second, then prints one JSON line: {calls, errors, seconds, warmupCalls}.
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

export const MIXES = {
  describe: 'DescribeServices (10 services per call)',
  mixed: 'mixed (ECS, ECR, Logs, ELBv2 query/XML, STS)',
} as const;
export type Mix = keyof typeof MIXES;

export interface WorkerResult {
  calls: number;
  errors: number;
  seconds: number;
  /** Calls made during the warm-up (they cost the emulator CPU too). */
  warmupCalls: number;
}

async function run(endpoint: string, mix: Mix, seconds: number, concurrency: number, names: string[]) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const aws = new AwsClients({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  const ten = names.slice(0, 10);
  const describe = () => aws.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ten }));
  const mixed: ((i: number) => Promise<unknown>)[] = [
    describe,
    (i) => aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: names[i % names.length] })),
    (i) => aws.ecs.send(new ListTasksCommand({ cluster: 'main', serviceName: names[i % names.length] })),
    () => aws.ecs.send(new DescribeClustersCommand({ clusters: ['main'] })),
    () => aws.ecr.send(new DescribeRepositoriesCommand({})),
    () => aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' })),
    () => aws.elbv2.send(new DescribeTargetGroupsCommand({})),
    () => aws.sts.send(new GetCallerIdentityCommand({})),
  ];
  const call = mix === 'describe' ? describe : (i: number) => mixed[i % mixed.length](i);

  const loop = async (forMs: number): Promise<Omit<WorkerResult, 'warmupCalls'>> => {
    let calls = 0;
    let errors = 0;
    const started = performance.now();
    const until = started + forMs;
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
    return { calls, errors, seconds: (performance.now() - started) / 1000 };
  };
  const warmup = await loop(500); // connections open, code paths compiled
  const result: WorkerResult = { ...(await loop(seconds * 1000)), warmupCalls: warmup.calls + warmup.errors };
  aws.destroy();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1]?.endsWith('load-worker.ts')) {
  const [endpoint, mix, seconds, concurrency, services] = process.argv.slice(2);
  run(endpoint, mix as Mix, Number(seconds), Number(concurrency), services.split(',')).catch((err) => {
    process.stderr.write(`load-worker: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
