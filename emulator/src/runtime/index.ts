// The emulator's live mode (`--tasks docker`): tasks as real containers, one network (with its DNS) per
// VPC, every ALB listener a real reverse proxy with real target health checks, every RDS instance a
// real PostgreSQL. startRuntime() attaches all of it to a World; dispose() removes every container,
// network and server it made, and nothing else.

import { HealthChecker } from '../alb/health.js';
import { AlbFront } from '../alb/proxy.js';
import { cloudwatchOf, type MetricAlarmSpec } from '../cloudwatch/alarms.js';
import { hex } from '../ids.js';
import { type PostgresServer, startPostgres } from '../rds/postgres.js';
import { type DbInstanceSpec, rdsOf } from '../rds/state.js';
import type { World } from '../state.js';
import { discoveryOf } from './discovery.js';
import { DockerRuntime, LABEL, PID_LABEL, removeOrphans } from './docker.js';
import { Engine } from './engine.js';
import { DEFAULT_VPC, VpcNetworks } from './networks.js';
import { type SecretSpec, secretsOf } from './secrets.js';

export type TasksMode = 'simulated' | 'docker';

export interface RuntimeOptions {
  /** Emulated seconds per wall second (the real clock's speed). */
  speed: number;
  /** DOCKER_HOST; default the local socket. */
  dockerHost?: string;
}

export interface LiveRuntime {
  /** The local URL of a load balancer's listener (by name; default the first listener served). */
  albUrl(loadBalancerName?: string, port?: number): string | undefined;
  /** Requests the ALB proxies forwarded, by task definition ("family:revision"); monotonic. */
  albCounts(): Record<string, number>;
  /** Waits until every current ALB listener is served. */
  syncAlb(): Promise<void>;
  networks: VpcNetworks;
  docker: DockerRuntime;
  databases: Map<string, PostgresServer>;
  /** Starts a real PostgreSQL for every RDS instance that has none yet (after seeding more). */
  serveDatabases(): Promise<void>;
  /** Problems that limit what works (e.g. DNS), for the CLI to print. */
  notes(): string[];
  dispose(): Promise<void>;
}

/** Whether a container engine answers, and why not. */
export async function engineAvailable(host?: string): Promise<{ ok: boolean; reason?: string }> {
  const engine = new Engine({ host });
  try {
    if (await engine.ping()) return { ok: true };
    return {
      ok: false,
      reason: `no container engine answers on ${host ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'}`,
    };
  } finally {
    engine.close();
  }
}

export async function startRuntime(world: World, opts: RuntimeOptions): Promise<LiveRuntime> {
  const engine = new Engine({ host: opts.dockerHost });
  if (!(await engine.ping())) {
    engine.close();
    throw new Error('--tasks docker: no container engine answers (start dockerd, or set DOCKER_HOST)');
  }
  await removeOrphans(engine);
  const instance = hex(6);
  const rds = rdsOf(world);
  const discovery = discoveryOf(world);
  let docker: DockerRuntime | undefined;
  const lookup = (name: string): string[] | undefined => {
    for (const db of rds.instances.values()) if (db.address === name) return gateways;
    let known = false;
    const ips: string[] = [];
    for (const svc of world.ecs.services.values()) {
      const names = svc.serviceRegistries.map((r) => discovery.dnsName(String(r.registryArn)));
      if (!names.includes(name)) continue;
      known = true;
      for (const t of docker?.serving() ?? [])
        if (t.sim.serviceName === svc.serviceName && t.clusterArn === svc.clusterArn) ips.push(t.ip);
    }
    return known ? ips : undefined;
  };
  let gateways: string[] = [];
  const networks = new VpcNetworks({
    engine,
    instance,
    labels: { [LABEL]: instance, [PID_LABEL]: String(process.pid) },
    lookup,
    hostNames: () => [...rds.instances.values()].map((d) => d.address),
  });
  docker = new DockerRuntime(world, { engine, instance, speed: opts.speed, networks });
  await docker.start();
  world.ecs.runtime = docker;

  const databases = new Map<string, PostgresServer>();
  const front = new AlbFront(world);
  const health = new HealthChecker(world, opts.speed);
  let syncing: Promise<void> = Promise.resolve();
  const sync = () => {
    syncing = syncing.then(() => front.sync()).catch(() => undefined);
    return syncing;
  };
  world.every(1000, () => {
    health.tick(world.clock.now());
    void sync();
  });

  const served = async () => {
    if (rds.instances.size === 0) return;
    const net = await networks.forVpc(DEFAULT_VPC);
    gateways = [net.gateway];
    for (const db of rds.instances.values()) {
      if (!databases.has(db.identifier)) databases.set(db.identifier, await startPostgres(db, [net.gateway]));
    }
  };
  try {
    await served();
    await sync();
  } catch (err) {
    await docker.dispose();
    engine.close();
    throw err;
  }

  return {
    albUrl: (name, port) => front.url(name, port),
    albCounts: () => Object.fromEntries(front.forwarded.byRevision),
    syncAlb: sync,
    networks,
    docker,
    databases,
    serveDatabases: served,
    notes: () => (networks.dnsProblem ? [networks.dnsProblem] : []),
    async dispose() {
      if (world.ecs.runtime === docker) world.ecs.runtime = undefined;
      await front.close();
      await docker?.dispose();
      networks.close();
      await Promise.all([...databases.values()].map((d) => d.stop().catch(() => undefined)));
      databases.clear();
      engine.close();
    },
  };
}

/** World-file sections the live mode reads (they are plain state in simulated mode too). */
export interface RuntimeWorldSpec {
  secrets?: SecretSpec[];
  parameters?: { name: string; value: string }[];
  /** Cloud Map: `{namespace: transcendence.local, services: [auth, game]}`, optional ARNs per service. */
  discovery?: { namespace: string; services: (string | { name: string; arn?: string })[] }[];
  databases?: DbInstanceSpec[];
  /** CloudWatch metric alarms (ECS deployment alarms read them; the live ALB feeds their metrics). */
  alarms?: MetricAlarmSpec[];
}

export function seedRuntimeWorld(world: World, spec: RuntimeWorldSpec): void {
  const secrets = secretsOf(world);
  for (const s of spec.secrets ?? []) secrets.putSecret(s.name, s.value);
  for (const p of spec.parameters ?? []) secrets.putParameter(p.name, p.value);
  const discovery = discoveryOf(world);
  for (const ns of spec.discovery ?? [])
    for (const s of ns.services)
      typeof s === 'string'
        ? discovery.declare(s, ns.namespace)
        : discovery.declare(s.name, ns.namespace, s.arn);
  for (const db of spec.databases ?? []) rdsOf(world).create(db);
  for (const a of spec.alarms ?? []) cloudwatchOf(world).putAlarm(a);
}
