// Tasks as real containers (`cendence emulator --tasks docker`): each container definition of a task
// becomes a container from the image in the emulator's registry, with its environment, secrets, port
// mappings, health check, essential flag, dependsOn, stopTimeout and cpu/memory limits. Containers of
// one task share a network namespace (awsvpc: one ENI, one IP), held by the first container, or by a
// small holder container when the task has several. Exit codes, health and logs come from the
// engine; ECS's task lifecycle (ecs/tasks.ts) is told through its runtime hooks.
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { MIN_WALL_INTERVAL_MS } from '../alb/health.js';
import { ecrStore } from '../ecr/index.js';
import type { ContainerDef, Json, Task } from '../ecs/model.js';
import {
  containerExited,
  containerHealth,
  containersStarted,
  containersStopped,
  imagesPulled,
  type TaskRuntime,
  taskFailedToStart,
} from '../ecs/tasks.js';
import type { World } from '../state.js';
import { type Engine, EngineError, readAll } from './engine.js';
import type { VpcNetworks } from './networks.js';
import { SecretResolutionError, secretsOf } from './secrets.js';

/** Every object the emulator creates carries this label; its value is the owning emulator's instance. */
export const LABEL = 'cendence.emulator';
/** The owning process, so a later emulator can remove what a killed one left behind (and nothing else). */
export const PID_LABEL = 'cendence.emulator.pid';
const TASK_LABEL = 'cendence.task';
const CONTAINER_LABEL = 'cendence.container';

export interface DockerRuntimeOptions {
  engine: Engine;
  /** Short id of this emulator (names and labels). */
  instance: string;
  /** Emulated seconds per wall second: ECS intervals and timeouts are emulated seconds. */
  speed: number;
  networks: VpcNetworks;
}

interface ContainerRun {
  def: ContainerDef;
  id?: string;
  started: boolean;
  exitCode?: number;
  healthy?: boolean;
  oom?: boolean;
}

interface TaskRun {
  task: Task;
  holder?: string;
  containers: Map<string, ContainerRun>;
  stopRequested: boolean;
  changed: EventEmitter;
  launched: Promise<void>;
}

const NS = 1_000_000_000;

export class DockerRuntime implements TaskRuntime {
  private readonly runs = new Map<string, TaskRun>();
  /** Container id → its task run and container name, for engine events. */
  private readonly byId = new Map<string, { run: TaskRun; name: string }>();
  private events?: { destroy(): void };
  private closed = false;

  constructor(
    private readonly world: World,
    private readonly opts: DockerRuntimeOptions,
  ) {}

  /** Subscribes to the engine's container events (health, exits, OOM) for this emulator's containers. */
  async start(): Promise<void> {
    const filters = JSON.stringify({ type: ['container'], label: [`${LABEL}=${this.opts.instance}`] });
    const res = await this.opts.engine.raw('GET', `/events?filters=${encodeURIComponent(filters)}`);
    this.events = res;
    let buf = '';
    res.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) this.onEvent(JSON.parse(line) as EngineEvent);
        nl = buf.indexOf('\n');
      }
    });
    res.on('error', () => undefined);
  }

  private onEvent(ev: EngineEvent): void {
    const ref = this.byId.get(ev.id ?? ev.Actor?.ID ?? '');
    if (!ref) return;
    const { run, name } = ref;
    const c = run.containers.get(name);
    if (!c) return;
    const ecs = this.world.ecs;
    const status = ev.status ?? ev.Action ?? '';
    if (status === 'oom') c.oom = true;
    else if (status.startsWith('health_status: ')) {
      const healthy = status.endsWith('healthy') && !status.endsWith('unhealthy');
      c.healthy = healthy;
      run.changed.emit('change');
      containerHealth(ecs, run.task, name, healthy);
    } else if (status === 'die') {
      const code = Number(ev.Actor?.Attributes?.exitCode ?? 0);
      c.exitCode = code;
      run.changed.emit('change');
      const reason = c.oom ? 'OutOfMemoryError: Container killed due to memory usage' : undefined;
      containerExited(ecs, run.task, name, code, reason);
    }
  }

  launch(task: Task): void {
    const run: TaskRun = {
      task,
      containers: new Map(),
      stopRequested: false,
      changed: new EventEmitter(),
      launched: Promise.resolve(),
    };
    run.changed.setMaxListeners(0);
    for (const c of this.defsOf(task)) run.containers.set(c.name, { def: c, started: false });
    this.runs.set(task.taskArn, run);
    run.launched = this.launchRun(run).catch((err: Error) => {
      if (!run.stopRequested)
        taskFailedToStart(this.world.ecs, task, `CannotStartContainerError: ${err.message}`);
    });
  }

  /** The task definition's container definitions (ContainerState keeps only what ECS describes). */
  private defsOf(task: Task): ContainerDef[] {
    const td = this.world.ecs.findTaskDef(task.taskDefinitionArn);
    const defs = (td?.body.containerDefinitions as ContainerDef[] | undefined) ?? [];
    return task.containers.map((c) => ({
      ...(defs.find((d) => d.name === c.name) ?? {}),
      name: c.name,
      image: c.image,
    }));
  }

  /** Tasks this runtime runs that are RUNNING, not stopping, and healthy where a health check says so. */
  *serving(): Iterable<Task> {
    for (const run of this.runs.values()) {
      const t = run.task;
      if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING') continue;
      if (t.containers.some((c) => c.healthCheck) && t.healthStatus !== 'HEALTHY') continue;
      yield t;
    }
  }

  private async launchRun(run: TaskRun): Promise<void> {
    const { task } = run;
    const ecs = this.world.ecs;
    const engine = this.opts.engine;
    // Resources: a task asking for more memory than this machine has can never be placed.
    const memMiB = Number(task.memory ?? 0);
    const machineMiB = Math.floor(os.totalmem() / 1024 / 1024);
    if (memMiB > machineMiB) {
      taskFailedToStart(
        ecs,
        task,
        `RESOURCE:MEMORY: the task needs ${memMiB} MiB of memory and the host has ${machineMiB} MiB`,
      );
      return;
    }
    // Secrets before anything starts, as the agent resolves them with the execution role.
    const envs = new Map<string, string[]>();
    try {
      for (const c of run.containers.values()) envs.set(c.def.name, this.environment(task, c.def));
    } catch (err) {
      if (err instanceof SecretResolutionError) return taskFailedToStart(ecs, task, err.message);
      throw err;
    }
    for (const image of new Set([...run.containers.values()].map((c) => c.def.image))) {
      try {
        await this.ensureImage(image);
      } catch (err) {
        const reason = `CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref ${image}: ${(err as Error).message}`;
        const owner = [...run.containers.values()].find((c) => c.def.image === image);
        return taskFailedToStart(ecs, task, reason, owner?.def.name);
      }
      if (run.stopRequested) return;
    }
    imagesPulled(ecs, task);
    const net = await this.opts.networks.forTask(task);
    if (run.stopRequested) return;
    const defs = [...run.containers.values()];
    const aliases: string[] = [];
    const base = {
      [LABEL]: this.opts.instance,
      [PID_LABEL]: String(process.pid),
      [TASK_LABEL]: task.taskArn,
    };
    const name = (c: string) =>
      `cendence-${this.opts.instance}-${task.family}-${task.id.slice(0, 12)}-${c}`.replace(
        /[^A-Za-z0-9_.-]/g,
        '-',
      );
    const host = {
      NetworkMode: net.name,
      ExtraHosts: this.opts.networks.extraHosts(net),
      Dns: net.dns ? [net.dns] : undefined,
    };
    let netOwner: string | undefined;
    if (defs.length > 1) {
      // The holder keeps the task's network namespace while its containers come and go.
      const holder = await this.create(name('netns'), {
        Image: defs[0].def.image,
        Entrypoint: ['/bin/sh', '-c', "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done"],
        Cmd: [],
        Labels: { ...base, [CONTAINER_LABEL]: '' },
        HostConfig: { ...host, Memory: 16 * 1024 * 1024 },
        NetworkingConfig: { EndpointsConfig: { [net.name]: { Aliases: aliases } } },
      });
      run.holder = holder;
      await engine.call('POST', `/containers/${holder}/start`);
      netOwner = holder;
    }
    for (const c of defs) {
      if (run.stopRequested) return;
      await this.waitForDependencies(run, c.def);
      if (run.stopRequested) return;
      const d = c.def;
      const override = containerOverride(task, d.name);
      const config: Json = {
        Image: d.image,
        Env: envs.get(d.name),
        Labels: { ...base, [CONTAINER_LABEL]: d.name },
        StopTimeout: this.wallSeconds((d.stopTimeout as number | undefined) ?? 30),
        Healthcheck: d.healthCheck ? this.healthcheck(d.healthCheck) : undefined,
        ExposedPorts: netOwner
          ? undefined
          : Object.fromEntries(
              (d.portMappings ?? []).map((p) => [`${p.containerPort}/${p.protocol ?? 'tcp'}`, {}]),
            ),
        HostConfig: {
          ...(netOwner ? { NetworkMode: `container:${netOwner}` } : host),
          ReadonlyRootfs: d.readonlyRootFilesystem === true,
          Tmpfs: d.readonlyRootFilesystem === true ? { '/tmp': 'rw,size=64m' } : undefined,
          ...this.limits(task, d),
        },
      };
      const command = (override?.command as string[] | undefined) ?? (d.command as string[] | undefined);
      if (command) config.Cmd = command;
      if (d.entryPoint) config.Entrypoint = d.entryPoint;
      if (d.workingDirectory) config.WorkingDir = d.workingDirectory;
      if (d.user) config.User = d.user;
      if (!netOwner) config.NetworkingConfig = { EndpointsConfig: { [net.name]: { Aliases: aliases } } };
      const id = await this.create(name(d.name), config);
      c.id = id;
      this.byId.set(id, { run, name: d.name });
      netOwner ??= id;
      try {
        await engine.call('POST', `/containers/${id}/start`);
        this.followLogs(task, d, id);
      } catch (err) {
        // A start refused by the runtime (bad command, port bind): the container never ran.
        const reason = `CannotStartContainerError: ${(err as Error).message}`;
        return taskFailedToStart(ecs, task, reason, d.name);
      }
      c.started = true;
      run.changed.emit('change');
    }
    if (run.stopRequested || !netOwner) return;
    const info = await engine.call<{ NetworkSettings: { Networks: Record<string, { IPAddress: string }> } }>(
      'GET',
      `/containers/${netOwner}/json`,
    );
    const ip = info.NetworkSettings.Networks[net.name]?.IPAddress ?? task.ip;
    containersStarted(ecs, task, ip);
  }

  private async create(name: string, config: Json): Promise<string> {
    const out = await this.opts.engine.call<{ Id: string }>(
      'POST',
      `/containers/create?name=${encodeURIComponent(name)}`,
      config,
    );
    return out.Id;
  }

  /** The engine has the image locally, else pulls it (from the emulator's registry with a fresh token). */
  private async ensureImage(image: string): Promise<void> {
    const engine = this.opts.engine;
    const byDigest = image.includes('@sha256:');
    const fromRegistry = image.startsWith(`${this.world.host}/`);
    if ((byDigest || !fromRegistry) && (await engine.imageExists(image))) return;
    if (!fromRegistry) {
      if (await engine.imageExists(image)) return;
      throw new Error(`${image}: not found`);
    }
    const store = ecrStore({
      world: this.world,
      clock: this.world.clock,
      region: this.world.region,
      accountId: this.world.accountId,
      host: this.world.host,
    } as Parameters<typeof ecrStore>[0]);
    const token = store.issueToken({
      clock: this.world.clock,
      region: this.world.region,
      accountId: this.world.accountId,
      host: this.world.host,
    });
    try {
      await engine.pull(image, { username: 'AWS', password: token.password, serveraddress: this.world.host });
    } catch (err) {
      if (err instanceof EngineError)
        throw new Error(
          /not found|manifest unknown/i.test(err.message) ? `${image}: not found` : err.message,
        );
      throw err;
    }
  }

  private environment(task: Task, d: ContainerDef): string[] {
    const env = new Map<string, string>();
    for (const e of (d.environment as { name: string; value: string }[] | undefined) ?? [])
      env.set(e.name, e.value);
    const secrets = secretsOf(this.world);
    for (const s of (d.secrets as { name: string; valueFrom: string }[] | undefined) ?? [])
      env.set(s.name, secrets.resolve(s.valueFrom));
    for (const e of (containerOverride(task, d.name)?.environment as { name: string; value: string }[]) ?? [])
      env.set(e.name, e.value);
    // What the ECS agent gives every task.
    env.set('ECS_CONTAINER_METADATA_URI_V4', `http://169.254.170.2/v4/${task.id}`);
    env.set('AWS_REGION', this.world.region);
    env.set('AWS_DEFAULT_REGION', this.world.region);
    env.set('AWS_EXECUTION_ENV', 'AWS_ECS_FARGATE');
    return [...env].map(([k, v]) => `${k}=${v}`);
  }

  /** ECS's health check (emulated seconds) as docker's (nanoseconds of wall time, at least 2 s apart). */
  private healthcheck(hc: NonNullable<ContainerDef['healthCheck']>): Json {
    const wall = (s: number) => Math.round(Math.max(MIN_WALL_INTERVAL_MS / 1000, s / this.opts.speed) * NS);
    return {
      Test: hc.command,
      Interval: wall(hc.interval ?? 30),
      // Wall time, at least 10 s: a check's own process start (a node -e under the task's cpu quota, run
      // through the engine's exec) took over 5 s on a shared 2-core machine at load 10+, failing a healthy
      // frontend in a cold demo run.
      Timeout: Math.round(Math.max(10, hc.timeout ?? 5) * NS),
      Retries: hc.retries ?? 3,
      StartPeriod: Math.round(((hc.startPeriod ?? 0) / this.opts.speed) * NS),
    };
  }

  /** Container cpu/memory, else the task's: 1024 cpu units = one core, memory in MiB. */
  private limits(task: Task, d: ContainerDef): Json {
    const cpu = Number(d.cpu || task.cpu || 0);
    const mem = Number(d.memory || task.memory || 0);
    const reservation = Number(d.memoryReservation || 0);
    return {
      NanoCpus: cpu > 0 ? Math.round((cpu / 1024) * NS) : undefined,
      Memory: mem > 0 ? mem * 1024 * 1024 : undefined,
      MemoryReservation: reservation > 0 ? reservation * 1024 * 1024 : undefined,
    };
  }

  private wallSeconds(emulated: number): number {
    return Math.max(1, Math.round(emulated / this.opts.speed));
  }

  private async waitForDependencies(run: TaskRun, d: ContainerDef): Promise<void> {
    const deps = (d.dependsOn as { containerName: string; condition: string }[] | undefined) ?? [];
    for (const dep of deps) {
      const ok = () => {
        const c = run.containers.get(dep.containerName);
        if (!c) return true;
        switch (dep.condition) {
          case 'COMPLETE':
            return c.exitCode !== undefined;
          case 'SUCCESS':
            if (c.exitCode !== undefined && c.exitCode !== 0)
              throw new Error(
                `dependency container ${dep.containerName} exited with code ${c.exitCode}, condition SUCCESS not met`,
              );
            return c.exitCode === 0;
          case 'HEALTHY':
            return c.healthy === true;
          default:
            return c.started;
        }
      };
      while (!ok() && !run.stopRequested) {
        await new Promise((r) => run.changed.once('change', r));
      }
    }
  }

  /** stdout/stderr → the container's awslogs stream `<prefix>/<container>/<task id>`. */
  private followLogs(task: Task, d: ContainerDef, id: string): void {
    const lc = d.logConfiguration;
    if (lc?.logDriver !== 'awslogs') return;
    const group = lc.options?.['awslogs-group'];
    const prefix = lc.options?.['awslogs-stream-prefix'];
    if (!group) return;
    const stream = prefix ? `${prefix}/${d.name}/${task.id}` : task.id;
    this.opts.engine
      .follow(id, (line) => {
        if (!this.closed) this.world.logs.putEvents(group, stream, [line]);
      })
      .catch(() => undefined);
  }

  stop(task: Task): boolean {
    const run = this.runs.get(task.taskArn);
    if (!run) return false;
    run.stopRequested = true;
    run.changed.emit('change');
    void this.stopRun(run).finally(() => {
      this.runs.delete(task.taskArn);
      containersStopped(this.world.ecs, task);
    });
    return true;
  }

  /** SIGTERM (docker stop waits the container's StopTimeout, then SIGKILLs), then removes the containers. */
  private async stopRun(run: TaskRun): Promise<void> {
    await run.launched;
    const engine = this.opts.engine;
    const ids = [...run.containers.values()].filter((c) => c.id);
    await Promise.all(
      ids.map(async (c) => {
        if (c.exitCode === undefined)
          await engine
            .call('POST', `/containers/${c.id}/stop`, undefined, undefined, 0)
            .catch(() => undefined);
        const state = await engine
          .call<{ State: { ExitCode: number; OOMKilled: boolean } }>('GET', `/containers/${c.id}/json`)
          .catch(() => undefined);
        if (state && state.State.ExitCode !== undefined) {
          const container = run.task.containers.find((x) => x.name === c.def.name);
          if (container) {
            container.exitCode = state.State.ExitCode;
            container.lastStatus = 'STOPPED';
            if (state.State.OOMKilled)
              container.reason ??= 'OutOfMemoryError: Container killed due to memory usage';
          }
        }
      }),
    );
    for (const c of run.task.containers) c.lastStatus = 'STOPPED';
    await Promise.all(
      [...ids.map((c) => c.id as string), ...(run.holder ? [run.holder] : [])].map((id) =>
        this.remove(id).finally(() => this.byId.delete(id)),
      ),
    );
  }

  private async remove(id: string): Promise<void> {
    await this.opts.engine.call('DELETE', `/containers/${id}?force=1&v=1`).catch(() => undefined);
  }

  /** Removes every container and network of this emulator (on stop and reset). */
  async dispose(): Promise<void> {
    this.closed = true;
    for (const run of this.runs.values()) run.stopRequested = true;
    this.events?.destroy();
    await removeOwned(this.opts.engine, `${LABEL}=${this.opts.instance}`);
    this.runs.clear();
    this.byId.clear();
  }
}

interface EngineEvent {
  id?: string;
  status?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

function containerOverride(task: Task, name: string): Json | undefined {
  return ((task.overrides.containerOverrides as Json[] | undefined) ?? []).find((o) => o.name === name);
}

/** Force-removes the containers (then networks) matching a label filter. */
export async function removeOwned(engine: Engine, label: string): Promise<number> {
  const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
  const list = await engine
    .call<{ Id: string }[]>('GET', `/containers/json?all=1&filters=${filters}`)
    .catch(() => [] as { Id: string }[]);
  await Promise.all(
    list.map((c) => engine.call('DELETE', `/containers/${c.Id}?force=1&v=1`).catch(() => undefined)),
  );
  const nets = await engine
    .call<{ Id: string }[]>('GET', `/networks?filters=${filters}`)
    .catch(() => [] as { Id: string }[]);
  await Promise.all(nets.map((n) => engine.call('DELETE', `/networks/${n.Id}`).catch(() => undefined)));
  return list.length;
}

/**
 * Removes what emulators that are no longer running left behind (their pid label names a dead
 * process); containers of running emulators, and everything not labelled by an emulator, are kept.
 */
export async function removeOrphans(engine: Engine): Promise<number> {
  const filters = encodeURIComponent(JSON.stringify({ label: [LABEL] }));
  const list = await engine
    .call<{ Id: string; Labels: Record<string, string> }[]>(
      'GET',
      `/containers/json?all=1&filters=${filters}`,
    )
    .catch(() => []);
  const nets = await engine
    .call<{ Id: string; Labels: Record<string, string> }[]>('GET', `/networks?filters=${filters}`)
    .catch(() => []);
  const dead = (labels: Record<string, string>) => {
    const pid = Number(labels[PID_LABEL]);
    if (!pid || pid === process.pid) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };
  const gone = list.filter((c) => dead(c.Labels));
  await Promise.all(
    gone.map((c) => engine.call('DELETE', `/containers/${c.Id}?force=1&v=1`).catch(() => undefined)),
  );
  await Promise.all(
    nets
      .filter((n) => dead(n.Labels))
      .map((n) => engine.call('DELETE', `/networks/${n.Id}`).catch(() => undefined)),
  );
  return gone.length;
}

export { readAll };
