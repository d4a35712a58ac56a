// The AWS port's retry policy against the emulator: throttling and transient failures are survived
// beyond the SDK's default 3 attempts; client errors are never retried.

import { DescribeClustersCommand, DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { AwsClients } from '../shared/src/aws/clients.js';

let emu: Emulator;
let aws: AwsClients;

beforeAll(async () => {
  emu = await startEmulator();
  aws = new AwsClients({
    region: 'us-east-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  aws.destroy();
  await emu.stop();
});

describe('retry policy', () => {
  it('survives four throttled answers in a row (the SDK default gives up after two retries)', async () => {
    await emu.reset();
    emu.fault({ service: 'ecs', operation: 'DescribeClusters', error: 'ThrottlingException', times: 4 });
    const out = await aws.ecs.send(new DescribeClustersCommand({ clusters: ['default'] }));
    expect(out.$metadata.attempts).toBe(5);
    expect(emu.calls({ operation: 'DescribeClusters' })).toHaveLength(5);
  });

  it('survives 5xx and dropped connections', async () => {
    await emu.reset();
    emu.fault({ service: 'ecs', operation: 'DescribeClusters', error: 'ServiceUnavailable', times: 1 });
    emu.fault({ service: 'ecs', operation: 'DescribeClusters', drop: true, times: 1 });
    const out = await aws.ecs.send(new DescribeClustersCommand({ clusters: ['default'] }));
    expect(out.$metadata.attempts).toBeGreaterThanOrEqual(3);
  });

  it('does not retry a client error', async () => {
    await emu.reset();
    const err = await aws.ecs
      .send(new DescribeServicesCommand({ cluster: 'nope', services: ['x'] }))
      .catch((e: Error & { $metadata?: { attempts?: number } }) => e);
    expect((err as Error).name).toBe('ClusterNotFoundException');
    expect(emu.calls({ operation: 'DescribeServices' })).toHaveLength(1);
  });
});
