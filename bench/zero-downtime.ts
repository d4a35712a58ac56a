// The "zero downtime" section: real containers (the emulator's --tasks docker) behind the emulator's
// ALB proxy, a steady load through the ALB (harness/load.ts, autocannon on loopback) during four
// deployments driven with the real ECS SDK — rolling, ECS-native blue/green, a canary whose revision
// fails every request (its target 5xx deployment alarm goes into ALARM and ECS rolls it back), and a rolling
// deploy of an image that crashes (the circuit breaker rolls it back) — and, per deployment, what the
// clients saw. Also the container start overhead: RunTask until the app answers, against a bare
// `docker run` of the same image until it answers.
import {
  CreateServiceCommand,
  type DeploymentConfiguration,
  DescribeServicesCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type Service,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { arnSuffix, cloudwatchOf, targetFiveXxAlarm } from '../emulator/src/cloudwatch/alarms.js';
import { type Emulator, engineAvailable, type WorldSpec } from '../emulator/src/index.js';
import { hasImage, sh, startLiveWorld, waitFor } from '../harness/live-world.js';
import { type LoadFigures, measureDuring } from '../harness/load.js';
import { type Figure, median } from './figures.js';

/** Emulated seconds per wall second: health intervals, draining and bake times pass 10× faster. */
const SPEED = 10;
const RATE = Number(process.env.BENCH_ZD_RATE ?? 50);
const CONNECTIONS = 4;
const CANARY_PERCENT = 10;
const CANARY_ALARM = 'canary-5xx';
/** Wall seconds of the broken canary at its traffic share whose requests are counted (its alarm trips later). */
const CANARY_WALL_SECONDS = 10;
const START_TRIALS = 5;
const SUBNETS = { awsvpcConfiguration: { subnets: ['subnet-a'] } };
const ROLE = 'arn:aws:iam::123456789012:role/ecs-infra';

type Kind = 'rolling' | 'bluegreen' | 'canary' | 'rollback';
const KINDS: Kind[] = ['rolling', 'bluegreen', 'canary', 'rollback'];
const LABELS: Record<Kind, string> = {
  rolling: 'rolling deploy',
  bluegreen: 'blue/green deploy',
  canary: `canary (${CANARY_PERCENT} %) of a broken revision, rolled back by its alarm`,
  rollback: 'broken image, circuit breaker rollback',
};

export interface DeploymentLoad {
  kind: Kind;
  /** The deployed revision ("family:revision"), the broken one for canary and rollback. */
  revision: string;
  /** What ECS reported at the end (rollout state of the service's deployment). */
  outcome: string;
  /** Canary: the requests the ALB forwarded while the canary held its traffic share, and the broken one's. */
  window?: { requests: number; broken: number };
  figures: LoadFigures;
}

export interface ZeroDowntimeRaw {
  rate: number;
  connections: number;
  speed: number;
  deployments: DeploymentLoad[];
  start: { emulatorSeconds: number[]; bareSeconds: number[] };
  skipped?: string;
}

function world(): WorldSpec {
  const tg = (name: string) => ({
    name,
    port: 8080,
    healthCheckPath: '/health',
    healthCheckIntervalSeconds: 5,
    healthyThresholdCount: 2,
    unhealthyThresholdCount: 2,
    deregistrationDelaySeconds: 20,
  });
  const split = (k: Kind) => k === 'bluegreen' || k === 'canary';
  return {
    clusters: ['main'],
    logGroups: ['/ecs/web'],
    targetGroups: KINDS.flatMap((k) => (split(k) ? [tg(`${k}-blue`), tg(`${k}-green`)] : [tg(`${k}-blue`)])),
    loadBalancers: KINDS.map((k) => ({
      name: `${k}-alb`,
      listeners: [
        {
          port: 80,
          forward: `${k}-blue`,
          rules: split(k)
            ? [
                {
                  name: `${k}-prod`,
                  priority: 10,
                  pathPattern: '/*',
                  forward: [
                    { targetGroup: `${k}-blue`, weight: 100 },
                    { targetGroup: `${k}-green`, weight: 0 },
                  ],
                },
              ]
            : [],
        },
      ],
    })),
  } as WorldSpec;
}

class Bench {
  constructor(
    readonly emu: Emulator,
    readonly image: string,
    readonly ecs: ECSClient,
  ) {}

  async register(family: string, env: Record<string, string> = {}): Promise<string> {
    const out = await this.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
        containerDefinitions: [
          {
            name: 'web',
            image: this.image,
            essential: true,
            portMappings: [{ containerPort: 8080 }],
            environment: Object.entries(env).map(([name, value]) => ({ name, value })),
            logConfiguration: {
              logDriver: 'awslogs',
              options: {
                'awslogs-group': '/ecs/web',
                'awslogs-region': 'us-east-1',
                'awslogs-stream-prefix': family,
              },
            },
          },
        ],
      }),
    );
    return out.taskDefinition?.taskDefinitionArn as string;
  }

  tgArn(name: string): string {
    const tg = [...this.emu.world.elbv2.targetGroups.values()].find((t) => t.TargetGroupName === name);
    if (!tg) throw new Error(`no target group ${name}`);
    return tg.TargetGroupArn;
  }

  ruleArn(priority: string, tgName: string): string {
    const tg = this.tgArn(tgName);
    const rule = [...this.emu.world.elbv2.rules.values()].find(
      (r) => r.Priority === priority && JSON.stringify(r.Actions).includes(tg),
    );
    if (!rule) throw new Error(`no rule ${priority} forwarding to ${tgName}`);
    return rule.RuleArn;
  }

  targets(tgName: string): string[] {
    return [...(this.emu.world.elbv2.targets.get(this.tgArn(tgName))?.values() ?? [])].map((t) => t.state);
  }

  async service(kind: Kind): Promise<Service> {
    const out = await this.ecs.send(new DescribeServicesCommand({ cluster: 'main', services: [kind] }));
    return out.services?.[0] as Service;
  }

  /** One deployment left, COMPLETED on `taskDefinition`, and nothing but healthy targets left. */
  async settled(kind: Kind, taskDefinition: string, groups: string[]): Promise<Service | undefined> {
    const s = await this.service(kind);
    const d = s.deployments ?? [];
    if (d.length !== 1 || d[0].rolloutState !== 'COMPLETED' || s.taskDefinition !== taskDefinition) return;
    const states = groups.flatMap((g) => this.targets(g));
    if (states.length !== s.desiredCount || states.some((x) => x !== 'healthy')) return;
    return s;
  }

  async create(kind: Kind, v1: string): Promise<void> {
    const split = kind === 'bluegreen' || kind === 'canary';
    const deploymentConfiguration: DeploymentConfiguration = split
      ? {
          strategy: kind === 'canary' ? 'CANARY' : 'BLUE_GREEN',
          bakeTimeInMinutes: 0,
          canaryConfiguration:
            kind === 'canary' ? { canaryPercent: CANARY_PERCENT, canaryBakeTimeInMinutes: 10 } : undefined,
          deploymentCircuitBreaker: { enable: true, rollback: true },
          alarms:
            kind === 'canary' ? { alarmNames: [CANARY_ALARM], enable: true, rollback: true } : undefined,
        }
      : {
          minimumHealthyPercent: 100,
          maximumPercent: 200,
          deploymentCircuitBreaker: { enable: true, rollback: true },
        };
    await this.ecs.send(
      new CreateServiceCommand({
        cluster: 'main',
        serviceName: kind,
        taskDefinition: v1,
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: SUBNETS,
        deploymentConfiguration,
        loadBalancers: [
          {
            targetGroupArn: this.tgArn(`${kind}-blue`),
            containerName: 'web',
            containerPort: 8080,
            advancedConfiguration: split
              ? {
                  alternateTargetGroupArn: this.tgArn(`${kind}-green`),
                  productionListenerRule: this.ruleArn('10', `${kind}-blue`),
                  roleArn: ROLE,
                }
              : undefined,
          },
        ],
      }),
    );
    const groups = split ? [`${kind}-blue`, `${kind}-green`] : [`${kind}-blue`];
    await waitFor(`${kind} steady on ${v1}`, () => this.settled(kind, v1, groups), 180_000, 500);
  }

  async deploy(kind: Kind): Promise<DeploymentLoad> {
    const split = kind === 'bluegreen' || kind === 'canary';
    const groups = split ? [`${kind}-blue`, `${kind}-green`] : [`${kind}-blue`];
    const v1 = await this.register(kind, { VERSION: 'v1' });
    if (kind === 'canary') this.canaryAlarm();
    await this.create(kind, v1);
    await this.emu.live?.syncAlb();
    const url = this.emu.live?.albUrl(`${kind}-alb`);
    if (!url) throw new Error(`${kind}-alb is not served`);
    const broken: Record<string, string> =
      kind === 'canary' ? { FAIL_REQUESTS: '1' } : kind === 'rollback' ? { CRASH_AFTER_MS: '300' } : {};
    const v2 = await this.register(kind, { VERSION: 'v2', ...broken });
    const revision = v2.slice(v2.lastIndexOf('/') + 1);
    let window: DeploymentLoad['window'];
    const { result: outcome, figures } = await measureDuring(
      url,
      async () => {
        await this.ecs.send(new UpdateServiceCommand({ cluster: 'main', service: kind, taskDefinition: v2 }));
        if (kind === 'canary') {
          window = await this.canary(v1, revision, groups);
          const sdArn = (await this.service('canary')).currentServiceDeployment as string;
          const sd = this.emu.world.ecs.serviceDeployments.get(sdArn);
          return `rolled back by ECS: ${sd?.rollback?.reason ?? sd?.statusReason ?? 'no rollback seen'}`;
        }
        const target = kind === 'rollback' ? v1 : v2;
        const s = await waitFor(`${kind} settled`, () => this.settled(kind, target, groups), 300_000, 500);
        const failed = s.deployments?.[0]?.rolloutStateReason ?? '';
        return kind === 'rollback'
          ? `rolled back (${failed.slice(0, 80) || 'circuit breaker'})`
          : 'COMPLETED';
      },
      {
        rate: RATE,
        connections: CONNECTIONS,
        tailSeconds: 1,
        maxSeconds: 400,
        revision,
        revisionCounts: () => this.emu.live?.albCounts() ?? {},
      },
    );
    return { kind, revision, outcome, figures, window };
  }

  /** The canary takes its share for a while, then the deployment is stopped and rolled back. */
  private async canary(
    v1: string,
    broken: string,
    groups: string[],
  ): Promise<{ requests: number; broken: number }> {
    const rule = this.emu.world.elbv2.rules.get(this.ruleArn('10', 'canary-blue'));
    const greenWeight = () =>
      rule?.Actions[0]?.ForwardConfig?.TargetGroups?.find(
        (g) => g.TargetGroupArn === this.tgArn('canary-green'),
      )?.Weight ?? 0;
    await waitFor('canary traffic', () => greenWeight() === CANARY_PERCENT || undefined, 180_000, 200);
    const counts = () => this.emu.live?.albCounts() ?? {};
    const before = counts();
    await new Promise((r) => setTimeout(r, CANARY_WALL_SECONDS * 1000));
    const after = counts();
    const delta = (rev: string) => (after[rev] ?? 0) - (before[rev] ?? 0);
    const window = {
      requests: Object.keys(after)
        .filter((rev) => rev.startsWith('canary:'))
        .reduce((sum, rev) => sum + delta(rev), 0),
      broken: delta(broken),
    };
    // Nobody stops it: its 5xx alarm goes into ALARM and ECS rolls it back by itself.
    await waitFor('canary rolled back', () => this.settled('canary', v1, groups), 180_000, 500);
    return window;
  }

  /**
   * The canary service's deployment alarm, as terraform/alarms.tf writes it: target 5xx summed over its
   * blue and green target groups, above 10 a minute for 3 minutes.
   */
  canaryAlarm(): void {
    const lb = [...this.emu.world.elbv2.loadBalancers.values()].find(
      (l) => l.LoadBalancerName === 'canary-alb',
    );
    if (!lb) throw new Error('canary-alb is missing');
    const lbSuffix = arnSuffix(lb.LoadBalancerArn);
    cloudwatchOf(this.emu.world).putAlarm(
      targetFiveXxAlarm(
        CANARY_ALARM,
        ['canary-blue', 'canary-green'].map((tg) => ({
          LoadBalancer: lbSuffix,
          TargetGroup: arnSuffix(this.tgArn(tg)),
        })),
      ),
    );
  }

  /** RunTask → the app answers on the task's IP, in wall seconds. */
  async emulatorStart(taskDefinition: string): Promise<number> {
    const t0 = performance.now();
    const out = await this.ecs.send(
      new RunTaskCommand({
        cluster: 'main',
        taskDefinition,
        networkConfiguration: SUBNETS,
        launchType: 'FARGATE',
      }),
    );
    const arn = out.tasks?.[0]?.taskArn as string;
    const ip = await waitFor(
      'task running',
      () => {
        const t = this.emu.world.ecs.tasks.get(arn);
        if (t?.lastStatus === 'STOPPED') throw new Error(`probe task stopped: ${t.stoppedReason}`);
        return t?.lastStatus === 'RUNNING' ? t.ip : undefined;
      },
      60_000,
      20,
    );
    await answers(ip);
    const seconds = (performance.now() - t0) / 1000;
    await this.ecs.send(new StopTaskCommand({ cluster: 'main', task: arn }));
    return seconds;
  }
}

/** Polls GET http://ip:8080/health every 20 ms until it answers 200. */
async function answers(ip: string): Promise<void> {
  await waitFor(
    `${ip}:8080 to answer`,
    async () => {
      try {
        const res = await fetch(`http://${ip}:8080/health`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        return res.status === 200 || undefined;
      } catch {
        return undefined;
      }
    },
    60_000,
    20,
  );
}

/** `docker run -d` of the same image → the app answers on the container's IP, in wall seconds. */
async function bareStart(image: string): Promise<number> {
  const t0 = performance.now();
  const id = await sh('docker', ['run', '-d', '--label', 'cendence.bench=zero-downtime', image]);
  try {
    const ip = await sh('docker', ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', id]);
    await answers(ip);
    return (performance.now() - t0) / 1000;
  } finally {
    await sh('docker', ['rm', '-f', id]).catch(() => undefined);
  }
}

export async function measureZeroDowntime(): Promise<ZeroDowntimeRaw> {
  const raw: ZeroDowntimeRaw = {
    rate: RATE,
    connections: CONNECTIONS,
    speed: SPEED,
    deployments: [],
    start: { emulatorSeconds: [], bareSeconds: [] },
  };
  const engine = await engineAvailable();
  if (!engine.ok || !hasImage('cendence/base:node20')) {
    raw.skipped = engine.ok ? 'the local base image cendence/base:node20 is missing' : engine.reason;
    return raw;
  }
  const live = await startLiveWorld(world(), SPEED);
  try {
    const bench = new Bench(live.emu, live.image, live.ecs);
    for (const kind of KINDS) {
      const d = await bench.deploy(kind);
      process.stderr.write(`bench: zero downtime: ${kind}: ${JSON.stringify(d.figures)}\n`);
      raw.deployments.push(d);
    }
    // Start overhead on a quiet engine: the services above are gone first.
    for (const kind of KINDS)
      await live.ecs.send(new UpdateServiceCommand({ cluster: 'main', service: kind, desiredCount: 0 }));
    await waitFor(
      'services scaled in',
      () =>
        live.emu.world.ecs.tasks.size === 0 ||
        [...live.emu.world.ecs.tasks.values()].every((t) => t.lastStatus === 'STOPPED') ||
        undefined,
      120_000,
      500,
    );
    const probe = await bench.register('startprobe');
    await bareStart(live.local); // warm both paths once (page cache, the engine's image metadata)
    await bench.emulatorStart(probe);
    for (let i = 0; i < START_TRIALS; i++) {
      raw.start.bareSeconds.push(await bareStart(live.local));
      raw.start.emulatorSeconds.push(await bench.emulatorStart(probe));
    }
  } finally {
    await live.stop();
  }
  return raw;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

export function zeroDowntimeFigures(raw: ZeroDowntimeRaw): Figure[] {
  const S = 'zero downtime';
  if (raw.skipped)
    return [
      {
        section: S,
        name: 'deployments under load',
        value: null,
        unit: '',
        goal: { kind: 'max', limit: 0 },
        target: '0 failed requests',
        note: `not measured: ${raw.skipped}`,
      },
    ];
  const rows: Figure[] = [];
  for (const d of raw.deployments) {
    const f = d.figures;
    const failed = f.non2xx + f.connectionErrors;
    const healthy = d.kind === 'rolling' || d.kind === 'bluegreen';
    const detail =
      `${f.requests} requests in ${f.seconds} s at ${raw.rate}/s over ${raw.connections} connections: ` +
      `${f.non2xx} non-2xx, ${f.connectionErrors} connection errors, p50 ${fmt(f.p50Ms)} ms, p99 ${fmt(f.p99Ms)} ms; ` +
      `${d.revision} got ${f.revision?.requests ?? 0}; ECS: ${d.outcome}`;
    rows.push({
      section: S,
      name: `${LABELS[d.kind]}: failed requests`,
      value: failed,
      unit: '',
      goal: healthy ? { kind: 'max', limit: 0 } : { kind: 'info' },
      target: healthy ? '0' : 'same run',
      note: detail,
    });
    if (d.window)
      rows.push({
        section: S,
        name: `${LABELS[d.kind]}: share reaching ${d.revision} while it held its traffic share`,
        value: d.window.requests ? Math.round((d.window.broken / d.window.requests) * 1000) / 10 : null,
        unit: '%',
        goal: { kind: 'max', limit: CANARY_PERCENT },
        target: `≤ ${CANARY_PERCENT} % (its traffic share)`,
        note: `${d.window.broken} of ${d.window.requests} requests the ALB forwarded in its first ${CANARY_WALL_SECONDS} s at its share`,
      });
    if (d.kind === 'canary' || d.kind === 'rollback')
      rows.push({
        section: S,
        name: `${LABELS[d.kind]}: share of requests reaching ${d.revision}`,
        value: Math.round((f.revision?.share ?? 0) * 1000) / 10,
        unit: '%',
        goal: { kind: 'max', limit: d.kind === 'canary' ? CANARY_PERCENT : 0 },
        target: d.kind === 'canary' ? `≤ ${CANARY_PERCENT} % (over the whole deploy)` : '0 % (never healthy)',
        note: 'counted by the ALB proxy per target task definition (on AWS: RequestCount per target group)',
      });
  }
  const emu = median(raw.start.emulatorSeconds);
  const bare = median(raw.start.bareSeconds);
  rows.push({
    section: S,
    name: 'container start overhead per task over a bare docker run',
    value: emu !== null && bare !== null ? Math.round((emu - bare) * 100) / 100 : null,
    unit: 's',
    goal: { kind: 'max', limit: 1 },
    target: '≤ 1 s',
    note:
      `median of ${raw.start.emulatorSeconds.length}: RunTask → the app answers ${emu?.toFixed(2)} s, ` +
      `docker run → the app answers ${bare?.toFixed(2)} s (image local; the emulator also checks its registry)`,
  });
  return rows;
}
