// Throttling, injected 5xx, latency and dropped connections surface the way the real SDK expects:
// typed (or base-class) exceptions with AWS's names, retried when AWS's errors would be.

import {
  DescribeClustersCommand,
  ECSClient,
  ECSServiceException,
  ListClustersCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2ServiceException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_RATES } from '../src/throttle.js';
import { credentials, fargateTaskDef, type Harness, harness } from './helpers.js';

describe('faults and throttling', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  it("throttles RegisterTaskDefinition after a burst of 20 with ECS's unmodeled ThrottlingException", async () => {
    // ECS's burst of 20, refilled at 1 call per second; here at one per 1000 s, so the 21st call is
    // throttled however slowly a loaded machine sends the first 20.
    expect(DEFAULT_RATES['ecs.RegisterTaskDefinition']).toEqual({ burst: 20, rate: 1 });
    h = await harness({ throttling: { 'ecs.RegisterTaskDefinition': { burst: 20, rate: 0.001 } } });
    for (let i = 0; i < 20; i++)
      await h.ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('burst', 'web:v1')));
    const err = (await h.ecs
      .send(new RegisterTaskDefinitionCommand(fargateTaskDef('burst', 'web:v1')))
      .catch((e) => e)) as ECSServiceException;
    expect(err).toBeInstanceOf(ECSServiceException);
    expect(err.name).toBe('ThrottlingException');
    expect(err.message).toBe('Rate exceeded');
    expect(err.$metadata.httpStatusCode).toBe(400);
    // Describe calls have their own, larger bucket.
    await expect(h.ecs.send(new ListClustersCommand({}))).resolves.toBeDefined();
    const calls = h.emu.calls({ operation: 'RegisterTaskDefinition' });
    expect(calls).toHaveLength(21);
    expect(calls[20]).toMatchObject({ service: 'ecs', mutates: true, error: 'ThrottlingException' });
    expect(calls[19].error).toBeUndefined();
  });

  it('lets the SDK retry a throttled call until the bucket refills', async () => {
    // One token a second: the second call, sent at once, is throttled however loaded the machine; the
    // SDK's throttling backoff (500 ms base, doubling) outlasts the refill well within 5 attempts.
    h = await harness({ throttling: { 'ecs.RegisterTaskDefinition': { burst: 1, rate: 1 } } });
    const ecs = new ECSClient({ endpoint: h.emu.url, region: 'us-east-1', credentials, maxAttempts: 5 });
    await ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('retry', 'web:v1')));
    const second = await ecs.send(new RegisterTaskDefinitionCommand(fargateTaskDef('retry', 'web:v1')));
    expect(second.taskDefinition?.revision).toBe(2);
    expect(
      h.emu.calls({ operation: 'RegisterTaskDefinition' }).filter((c) => c.error === 'ThrottlingException')
        .length,
    ).toBeGreaterThanOrEqual(1);
    ecs.destroy();
  });

  it('surfaces injected 500 and 503 errors, which the SDK retries', async () => {
    h = await harness();
    h.emu.fault({ service: 'ecs', operation: 'DescribeClusters', error: 'InternalFailure', times: 1 });
    const err = (await h.ecs.send(new DescribeClustersCommand({})).catch((e) => e)) as ECSServiceException;
    expect(err.name).toBe('InternalFailure');
    expect(err.$metadata.httpStatusCode).toBe(500);
    expect(err.$fault).toBe('server');

    h.emu.fault({ service: 'ecs', operation: 'DescribeClusters', error: 'ServiceUnavailable', times: 2 });
    const retrying = new ECSClient({ endpoint: h.emu.url, region: 'us-east-1', credentials, maxAttempts: 3 });
    await expect(retrying.send(new DescribeClustersCommand({}))).resolves.toMatchObject({
      failures: [{ reason: 'MISSING' }],
    });
    retrying.destroy();
    const errors = h.emu.calls({ operation: 'DescribeClusters' }).map((c) => c.error ?? 'ok');
    expect(errors).toEqual(['InternalFailure', 'ServiceUnavailable', 'ServiceUnavailable', 'ok']);
  });

  it('uses the query error shape for ELBv2 faults', async () => {
    h = await harness();
    h.emu.fault({ service: 'elbv2', error: 'ThrottlingException', times: 1 });
    const err = (await h.elbv2
      .send(new DescribeTargetGroupsCommand({}))
      .catch((e) => e)) as ElasticLoadBalancingV2ServiceException;
    expect(err).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);
    expect(err.name).toBe('Throttling');
    expect(err.message).toBe('Rate exceeded');
  });

  it('drops connections (a network error the SDK retries) and delays answers', async () => {
    h = await harness();
    h.emu.fault({ service: 'ecs', operation: 'ListClusters', drop: true, times: 1 });
    const err = (await h.ecs.send(new ListClustersCommand({})).catch((e) => e)) as NodeJS.ErrnoException;
    // A reset socket: "socket hang up" (ECONNRESET), classified by the SDK as a transient error.
    expect(`${err.code ?? ''} ${err.message}`).toMatch(/ECONNRESET|socket hang up/);

    h.emu.fault({ service: 'ecs', operation: 'ListClusters', drop: true, times: 1 });
    const retrying = new ECSClient({ endpoint: h.emu.url, region: 'us-east-1', credentials, maxAttempts: 3 });
    await expect(retrying.send(new ListClustersCommand({}))).resolves.toMatchObject({ clusterArns: [] });
    retrying.destroy();
    expect(h.emu.calls({ operation: 'ListClusters' }).map((c) => c.error ?? 'ok')).toEqual([
      'ConnectionDropped',
      'ConnectionDropped',
      'ok',
    ]);

    h.emu.fault({ service: 'ecs', operation: 'ListClusters', latencyMs: 150, times: 1 });
    const start = Date.now();
    await h.ecs.send(new ListClustersCommand({}));
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
  });
});
