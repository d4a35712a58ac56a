// The AppSpec of an ECS deployment (YAML or JSON): which task definition replaces the service's, and
// which container and port the load balancer sends traffic to. parseAppSpec checks the document's
// shape (CreateDeployment refuses a malformed one); whether the task definition, container and port
// exist is checked when the deployment runs, where CodeDeploy reports it as ECS_UPDATE_ERROR.
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';

export const ECS_HOOKS = [
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
];

export interface EcsAppSpec {
  taskDefinition: string;
  containerName: string;
  containerPort: number;
  platformVersion?: string;
  networkConfiguration?: Record<string, unknown>;
  capacityProviderStrategy?: Record<string, unknown>[];
  /** Hook name → Lambda function (recorded; the emulator has no Lambda to invoke). */
  hooks: { event: string; function: string }[];
}

export class AppSpecError extends Error {}

export function sha256Hex(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

export function parseAppSpec(content: string): EcsAppSpec {
  let doc: unknown;
  try {
    doc = content.trimStart().startsWith('{') ? JSON.parse(content) : parseYaml(content);
  } catch (e) {
    throw new AppSpecError(
      `The AppSpec content is not valid JSON or YAML: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  const spec = doc as { Resources?: unknown; Hooks?: unknown } | null;
  if (!spec || typeof spec !== 'object')
    throw new AppSpecError('The AppSpec content must be a JSON or YAML object.');
  if (!Array.isArray(spec.Resources) || spec.Resources.length !== 1) {
    throw new AppSpecError(
      'The AppSpec file must list exactly one resource under Resources for an ECS deployment.',
    );
  }
  const [entry] = spec.Resources as Record<string, unknown>[];
  const [resourceName] = Object.keys(entry ?? {});
  const resource = entry?.[resourceName] as
    | { Type?: unknown; Properties?: Record<string, unknown> }
    | undefined;
  if (resource?.Type !== 'AWS::ECS::Service') {
    throw new AppSpecError(`The AppSpec resource '${resourceName ?? ''}' must have Type AWS::ECS::Service.`);
  }
  const props = resource.Properties ?? {};
  const taskDefinition = props.TaskDefinition;
  if (typeof taskDefinition !== 'string' || taskDefinition === '') {
    throw new AppSpecError('The AppSpec resource needs Properties.TaskDefinition (a task definition ARN).');
  }
  const lb = props.LoadBalancerInfo as { ContainerName?: unknown; ContainerPort?: unknown } | undefined;
  const containerPort = Number(lb?.ContainerPort);
  if (typeof lb?.ContainerName !== 'string' || !Number.isInteger(containerPort) || containerPort < 1) {
    throw new AppSpecError(
      'The AppSpec resource needs Properties.LoadBalancerInfo.ContainerName and ContainerPort.',
    );
  }
  const hooks: EcsAppSpec['hooks'] = [];
  if (spec.Hooks !== undefined) {
    if (!Array.isArray(spec.Hooks)) throw new AppSpecError('Hooks must be a list.');
    for (const h of spec.Hooks as Record<string, unknown>[]) {
      for (const [event, fn] of Object.entries(h ?? {})) {
        if (!ECS_HOOKS.includes(event)) {
          throw new AppSpecError(
            `The lifecycle event '${event}' is not valid for ECS; use one of ${ECS_HOOKS.join(', ')}.`,
          );
        }
        hooks.push({ event, function: String(fn) });
      }
    }
  }
  const net = props.NetworkConfiguration as { AwsvpcConfiguration?: Record<string, unknown> } | undefined;
  return {
    taskDefinition,
    containerName: lb.ContainerName,
    containerPort,
    platformVersion: typeof props.PlatformVersion === 'string' ? props.PlatformVersion : undefined,
    networkConfiguration: net?.AwsvpcConfiguration
      ? { awsvpcConfiguration: lowerKeys(net.AwsvpcConfiguration) }
      : undefined,
    capacityProviderStrategy: Array.isArray(props.CapacityProviderStrategy)
      ? (props.CapacityProviderStrategy as Record<string, unknown>[]).map(lowerKeys)
      : undefined,
    hooks,
  };
}

/** AppSpec uses PascalCase keys; the ECS API camelCase. */
function lowerKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), v]));
}
