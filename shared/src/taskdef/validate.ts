// The rules a rendered task definition must meet before anything is registered: per container (secrets
// only as references, Fargate-compatible settings, dependencies that can be met, awslogs complete) and
// per task (Fargate compatibility, size, storage, platform, roles). Each broken rule becomes a Problem
// naming the field and the fix; render.ts fills and defaults, this module only judges.
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { checkFargateSize } from './fargate.js';
import type { Problems } from './problems.js';
import { invalidSecretReference, looksSecretName, secretValueShape } from './secrets.js';
import { isRecord } from './shape.js';

export type Container = ContainerDefinition & Record<string, unknown>;

/** Where a variable or secret came from, when it was the manifest: that field is the one to fix. */
export type ManifestField = (
  c: Container,
  kind: 'environment' | 'secrets',
  name: string,
) => string | undefined;

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ARCHITECTURES = ['X86_64', 'ARM64'];

export function containerLabel(c: Container, i: number): string {
  return `containerDefinitions[${typeof c.name === 'string' && c.name ? c.name : i}]`;
}

export function validateContainers(
  containers: Container[],
  problems: Problems,
  fromManifest: ManifestField,
  /** Variables the manifest keeps in plaintext on purpose (deploy.allowPlaintext). */
  allowPlaintext: readonly string[] = [],
): void {
  const names = containers
    .map((c) => c.name)
    .filter(Boolean)
    .join(', ');
  containers.forEach((c, i) => {
    const at = containerLabel(c, i);
    for (const [j, e] of (Array.isArray(c.environment) ? c.environment : []).entries()) {
      if (!isRecord(e) || typeof e.name !== 'string') {
        problems.add(
          `${at}.environment[${j}]`,
          'needs a name',
          'write environment entries as {"name": "...", "value": "..."}',
        );
        continue;
      }
      // ECS takes strings only; a JSON number or boolean is what the author meant as text.
      if (typeof e.value === 'number' || typeof e.value === 'boolean') e.value = String(e.value);
      if (typeof e.value !== 'string' || e.value === '' || allowPlaintext.includes(e.name)) continue;
      // By name (DB_PASSWORD) or by value (a URL with a password, a token, a key), whatever the name.
      const shape = looksSecretName(e.name) ? 'a secret (by its name)' : secretValueShape(e.name, e.value);
      if (shape) {
        const manifestField = fromManifest(c, 'environment', e.name);
        problems.add(
          manifestField ?? `${at}.environment.${e.name}`,
          `looks like ${shape} but is a literal value (anyone who can describe the task definition reads it)`,
          `store it in SSM Parameter Store or Secrets Manager and list it under deploy.secrets ({"${e.name}": "arn:aws:ssm:…:parameter/…"}), or as secrets[].valueFrom in the template; if it is not a secret, list it in deploy.allowPlaintext`,
        );
      }
    }
    for (const [j, s] of (Array.isArray(c.secrets) ? c.secrets : []).entries()) {
      const name = isRecord(s) && typeof s.name === 'string' ? s.name : String(j);
      const why = isRecord(s) ? invalidSecretReference(s.valueFrom) : 'is not an object';
      if (why) {
        problems.add(
          fromManifest(c, 'secrets', name) ?? `${at}.secrets.${name}.valueFrom`,
          why,
          'use an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>) or name, or a Secrets Manager ARN',
        );
      }
    }
    if (c.privileged === true) {
      problems.add(`${at}.privileged`, 'Fargate does not run privileged containers', 'remove "privileged"');
    }
    for (const d of Array.isArray(c.dependsOn) ? c.dependsOn : []) {
      if (!isRecord(d)) continue;
      const target = containers.find((o) => o.name === d.containerName);
      if (!target) {
        problems.add(
          `${at}.dependsOn`,
          `names unknown container "${String(d.containerName)}"`,
          `use one of: ${names}`,
        );
      } else if ((d.condition === 'COMPLETE' || d.condition === 'SUCCESS') && target.essential !== false) {
        problems.add(
          `${at}.dependsOn`,
          `condition ${d.condition} on essential container "${String(d.containerName)}" can never be met`,
          `mark "${String(d.containerName)}" "essential": false (an init container), or use START or HEALTHY`,
        );
      }
    }
    for (const p of Array.isArray(c.portMappings) ? c.portMappings : []) {
      if (isRecord(p) && p.hostPort !== undefined && p.hostPort !== p.containerPort) {
        problems.add(
          `${at}.portMappings`,
          `hostPort ${String(p.hostPort)} differs from containerPort ${String(p.containerPort)}`,
          'with awsvpc networking omit hostPort or make it equal to containerPort',
        );
      }
    }
    const lc = c.logConfiguration;
    if (lc?.logDriver === 'awslogs' && !lc.options?.['awslogs-stream-prefix']) {
      problems.add(
        `${at}.logConfiguration.options.awslogs-stream-prefix`,
        'is required on Fargate',
        'set it (Cendence uses the service name)',
      );
    }
  });
  if (!containers.some((c) => c.essential !== false)) {
    problems.add(
      'containerDefinitions',
      'no container is essential',
      'mark the main container "essential": true',
    );
  }
}

/** Task-level Fargate rules. Normalises cpu/memory ("1 vCPU" → "1024") when they are valid. */
export function validateTask(td: Record<string, unknown>, containers: Container[], problems: Problems): void {
  if (!Array.isArray(td.requiresCompatibilities) || !td.requiresCompatibilities.includes('FARGATE')) {
    problems.add(
      'requiresCompatibilities',
      `${JSON.stringify(td.requiresCompatibilities)} does not include FARGATE`,
      'set "requiresCompatibilities": ["FARGATE"]',
    );
  }
  if (td.networkMode !== 'awsvpc') {
    problems.add(
      'networkMode',
      `"${String(td.networkMode)}" is not supported on Fargate`,
      'set "networkMode": "awsvpc" or remove it',
    );
  }
  const size = checkFargateSize(
    td.cpu as string | number | undefined,
    td.memory as string | number | undefined,
  );
  if (size.ok) {
    td.cpu = size.cpu;
    td.memory = size.memory;
    checkContainerShares(containers, Number(size.cpu), Number(size.memory), problems);
  } else problems.add(size.field, size.message, size.fix);
  const storage = isRecord(td.ephemeralStorage) ? td.ephemeralStorage.sizeInGiB : undefined;
  if (
    storage !== undefined &&
    !(Number.isInteger(storage) && Number(storage) >= 21 && Number(storage) <= 200)
  ) {
    problems.add(
      'ephemeralStorage.sizeInGiB',
      `${JSON.stringify(storage)} is outside Fargate's 21–200 GiB`,
      'use a whole number from 21 to 200, or remove it for the default 20 GiB',
    );
  }
  const platform = isRecord(td.runtimePlatform) ? td.runtimePlatform : {};
  if (!ARCHITECTURES.includes(String(platform.cpuArchitecture))) {
    problems.add(
      'runtimePlatform.cpuArchitecture',
      `"${String(platform.cpuArchitecture)}" is not X86_64 or ARM64`,
      'use X86_64 or ARM64',
    );
  }
  if (typeof td.executionRoleArn !== 'string') {
    problems.add(
      'executionRoleArn',
      'is missing; Fargate needs an execution role to pull from ECR, write awslogs and read secrets',
      'set "executionRoleArn" to the task execution role ARN (arn:aws:iam::<account>:role/<name>)',
    );
  }
  for (const key of ['executionRoleArn', 'taskRoleArn'] as const) {
    const v = td[key];
    if (typeof v === 'string' && !ROLE_ARN.test(v)) {
      problems.add(key, `"${v}" is not an IAM role ARN`, 'use arn:aws:iam::<account>:role/<name>');
    }
  }
}

/** Containers' own cpu and hard memory limits must fit in the task's (ECS rejects the task otherwise). */
function checkContainerShares(
  containers: Container[],
  cpu: number,
  memory: number,
  problems: Problems,
): void {
  const sum = (key: 'cpu' | 'memory') =>
    containers.reduce((n, c) => n + (typeof c[key] === 'number' ? c[key] : 0), 0);
  if (sum('cpu') > cpu) {
    problems.add(
      'containerDefinitions[*].cpu',
      `containers reserve ${sum('cpu')} CPU units, more than the task's ${cpu}`,
      "lower the containers' cpu, or raise the task-level cpu",
    );
  }
  if (sum('memory') > memory) {
    problems.add(
      'containerDefinitions[*].memory',
      `containers' hard memory limits add up to ${sum('memory')} MiB, more than the task's ${memory}`,
      "lower the containers' memory (or use memoryReservation), or raise the task-level memory",
    );
  }
}
