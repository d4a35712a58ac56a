// The /_cendence/ control API over HTTP, world files (YAML) and worlds derived from service manifests.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateClusterCommand, DescribeServicesCommand, ListClustersCommand } from '@aws-sdk/client-ecs';
import { DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { worldFromManifests } from '../src/index.js';
import { type Harness, harness } from './helpers.js';

describe('control API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => h.stop());

  const control = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${h.emu.url}/_cendence/${route}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  it('records calls, injects faults and behaviours, advances the clock, dumps state and resets', async () => {
    await h.ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
    await h.ecs.send(new ListClustersCommand({}));
    const calls = await control('GET', 'calls');
    expect(calls.body.map((c: { operation: string; mutates: boolean }) => [c.operation, c.mutates])).toEqual([
      ['CreateCluster', true],
      ['ListClusters', false],
    ]);
    expect(calls.body[0]).toMatchObject({ seq: 1, service: 'ecs', accessKeyId: 'AKIDEMULATORTEST' });
    expect(typeof calls.body[0].time).toBe('string');
    const mutating = await control('GET', 'calls?operation=CreateCluster&mutates=true');
    expect(mutating.body).toHaveLength(1);

    const fault = await control('POST', 'faults', {
      service: 'ecs',
      operation: 'ListClusters',
      error: 'ServiceUnavailable',
      times: 1,
    });
    expect(fault.body[0]).toMatchObject({ id: 1, hits: 0, error: 'ServiceUnavailable' });
    await expect(h.ecs.send(new ListClustersCommand({}))).rejects.toMatchObject({
      name: 'ServiceUnavailable',
    });
    expect((await control('GET', 'faults')).body[0].hits).toBe(1);
    expect((await control('POST', 'faults', { error: 'Nope' })).status).toBe(400);

    const behaviour = await control('POST', 'behaviors', { image: 'web:*', behavior: 'crash', exitCode: 2 });
    expect(behaviour.body[0]).toMatchObject({
      image: 'web:*',
      behavior: 'crash',
      exitCode: 2,
      startSeconds: 5,
      runSeconds: 3,
    });
    expect((await control('POST', 'behaviors', { image: 'x', behavior: 'explode' })).status).toBe(400);

    const before = (await control('GET', 'clock')).body;
    expect(before.mode).toBe('virtual');
    const after = (await control('POST', 'clock/advance', { seconds: 90 })).body;
    expect(after.now - before.now).toBe(90_000);

    const state = (await control('GET', 'state')).body;
    expect(state.ecs.clusters).toEqual(['main']);
    expect(state.behaviors).toHaveLength(1);

    expect((await control('POST', 'reset')).body).toEqual({ ok: true });
    expect((await control('GET', 'calls')).body).toEqual([]);
    expect((await control('GET', 'behaviors')).body).toEqual([]);
    expect((await h.ecs.send(new ListClustersCommand({}))).clusterArns).toEqual([]);
    expect((await control('GET', 'nowhere')).status).toBe(404);
  });

  it('answers the ALB request counts only where the ALB serves (--tasks docker)', async () => {
    const counts = await control('GET', 'alb/requests');
    expect(counts.status).toBe(404);
    expect(counts.body.error).toMatch(/--tasks docker/);
  });

  it('seeds a YAML world file: steady services behind listener rules', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'world-'));
    const file = path.join(dir, 'world.yml');
    writeFileSync(
      file,
      [
        'clusters: [main]',
        'targetGroups:',
        '  - { name: api-tg, port: 3000 }',
        'loadBalancers:',
        '  - name: alb',
        '    listeners:',
        '      - { port: 80, forward: api-tg, rules: [{ name: api, priority: 5, pathPattern: "/api/*", forward: api-tg }] }',
        'services:',
        '  - { name: api, cluster: main, desiredCount: 3, image: "api:v1", loadBalancer: { targetGroup: api-tg, containerPort: 3000 } }',
      ].join('\n'),
    );
    const w = await harness({ world: file });
    try {
      const s = (await w.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['api'] })))
        .services?.[0];
      expect(s).toMatchObject({ status: 'ACTIVE', desiredCount: 3, runningCount: 3 });
      expect(s?.deployments?.[0]?.rolloutState).toBe('COMPLETED');
      expect(s?.loadBalancers?.[0]?.containerPort).toBe(3000);
      const listener = w.emu.world.elbv2.listeners.values().next().value;
      const rules = await w.elbv2.send(new DescribeRulesCommand({ ListenerArn: listener?.ListenerArn }));
      expect(rules.Rules?.map((r) => r.Priority)).toEqual(['default', '5']);
    } finally {
      await w.stop();
    }
  });

  it('derives a world from services/*/service.yml that seeds a steady blue/green service', async () => {
    const repo = mkdtempSync(path.join(tmpdir(), 'repo-'));
    mkdirSync(path.join(repo, 'services', 'game'), { recursive: true });
    writeFileSync(
      path.join(repo, 'services', 'game', 'service.yml'),
      [
        'name: game',
        'deploy:',
        '  cluster: prod',
        '  strategy: blue-green',
        '  desiredCount: 2',
        '  blueGreen:',
        '    targetGroup: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/game-blue/abc',
        '    alternateTargetGroup: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/game-green/def',
        '    productionListenerRule: arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/alb/1/2/3',
        '    roleArn: arn:aws:iam::123456789012:role/ecs-infra',
        '    containerPort: 8000',
      ].join('\n'),
    );
    const spec = worldFromManifests(repo);
    expect(spec.clusters).toEqual(['prod']);
    expect(spec.repositories).toEqual([{ name: 'game' }]);
    expect(spec.targetGroups?.map((t) => t.name)).toEqual(['game-blue', 'game-green']);
    expect(spec.services?.[0]).toMatchObject({
      name: 'game',
      desiredCount: 2,
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 },
    });
    const w = await harness({ world: spec });
    try {
      const s = (await w.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['game'] })))
        .services?.[0];
      expect(s?.runningCount).toBe(2);
      const rule = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/alb/1/2/3';
      expect(s?.loadBalancers?.[0]?.advancedConfiguration?.productionListenerRule).toBe(rule);
      const described = await w.elbv2.send(new DescribeRulesCommand({ RuleArns: [rule] }));
      expect(described.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups?.map((t) => t.Weight)).toEqual([
        100, 0,
      ]);
    } finally {
      await w.stop();
    }
  });
});
