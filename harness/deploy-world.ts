// Shared by the deploy, release and rollback tests, bench/ and proof/: an emulator world derived from a temporary
// repository's manifests, a Clock on the emulator's VIRTUAL time (so waits of minutes take
// milliseconds), and helpers to read the emulator's call log.
import { readFile } from 'node:fs/promises';
import type { Service } from '@aws-sdk/client-ecs';
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { FaultSpec } from '../emulator/src/faults.js';
import { type Emulator, startEmulator, type WorldSpec, worldFromManifests } from '../emulator/src/index.js';
import { fargateTemplate, makeRepo, type ServiceSpec } from '../harness/render-world.js';
import { AwsClients } from '../shared/src/aws/clients.js';
import type { Clock } from '../shared/src/deploy/follow.js';

/**
 * Sleeps on the emulator's virtual clock. Sleepers park; shortly after (a few real ms, enough for
 * parallel followers to finish their HTTP calls and park too) time jumps to the earliest wake-up,
 * running every emulator timer due on the way. Parallel followers therefore share one timeline.
 */
export class VirtualTime implements Clock {
  private sleepers: { due: number; wake: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private driving = false;
  /** Actors (clock.actor) running: time jumps only once each of them sleeps, whatever the load. */
  private actors = 0;

  constructor(
    private readonly emu: Emulator,
    /** Real ms to let parallel followers finish their calls and park before time jumps. */
    private readonly settleMs = 3,
  ) {}

  now(): number {
    return this.emu.clock.now();
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const sleeper = {
        due: this.now() + ms,
        wake: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
      this.schedule();
    });
  }

  async actor<T>(work: () => Promise<T>): Promise<T> {
    this.actors++;
    try {
      return await work();
    } finally {
      this.actors--;
      if (this.sleepers.length > 0) this.schedule();
    }
  }

  private schedule(): void {
    if (!this.timer && !this.driving) this.timer = setTimeout(() => void this.drive(), this.settleMs);
  }

  private async drive(): Promise<void> {
    this.timer = undefined;
    // An actor still at work parks later; its sleep() schedules the next look.
    if (this.sleepers.length === 0 || this.sleepers.length < this.actors) return;
    this.driving = true;
    const due = Math.min(...this.sleepers.map((s) => s.due));
    if (due > this.now()) await this.emu.advance((due - this.now()) / 1000);
    const now = this.now();
    const ready = this.sleepers.filter((s) => s.due <= now);
    this.sleepers = this.sleepers.filter((s) => s.due > now);
    this.driving = false;
    for (const s of ready) s.wake();
    if (this.sleepers.length > 0) this.schedule();
  }
}

export interface DeployWorld {
  emu: Emulator;
  root: string;
  aws: AwsClients;
  time: VirtualTime;
  /** Step inputs every AWS step needs against this emulator. */
  awsInputs: Record<string, string>;
  stop(): Promise<void>;
}

export const ROLE = 'arn:aws:iam::123456789012:role/ecs-infra';

const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';

/** deploy.blueGreen of service "api" in the emulator world: blue and green target groups, two rules. */
export const blueGreenSettings = (extra: Record<string, unknown> = {}) => ({
  targetGroup: `${ELB}:targetgroup/api-blue/1111111111111111`,
  alternateTargetGroup: `${ELB}:targetgroup/api-green/2222222222222222`,
  productionListenerRule: `${ELB}:listener-rule/app/main/3333333333333333/4444444444444444/5555555555555555`,
  testListenerRule: `${ELB}:listener-rule/app/main/3333333333333333/4444444444444444/6666666666666666`,
  roleArn: ROLE,
  containerPort: 8080,
  bakeTimeMinutes: 5,
  ...extra,
});

/** A rolling service with one container `<name>` logging to /ecs/<name> and the given extra deploy keys. */
export function rollingService(
  name: string,
  deploy: Record<string, unknown> = {},
  dependsOn: string[] = [],
): ServiceSpec & { dependsOn?: string[] } {
  return {
    name,
    deploy: { cluster: 'main', desiredCount: 2, timeoutSeconds: 600, ...deploy },
    taskdef: fargateTemplate(name, {
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [
        {
          name,
          image: '<IMAGE>',
          essential: true,
          portMappings: [{ containerPort: 8080 }],
          healthCheck: { command: ['CMD-SHELL', 'curl -f localhost:8080/health'], interval: 10, retries: 3 },
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': `/ecs/${name}`,
              'awslogs-region': 'us-east-1',
              'awslogs-stream-prefix': name,
            },
          },
        },
      ],
    }),
    ...(dependsOn.length ? { dependsOn } : {}),
  };
}

/** Starts an emulator seeded from the repository's manifests (plus `extra`), with no throttling unless asked. */
export async function deployWorld(
  services: ServiceSpec[],
  opts: { throttling?: boolean; extra?: (w: WorldSpec) => WorldSpec } = {},
): Promise<DeployWorld> {
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'secret';
  const root = await makeRepo(services);
  // makeRepo writes name + deploy; dependsOn is added here for release tests.
  const { readFile, writeFile } = await import('node:fs/promises');
  const path = await import('node:path');
  for (const s of services as (ServiceSpec & { dependsOn?: string[] })[]) {
    if (!s.dependsOn) continue;
    const file = path.join(root, 'services', s.name, 'service.yml');
    await writeFile(file, `${await readFile(file, 'utf8')}dependsOn: [${s.dependsOn.join(', ')}]\n`);
  }
  const emu = await startEmulator({ clock: 'virtual', throttling: opts.throttling ?? false });
  const world = worldFromManifests(root);
  try {
    await emu.seed(opts.extra ? opts.extra(world) : world);
  } catch (err) {
    await emu.stop();
    throw err;
  }
  const aws = new AwsClients({
    region: emu.region,
    endpoint: emu.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  return {
    emu,
    root,
    aws,
    time: new VirtualTime(emu),
    awsInputs: {
      region: emu.region,
      endpoint: emu.url,
      verify: 'false',
      'output-dir': path.join(root, '.cendence'),
    },
    async stop() {
      aws.destroy();
      await emu.stop();
    },
  };
}

/** Image URIs for services, as the push step prints them (tags; the emulator's behaviours match them). */
export function imagesInput(emu: Emulator, images: Record<string, string>): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(images).map(([svc, tag]) => [svc, `${emu.host}/${svc}:${tag}`])),
  );
}

export function mutatingCalls(emu: Emulator): string[] {
  return emu.calls({ mutates: true }).map((c) => `${c.service}.${c.operation}`);
}

export async function describe1(w: DeployWorld, service: string, cluster = 'main'): Promise<Service> {
  const out = await w.aws.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  return out.services?.[0] as Service;
}

/** Injects `fault` once the rollout has started: as soon as the emulator has answered an UpdateService. */
export function faultOnceStarted(world: DeployWorld, fault: FaultSpec): { stop(): void } {
  let armed = false;
  const timer = setInterval(() => {
    if (armed || world.emu.calls({ operation: 'UpdateService' }).length === 0) return;
    armed = true;
    world.emu.fault(fault);
  }, 1);
  return { stop: () => clearInterval(timer) };
}

/**
 * Someone else's deployment: once `afterMs` of emulated time have passed, a hotfix revision (family
 * api-hotfix) is registered and api is updated to it, as a colleague's pipeline would.
 */
export function foreignDeploymentAfter(world: DeployWorld, afterMs = 15_000): { stop(): void } {
  const at = world.emu.clock.now() + afterMs;
  let fired = false;
  const timer = setInterval(() => {
    if (fired || world.emu.clock.now() < at) return;
    fired = true;
    void (async () => {
      const td = await world.aws.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'api-hotfix',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'api', image: 'api:hotfix', essential: true }],
        }),
      );
      await world.aws.ecs.send(
        new UpdateServiceCommand({
          cluster: 'main',
          service: 'api',
          taskDefinition: td.taskDefinition?.taskDefinitionArn,
        }),
      );
    })();
  }, 1);
  return { stop: () => clearInterval(timer) };
}

/** CodeDeploy's shape of a target group here: 8080, health checks every 10 s, 30 s of draining. */
const codeDeployTargetGroup = (name: string) => ({
  name,
  port: 8080,
  healthCheckIntervalSeconds: 10,
  healthyThresholdCount: 2,
  deregistrationDelaySeconds: 30,
});

/**
 * api under CodeDeploy blue/green (application shop, deployment group api): blue and green target groups,
 * production listener :80 and test listener :8080 both on blue to start with.
 */
export function codeDeployWorld(group: { readyWaitMinutes?: number } = {}): Promise<DeployWorld> {
  const codedeploy = { application: 'shop', deploymentGroup: 'api', containerPort: 8080 };
  return deployWorld([rollingService('api', { strategy: 'codedeploy', codedeploy })], {
    extra: (spec) => ({
      ...spec,
      targetGroups: [codeDeployTargetGroup('cd-blue'), codeDeployTargetGroup('cd-green')],
      loadBalancers: [
        {
          name: 'shop',
          listeners: [
            { port: 80, forward: 'cd-blue' },
            { port: 8080, forward: 'cd-blue' },
          ],
        },
      ],
      services: (spec.services ?? []).map((s) => ({
        ...s,
        loadBalancer: { targetGroup: 'cd-blue', containerName: 'api', containerPort: 8080 },
      })),
      codedeploy: {
        applications: [
          {
            name: 'shop',
            deploymentGroups: [
              {
                name: 'api',
                cluster: 'main',
                service: 'api',
                targetGroups: ['cd-blue', 'cd-green'],
                prodListener: 'shop:80',
                testListener: 'shop:8080',
                ...group,
              },
            ],
          },
        ],
      },
    }),
  });
}

export interface WindowFigures {
  /** Calls of the faulted operation refused during the window. */
  faulted: number;
  /** Every call the tool made from the first refused call to the last one (the window). */
  callsDuringWindow: number;
  /** Emulated ms from AWS answering again (or ECS deciding, if later) to the step returning. */
  latencyMs: number;
}

/** Reads a faulted window and the outcome latency after it from the call log and the deploy record. */
export async function windowFigures(
  world: DeployWorld,
  operation: string,
  returnedAt: number,
): Promise<WindowFigures> {
  const all = world.emu.calls();
  const faulted = all.filter((c) => c.operation === operation && c.error);
  const first = faulted[0]?.seq ?? 0;
  const last = faulted.at(-1)?.seq ?? 0;
  const lastFault = Date.parse(faulted.at(-1)?.time ?? new Date(0).toISOString());
  const record = JSON.parse(
    await readFile(`${world.awsInputs['output-dir']}/deploy-record.json`, 'utf8'),
  ) as { services: { serviceDeploymentArn?: string }[] };
  const arns = record.services.map((s) => s.serviceDeploymentArn).filter(Boolean) as string[];
  const out = await world.aws.ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns }),
  );
  const decided = Math.max(...(out.serviceDeployments ?? []).map((sd) => sd.finishedAt?.getTime() ?? 0));
  return {
    faulted: faulted.length,
    callsDuringWindow: all.filter((c) => c.seq >= first && c.seq <= last).length,
    latencyMs: returnedAt - Math.max(lastFault, decided),
  };
}
