// Task definitions: RegisterTaskDefinition with ECS's validation (Fargate network mode and cpu/memory
// table, container names, essential containers, awslogs and secrets needing an execution role, ...),
// revisions per family, describe (with include TAGS), list, list families, deregister.
import { worldOf } from '../context.js';
import type { HandlerContext, ServiceHandlers } from '../types.js';
import { AwsError } from '../types.js';
import type { ContainerDef, Json, Tag, TaskDefinition } from './model.js';
import type { EcsState } from './state.js';

const client = (message: string) => new AwsError('ClientException', message);
const ecsOf = (ctx: HandlerContext): EcsState => worldOf(ctx).ecs;

/** Valid Fargate memory (MiB) per task cpu (units). */
const FARGATE_SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** "1 vCPU" → "1024", "0.25 vcpu" → "256", "512" → "512". */
export function normalizeCpu(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v).trim();
  const m = /^(\d+(?:\.\d+)?)\s*vcpu$/i.exec(s);
  if (m) return String(Math.round(Number(m[1]) * 1024));
  if (/^\d+$/.test(s)) return s;
  throw client(
    `Invalid 'cpu' setting for task: "${s}". Use CPU units (for example 256) or vCPU (for example "1 vCPU").`,
  );
}

/** "2 GB" → "2048", "512" → "512". */
export function normalizeMemory(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v).trim();
  const m = /^(\d+(?:\.\d+)?)\s*gb$/i.exec(s);
  if (m) return String(Math.round(Number(m[1]) * 1024));
  if (/^\d+$/.test(s)) return s;
  throw client(
    `Invalid 'memory' setting for task: "${s}". Use MiB (for example 512) or GB (for example "2 GB").`,
  );
}

function inRange(v: number | undefined, lo: number, hi: number): boolean {
  return v === undefined || (Number.isFinite(v) && v >= lo && v <= hi);
}

export function validateTaskDefinition(input: Json): { cpu?: string; memory?: string } {
  const family = input.family;
  if (typeof family !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(family)) {
    throw client(
      'Family contains invalid characters or is empty: use 1-255 letters, numbers, hyphens and underscores.',
    );
  }
  const containers = input.containerDefinitions as ContainerDef[] | undefined;
  if (!Array.isArray(containers) || containers.length === 0) throw client('Container list cannot be empty.');
  const names = new Set<string>();
  for (const c of containers) {
    if (!c || typeof c.name !== 'string' || c.name === '')
      throw client('Container.name should not be null or empty.');
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(c.name)) {
      throw client(
        `Container name '${c.name}' is invalid: use up to 255 letters, numbers, hyphens and underscores.`,
      );
    }
    if (names.has(c.name))
      throw client(`Container names must be unique within a task definition: '${c.name}' is used twice.`);
    names.add(c.name);
    if (typeof c.image !== 'string' || c.image.trim() === '')
      throw client('Container.image should not be null or empty.');
    const hc = c.healthCheck;
    if (hc) {
      if (hc.command !== undefined && !Array.isArray(hc.command))
        throw new AwsError(
          'SerializationException',
          `Container '${c.name}': healthCheck.command must be a list of strings, e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"].`,
        );
      if (!Array.isArray(hc.command) || hc.command.length === 0)
        throw client(`Container '${c.name}': healthCheck.command is required.`);
      if (!inRange(hc.interval, 5, 300))
        throw client('Health check interval must be between 5 and 300 seconds.');
      if (!inRange(hc.timeout, 2, 60)) throw client('Health check timeout must be between 2 and 60 seconds.');
      if (!inRange(hc.retries, 1, 10)) throw client('Health check retries must be between 1 and 10.');
      if (!inRange(hc.startPeriod, 0, 300))
        throw client('Health check startPeriod must be between 0 and 300 seconds.');
    }
  }
  for (const c of containers) {
    for (const dep of (c.dependsOn as { containerName: string; condition: string }[] | undefined) ?? []) {
      const target = containers.find((x) => x.name === dep.containerName);
      if (!target)
        throw client(
          `Container '${c.name}' depends on '${dep.containerName}', which is not in the task definition.`,
        );
      if ((dep.condition === 'COMPLETE' || dep.condition === 'SUCCESS') && target.essential !== false) {
        throw client(
          `Container '${c.name}': dependency condition ${dep.condition} cannot be used on the essential container '${target.name}'.`,
        );
      }
    }
  }
  if (!containers.some((c) => c.essential !== false))
    throw client('Task definition does not have any essential container.');

  const cpu = normalizeCpu(input.cpu);
  const memory = normalizeMemory(input.memory);
  const networkMode = (input.networkMode as string | undefined) ?? 'bridge';
  if (networkMode === 'awsvpc') {
    // One network namespace per task: a port is the task's, so two mappings of it can never both bind.
    const mapped = new Set<string>();
    for (const c of containers) {
      for (const p of c.portMappings ?? []) {
        if (p.hostPort !== undefined && p.hostPort !== p.containerPort) {
          throw client(
            'When networkMode=awsvpc, the host ports and container ports in port mappings must match.',
          );
        }
        const port = `${String(p.protocol ?? 'tcp').toUpperCase()} host port '${p.containerPort}'`;
        if (mapped.has(port)) throw client(`${port} is mapped multiple times in task.`);
        mapped.add(port);
      }
    }
  }
  const requires = (input.requiresCompatibilities as string[] | undefined) ?? [];
  if (requires.includes('FARGATE')) {
    if (networkMode !== 'awsvpc') throw client('Fargate only supports network mode ‘awsvpc’.');
    if (!cpu) throw client("Fargate requires that 'cpu' be defined at the task level.");
    if (!memory) throw client("Fargate requires that 'memory' be defined at the task level.");
    const allowed = FARGATE_SIZES[Number(cpu)];
    if (!allowed?.includes(Number(memory))) {
      throw client(
        `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`,
      );
    }
    for (const c of containers) {
      const lc = c.logConfiguration;
      if (lc?.logDriver === 'awslogs') {
        if (!input.executionRoleArn)
          throw client(
            'Fargate requires task definition to have execution role ARN to support log driver awslogs.',
          );
        if (!lc.options?.['awslogs-stream-prefix']) {
          throw client(
            `Container '${c.name}': the awslogs-stream-prefix option is required with the awslogs log driver on Fargate.`,
          );
        }
      }
      if (Array.isArray(c.secrets) && c.secrets.length > 0 && !input.executionRoleArn) {
        throw client('Fargate requires task definition to have execution role ARN to support secrets.');
      }
    }
  }
  const eph = (input.ephemeralStorage as { sizeInGiB?: number } | undefined)?.sizeInGiB;
  if (eph !== undefined && !inRange(eph, 21, 200))
    throw client('The ephemeral storage size must be between 21 and 200 GiB.');
  return { cpu, memory };
}

function requiresAttributes(input: Json, containers: ContainerDef[]): { name: string }[] {
  const names = new Set<string>(['com.amazonaws.ecs.capability.docker-remote-api.1.18']);
  if (input.networkMode === 'awsvpc') names.add('ecs.capability.task-eni');
  if (input.executionRoleArn) names.add('ecs.capability.execution-role-ecr-pull');
  if (containers.some((c) => c.logConfiguration?.logDriver === 'awslogs')) {
    names.add('com.amazonaws.ecs.capability.logging-driver.awslogs');
    names.add('ecs.capability.execution-role-awslogs');
  }
  if (containers.some((c) => c.healthCheck)) names.add('ecs.capability.container-health-check');
  if (containers.some((c) => Array.isArray(c.secrets) && c.secrets.length))
    names.add('ecs.capability.secrets.asm.environment-variables');
  return [...names].map((name) => ({ name }));
}

/** Fields the caller may send that the register call echoes back. */
const INPUT_FIELDS = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
];

export function registerTaskDefinition(ecs: EcsState, input: Json, registeredBy: string): TaskDefinition {
  const { cpu, memory } = validateTaskDefinition(input);
  const family = input.family as string;
  const revisions = ecs.taskDefs.get(family) ?? [];
  const revision = revisions.length + 1;
  const arn = ecs.arn(`task-definition/${family}:${revision}`);
  const containers = input.containerDefinitions as ContainerDef[];
  const body: Json = { taskDefinitionArn: arn };
  for (const k of INPUT_FIELDS) if (input[k] !== undefined) body[k] = structuredClone(input[k]);
  body.cpu = cpu;
  body.memory = memory;
  body.revision = revision;
  body.volumes ??= [];
  body.placementConstraints ??= [];
  body.status = 'ACTIVE';
  body.requiresAttributes = requiresAttributes(input, containers);
  const fargateOk = input.networkMode === 'awsvpc' && cpu !== undefined && memory !== undefined;
  body.compatibilities = fargateOk ? ['EC2', 'FARGATE'] : ['EC2'];
  body.registeredAt = new Date(ecs.now());
  body.registeredBy = registeredBy;
  const td: TaskDefinition = {
    arn,
    family,
    revision,
    status: 'ACTIVE',
    body,
    tags: ((input.tags as Tag[] | undefined) ?? []).map((t) => ({ key: t.key, value: t.value })),
  };
  revisions.push(td);
  ecs.taskDefs.set(family, revisions);
  return td;
}

function describeOrThrow(ecs: EcsState, ref: unknown): TaskDefinition {
  const td = typeof ref === 'string' ? ecs.findTaskDef(ref) : undefined;
  if (!td) throw client('Unable to describe task definition.');
  return td;
}

function page<T>(items: T[], input: Json): { items: T[]; nextToken?: string } {
  const start = typeof input.nextToken === 'string' ? Number(input.nextToken) || 0 : 0;
  const max = Math.min(Number(input.maxResults ?? 100), 100);
  const slice = items.slice(start, start + max);
  return { items: slice, nextToken: start + max < items.length ? String(start + max) : undefined };
}

export const taskDefinitionHandlers: ServiceHandlers = {
  RegisterTaskDefinition(input, ctx) {
    const ecs = ecsOf(ctx);
    const td = registerTaskDefinition(ecs, input, `arn:aws:iam::${ctx.accountId}:user/cendence-emulator`);
    return { taskDefinition: td.body, tags: td.tags };
  },

  DescribeTaskDefinition(input, ctx) {
    const td = describeOrThrow(ecsOf(ctx), input.taskDefinition);
    const withTags = Array.isArray(input.include) && input.include.includes('TAGS');
    return { taskDefinition: td.body, tags: withTags ? td.tags : undefined };
  },

  DeregisterTaskDefinition(input, ctx) {
    const ecs = ecsOf(ctx);
    const ref = String(input.taskDefinition ?? '');
    const tail = ref.startsWith('arn:') ? ref.slice(ref.indexOf('task-definition/') + 16) : ref;
    if (!tail.includes(':'))
      throw client('The task definition revision must be specified (family:revision or an ARN).');
    const td = describeOrThrow(ecs, ref);
    if (td.status === 'ACTIVE') {
      td.status = 'INACTIVE';
      td.body.status = 'INACTIVE';
      td.body.deregisteredAt = new Date(ecs.now());
    }
    return { taskDefinition: td.body };
  },

  ListTaskDefinitions(input, ctx) {
    const ecs = ecsOf(ctx);
    const status = input.status ?? 'ACTIVE';
    let all = [...ecs.taskDefs.values()].flat();
    if (input.familyPrefix) all = all.filter((t) => t.family === input.familyPrefix);
    all = all.filter((t) => t.status === status);
    all.sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision);
    if (input.sort === 'DESC') all.reverse();
    const { items, nextToken } = page(
      all.map((t) => t.arn),
      input,
    );
    return { taskDefinitionArns: items, nextToken };
  },

  ListTaskDefinitionFamilies(input, ctx) {
    const ecs = ecsOf(ctx);
    const status = input.status ?? 'ACTIVE';
    const families = [...ecs.taskDefs.entries()]
      .filter(
        ([f, revs]) =>
          f.startsWith(input.familyPrefix ?? '') &&
          (status === 'ALL' || revs.some((r) => r.status === status)),
      )
      .map(([f]) => f)
      .sort();
    const { items, nextToken } = page(families, input);
    return { families: items, nextToken };
  },
};
