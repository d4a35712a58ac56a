// Reads the hand-off from terraform/: a `terraform output -json` file, whose `services` output holds the
// deployment settings of every service (terraform/outputs.tf). Owns parsing and validating that file into
// typed settings; it does not call AWS and does not decide how the settings are used.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
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

const arn = z.string().regex(/^arn:aws[a-z-]*:/, 'must be an ARN (arn:aws:…)');
const optionalArn = arn.nullish().transform((v) => v ?? undefined);

const serviceSchema = z.object({
  cluster: z.string().min(1),
  cluster_arn: arn,
  service: z.string().min(1),
  service_arn: arn,
  task_family: z.string().min(1),
  container_name: z.string().min(1),
  container_port: z.number().int().min(1).max(65535),
  repository_name: z.string().min(1),
  repository_url: z.string().min(1),
  task_role_arn: arn,
  execution_role_arn: arn,
  log_group: z.string().min(1),
  subnets: z.array(z.string().regex(/^subnet-/, 'must be a subnet ID (subnet-…)')).min(1),
  security_groups: z.array(z.string().regex(/^sg-/, 'must be a security group ID (sg-…)')).min(1),
  assign_public_ip: z.boolean(),
  deployment_strategy: z.enum(['ROLLING', 'BLUE_GREEN']),
  cpu_architecture: z.enum(['X86_64', 'ARM64']).optional(),
  discovery_name: z.string().min(1),
  database_secret_arn: optionalArn,
  target_groups: z.object({ blue: optionalArn, green: optionalArn }),
  listener_rules: z.object({ production: optionalArn, test: optionalArn }),
  environment: z.record(z.string(), z.string()).optional(),
  secrets: z.record(z.string(), arn).optional(),
});

/** `terraform output -json`: { name: { value, type, sensitive } }. */
const outputFileSchema = z.object({
  services: z.object({ value: z.record(z.string(), serviceSchema) }),
  github_deploy_role_arn: z.object({ value: optionalArn }).optional(),
  gitlab_deploy_role_arn: z.object({ value: optionalArn }).optional(),
  ecs_infrastructure_role_arn: z.object({ value: optionalArn }).optional(),
});

function toSettings(s: z.infer<typeof serviceSchema>): TerraformServiceSettings {
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
