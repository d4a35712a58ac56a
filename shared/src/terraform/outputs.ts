// Reads the hand-off from terraform/: a `terraform output -json` file, whose `services` output holds the
// deployment settings of every service (terraform/outputs.tf). Owns parsing and validating that file into
// typed settings; it does not call AWS and does not decide how the settings are used.
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { UserError } from '../errors.js';
import { parseStrictJson } from '../strict-json.js';

/** Where and how one service is deployed, as provisioned by terraform/. */
export interface TerraformServiceSettings {
  cluster: string;
  clusterArn: string;
  service: string;
  serviceArn: string;
  taskFamily: string;
  containerName: string;
  containerPort: number;
  repositoryName: string;
  repositoryUrl: string;
  taskRoleArn: string;
  executionRoleArn: string;
  logGroup: string;
  subnets: string[];
  securityGroups: string[];
  assignPublicIp: boolean;
  deploymentStrategy: 'ROLLING' | 'BLUE_GREEN';
  /** Blue/green bake time terraform gave the service (var.blue_green_bake_time_minutes); absent in older outputs. */
  bakeTimeMinutes?: number;
  /** Fargate CPU architecture chosen in var.services (X86_64 when the output predates it). */
  cpuArchitecture?: 'X86_64' | 'ARM64';
  discoveryName: string;
  /** The RDS-managed credentials, for services that use the database. */
  databaseSecretArn?: string;
  /** Present for services behind the ALB; green only for blue/green services. */
  targetGroups: { blue?: string; green?: string };
  listenerRules: { production?: string; test?: string };
  /** Container environment and secrets (name → value / ARN) terraform/ gives the service's tasks. */
  environment: Record<string, string>;
  secrets: Record<string, string>;
}

export interface TerraformOutputs {
  /** Settings per service name (the keys of the services map in terraform/variables.tf). */
  services: Record<string, TerraformServiceSettings>;
  /** Role the CI assumes, when terraform created one. */
  githubDeployRoleArn?: string;
  gitlabDeployRoleArn?: string;
  /** Role ECS uses to shift ALB traffic in native blue/green deployments (deploy.blueGreen.roleArn). */
  ecsInfrastructureRoleArn?: string;
}

// zod/mini carries no messages of its own: the English ones only, for the lines below that print them.
z.config(en());

const arn = z.string().check(z.regex(/^arn:aws[a-z-]*:/, 'must be an ARN (arn:aws:…)'));
const optionalArn = z.pipe(
  z.nullish(arn),
  z.transform((v: string | null | undefined) => v ?? undefined),
);
const nonEmpty = () => z.string().check(z.minLength(1));
const ids = (prefix: string, what: string) =>
  z
    .array(z.string().check(z.regex(new RegExp(`^${prefix}-`), `must be a ${what} ID (${prefix}-…)`)))
    .check(z.minLength(1));

const serviceSchema = z.object({
  cluster: nonEmpty(),
  cluster_arn: arn,
  service: nonEmpty(),
  service_arn: arn,
  task_family: nonEmpty(),
  container_name: nonEmpty(),
  container_port: z.int().check(z.gte(1), z.lte(65535)),
  repository_name: nonEmpty(),
  repository_url: nonEmpty(),
  task_role_arn: arn,
  execution_role_arn: arn,
  log_group: nonEmpty(),
  subnets: ids('subnet', 'subnet'),
  security_groups: ids('sg', 'security group'),
  assign_public_ip: z.boolean(),
  deployment_strategy: z.enum(['ROLLING', 'BLUE_GREEN']),
  bake_time_minutes: z.nullish(z.int().check(z.gte(0), z.lte(1440))),
  cpu_architecture: z.optional(z.enum(['X86_64', 'ARM64'])),
  discovery_name: nonEmpty(),
  database_secret_arn: optionalArn,
  target_groups: z.object({ blue: optionalArn, green: optionalArn }),
  listener_rules: z.object({ production: optionalArn, test: optionalArn }),
  environment: z.optional(z.record(z.string(), z.string())),
  secrets: z.optional(z.record(z.string(), arn)),
});

/** `terraform output -json`: { name: { value, type, sensitive } }. */
const outputFileSchema = z.object({
  services: z.object({ value: z.record(z.string(), serviceSchema) }),
  github_deploy_role_arn: z.optional(z.object({ value: optionalArn })),
  gitlab_deploy_role_arn: z.optional(z.object({ value: optionalArn })),
  ecs_infrastructure_role_arn: z.optional(z.object({ value: optionalArn })),
});

function toSettings(s: z.output<typeof serviceSchema>): TerraformServiceSettings {
  const settings: TerraformServiceSettings = {
    cluster: s.cluster,
    clusterArn: s.cluster_arn,
    service: s.service,
    serviceArn: s.service_arn,
    taskFamily: s.task_family,
    containerName: s.container_name,
    containerPort: s.container_port,
    repositoryName: s.repository_name,
    repositoryUrl: s.repository_url,
    taskRoleArn: s.task_role_arn,
    executionRoleArn: s.execution_role_arn,
    logGroup: s.log_group,
    subnets: s.subnets,
    securityGroups: s.security_groups,
    assignPublicIp: s.assign_public_ip,
    deploymentStrategy: s.deployment_strategy,
    discoveryName: s.discovery_name,
    targetGroups: dropUndefined({ blue: s.target_groups.blue, green: s.target_groups.green }),
    listenerRules: dropUndefined({ production: s.listener_rules.production, test: s.listener_rules.test }),
    environment: s.environment ?? {},
    secrets: s.secrets ?? {},
  };
  if (s.cpu_architecture) settings.cpuArchitecture = s.cpu_architecture;
  if (s.bake_time_minutes != null) settings.bakeTimeMinutes = s.bake_time_minutes;
  if (s.database_secret_arn) settings.databaseSecretArn = s.database_secret_arn;
  if (
    settings.deploymentStrategy === 'BLUE_GREEN' &&
    !(settings.targetGroups.green && settings.listenerRules.production)
  ) {
    throw new Error('BLUE_GREEN needs target_groups.green and listener_rules.production');
  }
  return settings;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const FIX = 'write the file with `terraform output -json > <file>` in terraform/ (after terraform apply)';

/** Parses the text of a `terraform output -json` file; `file` names it in errors. */
export function parseTerraformOutputs(text: string, file: string): TerraformOutputs {
  const json = parseStrictJson(text, { file, fix: FIX });
  const parsed = outputFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    const missing = parsed.error.issues.some((i) => i.path.length === 1 && i.path[0] === 'services');
    throw new UserError(
      missing
        ? 'no `services` output: is this the output of terraform/ (outputs.tf)?'
        : `unexpected terraform outputs:\n  ${issues.join('\n  ')}`,
      file,
      FIX,
    );
  }
  const services: Record<string, TerraformServiceSettings> = {};
  for (const [name, raw] of Object.entries(parsed.data.services.value)) {
    try {
      services[name] = toSettings(raw);
    } catch (error) {
      throw new UserError(`services.value.${name}: ${(error as Error).message}`, file, FIX);
    }
  }
  const outputs: TerraformOutputs = { services };
  const github = parsed.data.github_deploy_role_arn?.value;
  const gitlab = parsed.data.gitlab_deploy_role_arn?.value;
  if (github) outputs.githubDeployRoleArn = github;
  if (gitlab) outputs.gitlabDeployRoleArn = gitlab;
  const infrastructure = parsed.data.ecs_infrastructure_role_arn?.value;
  if (infrastructure) outputs.ecsInfrastructureRoleArn = infrastructure;
  return outputs;
}

/** Reads a `terraform output -json` file: deployment settings per service, so manifests need no ARNs. */
export function loadTerraformOutputs(file: string): TerraformOutputs {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(
      `cannot read terraform outputs: ${(error as NodeJS.ErrnoException).code ?? error}`,
      file,
      FIX,
    );
  }
  return parseTerraformOutputs(text, file);
}

/** The settings of one service, or a UserError naming the services that exist. */
export function terraformServiceSettings(
  outputs: TerraformOutputs,
  service: string,
  file: string,
): TerraformServiceSettings {
  const settings = outputs.services[service];
  if (!settings) {
    throw new UserError(
      `no service "${service}" in the terraform outputs (it has: ${Object.keys(outputs.services).sort().join(', ')})`,
      file,
      'add the service to var.services in terraform/ and apply, or check the service name',
    );
  }
  return settings;
}
