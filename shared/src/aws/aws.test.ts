import { describe, expect, it } from '@jest/globals';
import { AwsClients, resolveRegion } from './clients.js';
import { findOperation, iamActions, isMutating, OPERATIONS } from './operations.js';
import { backoffDelay } from './retry.js';

describe('region', () => {
  it('comes from the option, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(resolveRegion({ region: 'eu-west-3', env: { AWS_REGION: 'us-east-1' } })).toBe('eu-west-3');
    expect(resolveRegion({ env: { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'eu-west-1' } })).toBe(
      'us-east-1',
    );
    expect(resolveRegion({ env: { AWS_DEFAULT_REGION: 'eu-west-1' } })).toBe('eu-west-1');
  });
  it('names the fix when missing or malformed', () => {
    expect(() => resolveRegion({ env: {} })).toThrow('no AWS region is set');
    expect(() => resolveRegion({ region: 'Europe', env: {} })).toThrow('"Europe" is not an AWS region name');
  });
});

describe('clients', () => {
  it('honours an explicit endpoint over AWS_ENDPOINT_URL and reports it', async () => {
    const aws = new AwsClients({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4566',
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    expect(aws.endpointFor('ECS')).toBe('http://127.0.0.1:4566');
    const endpoint = await aws.ecs.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(4566);
    expect(aws.ecs).toBe(aws.ecs); // built once
    aws.destroy();
  });
  it('falls back to AWS_ENDPOINT_URL_<SERVICE> then AWS_ENDPOINT_URL for messages', () => {
    const env = { AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_ECS: 'http://b' };
    const aws = new AwsClients({ region: 'us-east-1', env });
    expect(aws.endpointFor('ECS')).toBe('http://b');
    expect(aws.endpointFor('ECR')).toBe('http://a');
  });
});

describe('retry backoff', () => {
  it('is full jitter, growing exponentially and capped', () => {
    expect(backoffDelay(0, () => 1)).toBe(200);
    expect(backoffDelay(3, () => 1)).toBe(1600);
    expect(backoffDelay(20, () => 1)).toBe(10_000);
    expect(backoffDelay(5, () => 0)).toBe(0);
  });
});

describe('operations registry', () => {
  it('knows reads from writes, and treats unknown operations as mutating', () => {
    expect(isMutating('ecs', 'DescribeServices')).toBe(false);
    expect(isMutating('ecs', 'UpdateService')).toBe(true);
    expect(isMutating('ecs', 'DeleteCluster')).toBe(true);
    expect(findOperation('ecs', 'StopServiceDeployment')?.mutates).toBe(true);
    expect(findOperation('elbv2', 'DescribeRules')?.mutates).toBe(false);
  });
  it('has no duplicates and maps to IAM actions with the right prefixes', () => {
    const keys = OPERATIONS.map((o) => `${o.service}:${o.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    const actions = iamActions();
    expect(actions).toContain('elasticloadbalancing:DescribeRules');
    expect(actions).toContain('logs:GetLogEvents');
    expect(actions.every((a) => /^[a-z]+:[A-Z][A-Za-z]+$/.test(a))).toBe(true);
  });
});
