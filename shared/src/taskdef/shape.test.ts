import { describe, expect, it } from '@jest/globals';
import { DESCRIBE_ONLY_KEYS, REGISTER_KEYS, toRegisterInput } from './shape.js';

// ecs-facts.md §3: "Output-only fields in DescribeTaskDefinition.taskDefinition". If an SDK upgrade adds
// or removes one, this test fails and the reference (and any docs) must be reviewed, while the code
// itself already follows the SDK.
const DOCUMENTED_DESCRIBE_ONLY = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
];

describe('task definition shape from the SDK model', () => {
  it('derives the describe-only keys from the SDK and they match the documented list', () => {
    expect([...DESCRIBE_ONLY_KEYS].sort()).toEqual([...DOCUMENTED_DESCRIBE_ONLY].sort());
  });

  it('knows the register-only and shared keys', () => {
    for (const k of [
      'family',
      'containerDefinitions',
      'cpu',
      'memory',
      'runtimePlatform',
      'tags',
      'ephemeralStorage',
    ]) {
      expect(REGISTER_KEYS.has(k)).toBe(true);
    }
    expect(REGISTER_KEYS.has('revision')).toBe(false);
  });

  it('turns a DescribeTaskDefinition answer back into a Register input', () => {
    const described = {
      taskDefinition: {
        taskDefinitionArn: 'arn:aws:ecs:eu-west-3:123456789012:task-definition/api:7',
        family: 'api',
        revision: 7,
        status: 'ACTIVE',
        compatibilities: ['EC2', 'FARGATE'],
        requiresAttributes: [{ name: 'ecs.capability.execution-role-awslogs' }],
        registeredAt: '2026-01-01T00:00:00Z',
        registeredBy: 'arn:aws:sts::123456789012:assumed-role/ci/x',
        containerDefinitions: [{ name: 'api', image: 'x', linuxParameters: null }],
        cpu: '256',
        memory: '512',
        pidMode: null,
      },
      tags: [{ key: 'team', value: 'core' }],
    };
    const r = toRegisterInput(described);
    expect(r.stripped.sort()).toEqual(
      [
        'compatibilities',
        'registeredAt',
        'registeredBy',
        'requiresAttributes',
        'revision',
        'status',
        'taskDefinitionArn',
      ].sort(),
    );
    expect(r.unknown).toEqual([]);
    expect(r.taskDefinition).toEqual({
      family: 'api',
      containerDefinitions: [{ name: 'api', image: 'x' }],
      cpu: '256',
      memory: '512',
      tags: [{ key: 'team', value: 'core' }],
    });
  });

  it('reports keys neither shape knows (typos)', () => {
    expect(toRegisterInput({ family: 'a', cpuu: '256' }).unknown).toEqual(['cpuu']);
  });
});
