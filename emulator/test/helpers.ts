// Test helpers: an emulator plus real SDK clients pointed at it, and a few fixtures.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { STSClient } from '@aws-sdk/client-sts';
import { type Emulator, type EmulatorOptions, startEmulator, type WorldSpec } from '../src/index.js';

export const credentials = { accessKeyId: 'AKIDEMULATORTEST', secretAccessKey: 'emulator-secret' };

export interface Harness {
  emu: Emulator;
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  sts: STSClient;
  logs: CloudWatchLogsClient;
  stop(): Promise<void>;
}

export async function harness(
  opts: EmulatorOptions = {},
  clientOpts: { maxAttempts?: number } = {},
): Promise<Harness> {
  const emu = await startEmulator({ throttling: false, ...opts });
  const config = {
    endpoint: emu.url,
    region: emu.region,
    credentials,
    maxAttempts: clientOpts.maxAttempts ?? 1,
  };
  const h = {
    emu,
    ecs: new ECSClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    sts: new STSClient(config),
    logs: new CloudWatchLogsClient(config),
    async stop() {
      for (const c of [h.ecs, h.elbv2, h.sts, h.logs]) c.destroy();
      await emu.stop();
    },
  };
  return h;
}

export function fargateTaskDef(
  family: string,
  image: string,
  extra: Partial<RegisterTaskDefinitionCommandInput> = {},
): RegisterTaskDefinitionCommandInput {
  return {
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    containerDefinitions: [
      { name: 'web', image, essential: true, portMappings: [{ containerPort: 8080, protocol: 'tcp' }] },
    ],
    ...extra,
  };
}

export const network = {
  awsvpcConfiguration: {
    subnets: ['subnet-0emulator-a'],
    securityGroups: ['sg-0emulator'],
    assignPublicIp: 'DISABLED' as const,
  },
};

/** Advances the virtual clock in steps until `done()` holds or `maxSeconds` pass; returns seconds used. */
export async function advanceUntil(
  emu: Emulator,
  done: () => Promise<boolean>,
  maxSeconds = 1800,
  step = 5,
): Promise<number> {
  for (let s = 0; s <= maxSeconds; s += step) {
    if (await done()) return s;
    await emu.advance(step);
  }
  throw new Error(`condition not reached within ${maxSeconds} emulated seconds`);
}

/**
 * One ECS-native blue/green service `web` (2 tasks) behind an ALB with a production and a test rule,
 * `extra` merged into its deployment configuration.
 */
export const blueGreenWorld = (
  strategy: 'BLUE_GREEN' | 'LINEAR' | 'CANARY',
  extra: Record<string, unknown> = {},
): WorldSpec => ({
  clusters: ['main'],
  targetGroups: [
    {
      name: 'web-blue',
      port: 8080,
      healthCheckIntervalSeconds: 10,
      healthyThresholdCount: 2,
      deregistrationDelaySeconds: 20,
    },
    {
      name: 'web-green',
      port: 8080,
      healthCheckIntervalSeconds: 10,
      healthyThresholdCount: 2,
      deregistrationDelaySeconds: 20,
    },
  ],
  loadBalancers: [
    {
      name: 'web-alb',
      listeners: [
        {
          port: 80,
          forward: 'web-blue',
          rules: [
            {
              name: 'prod',
              priority: 10,
              pathPattern: '/*',
              forward: [
                { targetGroup: 'web-blue', weight: 100 },
                { targetGroup: 'web-green', weight: 0 },
              ],
            },
            {
              name: 'test',
              priority: 20,
              hostHeader: 'test.example.com',
              forward: [
                { targetGroup: 'web-blue', weight: 100 },
                { targetGroup: 'web-green', weight: 0 },
              ],
            },
          ],
        },
      ],
    },
  ],
  services: [
    {
      name: 'web',
      cluster: 'main',
      desiredCount: 2,
      image: 'web:v1',
      containerPort: 8080,
      loadBalancer: {
        targetGroup: 'web-blue',
        alternateTargetGroup: 'web-green',
        productionListenerRule: 'prod',
        testListenerRule: 'test',
      },
      deploymentConfiguration: {
        strategy,
        bakeTimeInMinutes: 5,
        linearConfiguration:
          strategy === 'LINEAR' ? { stepPercent: 25, stepBakeTimeInMinutes: 1 } : undefined,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        ...extra,
      },
    },
  ],
});
