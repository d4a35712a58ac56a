// Completes the manifests' deploy sections from the terraform hand-off (outputs.ts), so a manifest need not
// repeat what terraform/ provisioned: cluster, ECS service name, network, and for blue/green, canary and
// linear services the target groups, listener rules, infrastructure role and container port; the container
// environment and secrets terraform/ gives the service; and, for render, the task family, roles and log group
// (manifest.provisioned) a template may leave out. Pure: no file,
// no AWS. What the manifest writes wins (field by field for cluster and service; network and blueGreen
// are taken whole); a deploy field that neither source sets is a UserError naming both.
import { isNativeTrafficStrategy } from '../deploy/blue-green.js';
import { UserError } from '../errors.js';
import type { DeploySettings, ServiceManifest } from '../manifest/schema.js';
import type { TerraformOutputs, TerraformServiceSettings } from './outputs.js';

type BlueGreen = NonNullable<DeploySettings['blueGreen']>;

interface Missing {
  file: string;
  field: string;
  /** Why the terraform outputs do not provide it either. */
  outputs: string;
}

/**
 * Each manifest with a deploy section, completed from the outputs of its service (outputs.services[<name>]).
 * Services of the outputs that no manifest names are ignored; manifests without a deploy section are
 * returned unchanged. `outputsFile` names the outputs in errors.
 */
export function applyTerraformOutputs(
  manifests: ServiceManifest[],
  outputs: TerraformOutputs,
  outputsFile: string,
): ServiceManifest[] {
  const missing: Missing[] = [];
  const completed = manifests.map((m) => {
    if (!m.deploy) return m;
    const tf = outputs.services[m.name];
    const deploy = tf ? fill(m.deploy, tf, outputs) : m.deploy;
    const provisioned = tf
      ? {
          family: tf.taskFamily,
          executionRoleArn: tf.executionRoleArn,
          taskRoleArn: tf.taskRoleArn,
          logGroup: tf.logGroup,
          repositoryName: tf.repositoryName,
        }
      : m.provisioned;
    const absent = (field: string, why: string) =>
      missing.push({ file: m.file, field, outputs: tf ? why : noService(m.name, outputs) });
    if (!deploy.cluster) absent('deploy.cluster', '');
    if (isNativeTrafficStrategy(deploy.strategy) && !deploy.blueGreen) {
      absent('deploy.blueGreen', tf ? blueGreenGap(m.name, tf, outputs) : '');
    }
    if (deploy.strategy === 'codedeploy' && !deploy.codedeploy) {
      absent('deploy.codedeploy', 'terraform/ creates no CodeDeploy application or deployment group');
    }
    return { ...m, deploy, ...(provisioned ? { provisioned } : {}) };
  });
  if (missing.length > 0) throw missingError(missing, outputsFile);
  return completed;
}

function fill(
  deploy: DeploySettings,
  tf: TerraformServiceSettings,
  outputs: TerraformOutputs,
): DeploySettings {
  const blueGreen =
    deploy.blueGreen ?? (isNativeTrafficStrategy(deploy.strategy) ? blueGreenFrom(tf, outputs) : undefined);
  return {
    ...deploy,
    cluster: deploy.cluster ?? tf.cluster,
    service: deploy.service ?? tf.service,
    ...(deploy.cpuArchitecture || tf.cpuArchitecture
      ? { cpuArchitecture: deploy.cpuArchitecture ?? tf.cpuArchitecture }
      : {}),
    // Terraform's environment and secrets (upstream URLs, the database) under the manifest's own.
    environment: { ...tf.environment, ...deploy.environment },
    secrets: { ...tf.secrets, ...deploy.secrets },
    network: deploy.network ?? {
      subnets: tf.subnets,
      securityGroups: tf.securityGroups,
      assignPublicIp: tf.assignPublicIp,
    },
    ...(blueGreen ? { blueGreen } : {}),
  };
}

/** The blueGreen section terraform provisioned, when it provisioned everything ECS needs for one. */
export function blueGreenFrom(
  tf: TerraformServiceSettings,
  outputs: TerraformOutputs,
): BlueGreen | undefined {
  const { blue, green } = tf.targetGroups;
  const { production, test } = tf.listenerRules;
  const roleArn = outputs.ecsInfrastructureRoleArn;
  if (!(blue && green && production && roleArn)) return undefined;
  return {
    targetGroup: blue,
    alternateTargetGroup: green,
    productionListenerRule: production,
    ...(test ? { testListenerRule: test } : {}),
    roleArn,
    containerPort: tf.containerPort,
    // Terraform's bake time, so a deploy does not reset what the service was created with (the
    // manifest schema's default where the outputs predate it).
    bakeTimeMinutes: tf.bakeTimeMinutes ?? 5,
  };
}

function blueGreenGap(name: string, tf: TerraformServiceSettings, outputs: TerraformOutputs): string {
  const lacks = [
    tf.targetGroups.blue ? '' : 'target_groups.blue',
    tf.targetGroups.green ? '' : 'target_groups.green',
    tf.listenerRules.production ? '' : 'listener_rules.production',
  ].filter(Boolean);
  if (lacks.length > 0) {
    return `services.${name} has no ${lacks.join(', ')} (terraform deploys it ${tf.deploymentStrategy}; set blue_green = true in var.services)`;
  }
  return outputs.ecsInfrastructureRoleArn ? '' : 'the ecs_infrastructure_role_arn output is null';
}

function noService(name: string, outputs: TerraformOutputs): string {
  const known = Object.keys(outputs.services).sort();
  return `it has no service "${name}"; it has: ${known.join(', ') || 'none'}`;
}

function missingError(missing: Missing[], outputsFile: string): UserError {
  const line = (m: Missing) =>
    `${m.field}: set neither in ${m.file} nor in ${outputsFile}${m.outputs ? ` (${m.outputs})` : ''}`;
  const single = missing.length === 1;
  return new UserError(
    single
      ? line(missing[0])
      : `${missing.length} deploy settings missing:\n${missing.map((m) => `  ${line(m)}`).join('\n')}`,
    single ? missing[0].file : outputsFile,
    'write the field in the manifest, or add the service to terraform/ (var.services) and re-export `terraform output -json`',
  );
}
