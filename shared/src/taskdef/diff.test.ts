import { describe, expect, it } from '@jest/globals';
import { diffValues, formatChanges } from './diff.js';
import { normalizeTaskDefinition } from './normalize.js';

const base = {
  family: 'api',
  cpu: '1 vCPU',
  memory: '2 GB',
  requiresCompatibilities: ['FARGATE'],
  containerDefinitions: [
    {
      name: 'api',
      image: 'repo/api@sha256:aaaa',
      essential: true,
      environment: [
        { name: 'B', value: '2' },
        { name: 'A', value: '1' },
      ],
      portMappings: [{ containerPort: 8080 }],
    },
    { name: 'sidecar', image: 'envoy:1', mountPoints: [] },
  ],
};

describe('semantic task definition diff', () => {
  it('sees no change between a template and what DescribeTaskDefinition returns for it', () => {
    const live = {
      taskDefinitionArn: 'arn:aws:ecs:eu-west-3:123456789012:task-definition/api:3',
      revision: 3,
      status: 'ACTIVE',
      family: 'api',
      cpu: '1024',
      memory: '2048',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [
        {
          name: 'sidecar',
          image: 'envoy:1',
          essential: true,
          environment: [],
          mountPoints: [],
          volumesFrom: [],
        },
        {
          name: 'api',
          image: 'repo/api@sha256:aaaa',
          environment: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
          portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        },
      ],
    };
    expect(diffValues(normalizeTaskDefinition(live), normalizeTaskDefinition(base))).toEqual([]);
  });

  it('prints changes as readable paths keyed by container and variable names', () => {
    const next = structuredClone(base);
    next.containerDefinitions[0].image = 'repo/api@sha256:bbbb';
    next.containerDefinitions[0].environment = [
      { name: 'A', value: '1' },
      { name: 'C', value: '3' },
    ];
    next.memory = '4096';
    const lines = formatChanges(diffValues(normalizeTaskDefinition(base), normalizeTaskDefinition(next)));
    expect(lines).toEqual([
      '- containerDefinitions.api.environment.B: "2"',
      '+ containerDefinitions.api.environment.C: "3"',
      '~ containerDefinitions.api.image: "repo/api@sha256:aaaa" → "repo/api@sha256:bbbb"',
      '~ memory: "2048" → "4096"',
    ]);
  });

  it('shortens long values so one change stays one line', () => {
    const [line] = formatChanges([{ path: 'x', kind: 'added', after: 'y'.repeat(500) }], 40);
    expect(line.length).toBeLessThan(50);
    expect(line.endsWith('…')).toBe(true);
  });
});
