import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { nativeUpdateInput } from './blue-green.js';
import { appSpecFor } from './codedeploy.js';
import { Limiter } from './pacing.js';
import { revisionsToDrop } from './record.js';
import { familiesOf, imagesOf } from './register.js';
import { checkTargets } from './release.js';
import { releaseSummary } from './summary.js';
import type { ServiceResult, ServiceTarget } from './types.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

function target(name: string, over: Partial<ServiceTarget> = {}): ServiceTarget {
  return {
    name,
    cluster: 'main',
    service: name,
    strategy: 'rolling',
    dependsOn: [],
    container: name,
    timeoutSeconds: 900,
    taskDefinition: {
      family: name,
      containerDefinitions: [{ name, image: `127.0.0.1:4566/${name}@${DIGEST}` }],
    },
    ...over,
  };
}

describe('checkTargets: everything decidable without AWS', () => {
  it('orders services in dependency waves, parallel inside a wave', () => {
    const waves = checkTargets([
      target('frontend', { dependsOn: ['auth', 'game'] }),
      target('matchmaking', { dependsOn: ['game'] }),
      target('game'),
      target('auth'),
    ]);
    expect(waves).toEqual([
      ['auth', 'game'],
      ['frontend', 'matchmaking'],
    ]);
  });

  it('rejects a dependency cycle, a strategy without its settings, and one family with two contents', () => {
    expect(() =>
      checkTargets([target('a', { dependsOn: ['b'] }), target('b', { dependsOn: ['a'] })]),
    ).toThrow(/dependency cycle: a → b → a/);
    expect(() => checkTargets([target('a', { strategy: 'blue-green' })])).toThrow(/needs deploy.blueGreen/);
    expect(() => checkTargets([target('a', { strategy: 'codedeploy' })])).toThrow(/needs deploy.codedeploy/);
    const shared = target('b', {
      taskDefinition: { family: 'a', containerDefinitions: [{ name: 'x', image: 'other' }] },
    });
    expect(() => checkTargets([target('a'), shared])).toThrow(
      /render different task definitions for family "a"/,
    );
  });

  it('registers a family shared by identical renders once', () => {
    const twin = target('b', { taskDefinition: target('a').taskDefinition });
    const families = familiesOf([target('a'), twin]);
    expect([...families.keys()]).toEqual(['a']);
    expect(families.get('a')?.map((t) => t.name)).toEqual(['a', 'b']);
  });
});

describe('imagesOf', () => {
  it('records the digest each container is pinned to', () => {
    expect(imagesOf(target('api'))).toEqual([
      { container: 'api', image: `127.0.0.1:4566/api@${DIGEST}`, digest: DIGEST },
    ]);
  });
});

describe('appSpecFor (CodeDeploy)', () => {
  it('names the new task definition, the container and port, the network of the service, with its sha256', () => {
    const t = target('api', {
      strategy: 'codedeploy',
      codedeploy: {
        application: 'app',
        deploymentGroup: 'dg',
        deploymentConfig: 'CodeDeployDefault.ECSAllAtOnce',
        containerPort: 8080,
      },
    });
    const spec = appSpecFor(
      t,
      {
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: ['subnet-1'],
            securityGroups: ['sg-1'],
            assignPublicIp: 'DISABLED',
          },
        },
      },
      'arn:td:2',
    );
    const doc = JSON.parse(spec.content);
    expect(doc.Resources[0].TargetService.Properties).toEqual({
      TaskDefinition: 'arn:td:2',
      LoadBalancerInfo: { ContainerName: 'api', ContainerPort: 8080 },
      NetworkConfiguration: {
        AwsvpcConfiguration: { Subnets: ['subnet-1'], SecurityGroups: ['sg-1'], AssignPublicIp: 'DISABLED' },
      },
    });
    expect(spec.sha256).toBe(createHash('sha256').update(spec.content).digest('hex'));
  });
});

describe('nativeUpdateInput (ECS BLUE_GREEN / CANARY / LINEAR)', () => {
  const blueGreen = {
    targetGroup: 'tg-blue',
    alternateTargetGroup: 'tg-green',
    productionListenerRule: 'rule-prod',
    testListenerRule: 'rule-test',
    roleArn: 'arn:aws:iam::123456789012:role/ecs-infra',
    containerPort: 3000,
    bakeTimeMinutes: 5,
    canaryPercent: 10,
    canaryBakeMinutes: 2,
  };

  it('configures strategy, bake, canary steps and the advanced load balancer configuration', () => {
    const input = nativeUpdateInput(target('api', { strategy: 'canary', blueGreen }), {}, 'arn:td:2');
    expect(input.deploymentConfiguration).toMatchObject({
      strategy: 'CANARY',
      bakeTimeInMinutes: 5,
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 2 },
      lifecycleHooks: [],
    });
    expect(input.loadBalancers).toEqual([
      {
        targetGroupArn: 'tg-blue',
        containerName: 'api',
        containerPort: 3000,
        advancedConfiguration: {
          alternateTargetGroupArn: 'tg-green',
          productionListenerRule: 'rule-prod',
          testListenerRule: 'rule-test',
          roleArn: blueGreen.roleArn,
        },
      },
    ]);
  });

  it('adds a PAUSE hook after the test traffic shift for a stage gate, and removes it again later', () => {
    const gated = nativeUpdateInput(
      target('api', { strategy: 'blue-green', blueGreen }),
      {},
      'arn:td:2',
      'test-traffic',
    );
    const hooks = gated.deploymentConfiguration?.lifecycleHooks ?? [];
    expect(hooks).toEqual([
      {
        targetType: 'PAUSE',
        lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
        timeoutConfiguration: { timeoutInMinutes: 1440, action: 'ROLLBACK' },
      },
    ]);
    const lambda = {
      targetType: 'AWS_LAMBDA' as const,
      hookTargetArn: 'arn:lambda',
      lifecycleStages: ['POST_SCALE_UP' as const],
    };
    const next = nativeUpdateInput(
      target('api', { strategy: 'blue-green', blueGreen }),
      { deploymentConfiguration: { lifecycleHooks: [...hooks, lambda] } },
      'arn:td:3',
    );
    expect(next.deploymentConfiguration?.lifecycleHooks).toEqual([lambda]);
  });
});

describe('revisionsToDrop (--keep-revisions)', () => {
  it('keeps the newest N and every revision in use', () => {
    const arns = ['f:9', 'f:8', 'f:7', 'f:6', 'f:5'];
    expect(revisionsToDrop(arns, 2, new Set(['f:6']))).toEqual(['f:7', 'f:5']);
  });
});

describe('Limiter', () => {
  it('never runs more than its concurrency at once', async () => {
    const limiter = new Limiter(2);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        limiter.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setImmediate(r));
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
  });
});

describe('releaseSummary', () => {
  it('has one row per service with outcome, revisions and the reason of a failure', () => {
    const r = (name: string, outcome: ServiceResult['outcome'], reason: string): ServiceResult => ({
      name,
      cluster: 'main',
      service: name,
      strategy: 'rolling',
      images: [],
      previousTaskDefinition: `arn:aws:ecs:eu-west-3:1:task-definition/${name}:1`,
      taskDefinition: `arn:aws:ecs:eu-west-3:1:task-definition/${name}:2`,
      deploymentId: 'ecs-svc/1',
      outcome,
      reason,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:01:05.000Z',
      polls: 9,
    });
    const s = releaseSummary('deploy', [
      r('auth', 'succeeded', 'rolloutState COMPLETED'),
      r('game', 'rolled-back', 'circuit breaker'),
    ]);
    expect(s.markdown).toContain('## cendence deploy: 1 of 2 failed');
    expect(s.markdown).toContain(
      '| game | rolling | ❌ rolled-back | game:1 → game:2 | `ecs-svc/1` | 65 s | circuit breaker |',
    );
    expect(s.text.split('\n')).toHaveLength(4);
  });
});
