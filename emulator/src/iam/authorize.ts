// Permission checks for calls signed with assumed-role credentials (STS sessions), in a world whose IAM is
// enforced: each operation becomes the IAM requests AWS authorises for it (action, resource ARN, condition
// keys such as ecs:cluster, iam:PassedToService, ecs:CreateAction, aws:ResourceTag/…), each evaluated
// against the role's permission policies. Calls with other credentials act as the account's administrator
// (the operator or Terraform), so tests that seed and inspect the world keep working.
import { IAM_PREFIX } from '../../../shared/src/aws/operations.js';
import type { EmulatorContext } from '../context.js';
import { lastSegment } from '../ids.js';
import type { World } from '../state.js';
import { sessionOf } from '../sts/handlers.js';
import type { ServiceName } from '../types.js';
import { evaluatePolicies, type PolicyDocument, type Values } from './policy.js';
import { principalContext } from './simulate.js';
import { iamOf } from './state.js';

export interface IamCall {
  action: string;
  resource: string;
  context?: Record<string, Values | undefined>;
}

export interface Denial {
  code: string;
  message: string;
  status: number;
  action: string;
  resource: string;
}

// biome-ignore lint/suspicious/noExplicitAny: wire input is untyped
type Input = Record<string, any>;

const strings = (v: unknown): string[] =>
  v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String);

/** The IAM requests one API call makes (usually one; RegisterTaskDefinition also passes roles). */
export function iamCalls(
  service: ServiceName,
  operation: string,
  input: Input,
  ctx: EmulatorContext,
): IamCall[] {
  const world = ctx.world;
  const arn = (svc: string, res: string) => `arn:aws:${svc}:${world.region}:${world.accountId}:${res}`;
  const action = `${IAM_PREFIX[service]}:${operation}`;
  const any = (): IamCall[] => [{ action, resource: '*' }];
  if (service === 'ecs') {
    const clusterName = lastSegment(String(input.cluster || 'default'));
    const clusterArn = arn('ecs', `cluster/${clusterName}`);
    const cluster = world.ecs.findCluster(clusterName);
    const tagsOf = (tags: { key?: string; value?: string }[] | undefined) =>
      Object.fromEntries((tags ?? []).map((t) => [`aws:ResourceTag/${t.key}`, t.value]));
    const serviceCall = (ref: string): IamCall => {
      const name = lastSegment(ref);
      const svc = cluster ? world.ecs.findService(cluster, name) : undefined;
      return {
        action,
        resource: arn('ecs', `service/${clusterName}/${name}`),
        context: { 'ecs:cluster': clusterArn, ...tagsOf(svc?.tags) },
      };
    };
    switch (operation) {
      case 'DescribeClusters':
        return strings(input.clusters ?? 'default').map((c) => ({
          action,
          resource: arn('ecs', `cluster/${lastSegment(c)}`),
          context: tagsOf(world.ecs.findCluster(c)?.tags),
        }));
      case 'DescribeServices':
        return strings(input.services).map(serviceCall);
      case 'UpdateService': {
        const calls = [serviceCall(String(input.service))];
        // A role handed to ECS (native blue/green's infrastructure role) is passed to ecs.amazonaws.com.
        for (const lb of (input.loadBalancers ?? []) as Input[]) {
          const role = lb?.advancedConfiguration?.roleArn;
          if (role) calls.push(passRole(role, 'ecs.amazonaws.com'));
        }
        return calls;
      }
      case 'ListServiceDeployments':
        return [serviceCall(String(input.service))];
      case 'DescribeServiceDeployments':
        return strings(input.serviceDeploymentArns).map((resource) => ({ action, resource }));
      case 'StopServiceDeployment':
      case 'ContinueServiceDeployment':
        return [{ action, resource: String(input.serviceDeploymentArn) }];
      case 'DescribeServiceRevisions':
        return strings(input.serviceRevisionArns).map((resource) => ({ action, resource }));
      case 'DescribeTasks':
        return strings(input.tasks).map((t) => ({
          action,
          resource: t.startsWith('arn:') ? t : arn('ecs', `task/${clusterName}/${t}`),
          context: { 'ecs:cluster': clusterArn },
        }));
      case 'StopTask': {
        const t = String(input.task);
        return [
          {
            action,
            resource: t.startsWith('arn:') ? t : arn('ecs', `task/${clusterName}/${t}`),
            context: { 'ecs:cluster': clusterArn },
          },
        ];
      }
      case 'ListTasks':
        return [{ action, resource: '*', context: { 'ecs:cluster': clusterArn } }];
      case 'RunTask': {
        const td = world.ecs.findTaskDef(String(input.taskDefinition));
        const resource =
          td?.arn ?? arn('ecs', `task-definition/${lastSegment(String(input.taskDefinition))}`);
        const calls: IamCall[] = [{ action, resource, context: { 'ecs:cluster': clusterArn } }];
        const o = input.overrides ?? {};
        if (o.taskRoleArn) calls.push(passRole(o.taskRoleArn, 'ecs-tasks.amazonaws.com'));
        if (o.executionRoleArn) calls.push(passRole(o.executionRoleArn, 'ecs-tasks.amazonaws.com'));
        return calls;
      }
      case 'RegisterTaskDefinition': {
        const calls: IamCall[] = [{ action, resource: '*' }];
        for (const role of [input.executionRoleArn, input.taskRoleArn]) {
          if (role) calls.push(passRole(role, 'ecs-tasks.amazonaws.com'));
        }
        if (Array.isArray(input.tags) && input.tags.length > 0) {
          const family = String(input.family);
          const next = (world.ecs.taskDefs.get(family)?.length ?? 0) + 1;
          calls.push({
            action: 'ecs:TagResource',
            resource: arn('ecs', `task-definition/${family}:${next}`),
            context: {
              'ecs:CreateAction': 'RegisterTaskDefinition',
              'aws:TagKeys': (input.tags as Input[]).map((t) => String(t.key)),
            },
          });
        }
        return calls;
      }
      case 'TagResource':
        return [{ action, resource: String(input.resourceArn) }];
      default:
        return any();
    }
  }
  if (service === 'ecr') {
    if (operation === 'GetAuthorizationToken') return any();
    const account = String(input.registryId ?? world.accountId);
    const name = input.repositoryName;
    if (operation === 'DescribeRepositories' && !name) {
      const names = strings(input.repositoryNames);
      return names.length === 0
        ? [{ action, resource: `arn:aws:ecr:${world.region}:${account}:repository/*` }]
        : names.map((n) => ({ action, resource: `arn:aws:ecr:${world.region}:${account}:repository/${n}` }));
    }
    return [{ action, resource: `arn:aws:ecr:${world.region}:${account}:repository/${name}` }];
  }
  if (service === 'logs') {
    if (operation === 'DescribeLogGroups') return [{ action, resource: arn('logs', 'log-group:*') }];
    const group = String(input.logGroupName ?? lastSegment(String(input.logGroupIdentifier ?? '')));
    if (input.logStreamName)
      return [{ action, resource: arn('logs', `log-group:${group}:log-stream:${input.logStreamName}`) }];
    return [{ action, resource: arn('logs', `log-group:${group}`) }];
  }
  // The simulator is authorised on the principal it simulates (a role or user ARN).
  if (service === 'iam' && operation === 'SimulatePrincipalPolicy')
    return [{ action, resource: String(input.PolicySourceArn ?? '*') }];
  if (service === 'codedeploy') {
    if (input.applicationName && input.deploymentGroupName) {
      return [
        {
          action,
          resource: arn(
            'codedeploy',
            `deploymentgroup:${input.applicationName}/${input.deploymentGroupName}`,
          ),
        },
      ];
    }
    return any();
  }
  return any();
}

function passRole(role: string, service: string): IamCall {
  return { action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': service } };
}

const DENIED_CODE: Record<ServiceName, string> = {
  ecs: 'AccessDeniedException',
  ecr: 'AccessDeniedException',
  logs: 'AccessDeniedException',
  codedeploy: 'AccessDeniedException',
  elbv2: 'AccessDenied',
  sts: 'AccessDenied',
  iam: 'AccessDenied',
};

/** undefined when the call may proceed; otherwise the AccessDenied AWS would answer. */
export function authorize(
  service: ServiceName,
  operation: string,
  input: Input,
  ctx: EmulatorContext,
): Denial | undefined {
  // Unsigned STS calls and GetCallerIdentity need no permission.
  if (service === 'sts' && (operation === 'AssumeRoleWithWebIdentity' || operation === 'GetCallerIdentity'))
    return undefined;
  if (!iamOf(ctx.world).enforce || !sessionOf(ctx.world, ctx.accessKeyId)) return undefined;
  return authorizeCalls(
    ctx.world,
    ctx.accessKeyId,
    iamCalls(service, operation, input, ctx),
    DENIED_CODE[service],
  );
}

/**
 * Evaluates IAM requests made with an access key (the registry's pushes and pulls use the key that asked for
 * the token): undefined when every one is allowed, or when the key is not an assumed role's.
 */
export function authorizeCalls(
  world: World,
  accessKeyId: string | undefined,
  calls: IamCall[],
  code = 'AccessDeniedException',
): Denial | undefined {
  const iam = iamOf(world);
  const session = sessionOf(world, accessKeyId);
  if (!iam.enforce || !session) return undefined;
  const role = iam.roles.get(session.roleArn);
  const policies = (role?.policies ?? []).map((p) => p.document).filter((d): d is PolicyDocument => !!d);
  for (const call of calls) {
    const result = evaluatePolicies(policies, {
      action: call.action,
      resource: call.resource,
      context: {
        ...principalContext(session.roleArn, world.accountId, world.region, world.clock.now()),
        'aws:PrincipalType': 'AssumedRole',
        'aws:userid': `${session.roleId}:${session.sessionName}`,
        ...call.context,
      },
    });
    if (result.decision === 'Allow') continue;
    const why =
      result.decision === 'ExplicitDeny'
        ? `with an explicit deny in an identity-based policy`
        : `because no identity-based policy allows the ${call.action} action`;
    return {
      code,
      status: code === 'AccessDenied' ? 403 : 400,
      action: call.action,
      resource: call.resource,
      message: `User: ${session.arn} is not authorized to perform: ${call.action} on resource: ${call.resource} ${why}`,
    };
  }
  return undefined;
}
