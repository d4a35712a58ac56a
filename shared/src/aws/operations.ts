// Every AWS operation Cendence calls, in one place. The IAM deploy policy in terraform/ and the tests
// ("no mutating call was made") are checked against this list, so a new SDK call must be added here.
export type AwsService = 'ecs' | 'ecr' | 'sts' | 'elbv2' | 'codedeploy' | 'logs' | 'iam';

export interface Operation {
  service: AwsService;
  name: string;
  mutates: boolean;
}

/** IAM action prefix per service (ELBv2's is "elasticloadbalancing", Logs' is "logs"). */
export const IAM_PREFIX: Record<AwsService, string> = {
  ecs: 'ecs',
  ecr: 'ecr',
  sts: 'sts',
  elbv2: 'elasticloadbalancing',
  codedeploy: 'codedeploy',
  logs: 'logs',
  iam: 'iam',
};

const read = (service: AwsService, ...names: string[]): Operation[] =>
  names.map((name) => ({ service, name, mutates: false }));
const write = (service: AwsService, ...names: string[]): Operation[] =>
  names.map((name) => ({ service, name, mutates: true }));

export const OPERATIONS: readonly Operation[] = [
  ...read(
    'ecs',
    'DescribeClusters',
    'DescribeServices',
    'DescribeTaskDefinition',
    'ListTaskDefinitions',
    'DescribeTasks',
    'ListTasks',
    'ListServiceDeployments',
    'DescribeServiceDeployments',
    'DescribeServiceRevisions',
  ),
  ...write(
    'ecs',
    'RegisterTaskDefinition',
    'DeregisterTaskDefinition',
    'UpdateService',
    'RunTask',
    'StopTask',
    'StopServiceDeployment',
    'ContinueServiceDeployment',
    'TagResource',
  ),
  ...read('ecr', 'GetAuthorizationToken', 'DescribeRepositories', 'DescribeImages', 'BatchGetImage'),
  ...write(
    'ecr',
    'CreateRepository',
    'PutImage',
    'InitiateLayerUpload',
    'UploadLayerPart',
    'CompleteLayerUpload',
  ),
  ...read('ecr', 'BatchCheckLayerAvailability', 'GetDownloadUrlForLayer'),
  ...read('sts', 'GetCallerIdentity'),
  // AssumeRoleWithWebIdentity is unsigned and authorised by the role's trust policy, not an IAM action.
  ...write('sts', 'AssumeRoleWithWebIdentity'),
  // ECS and CodeDeploy shift listener weights themselves: Cendence only reads ELBv2.
  ...read('elbv2', 'DescribeTargetGroups', 'DescribeListeners', 'DescribeRules'),
  ...read('codedeploy', 'GetDeployment', 'GetDeploymentGroup'),
  ...write('codedeploy', 'CreateDeployment', 'StopDeployment', 'ContinueDeployment'),
  ...read('logs', 'DescribeLogGroups', 'GetLogEvents'),
  // verify asks IAM's policy simulator what the deploy role (the caller's own role) may do.
  ...read('iam', 'SimulatePrincipalPolicy'),
];

export function findOperation(service: AwsService, name: string): Operation | undefined {
  return OPERATIONS.find((o) => o.service === service && o.name === name);
}

export function isMutating(service: AwsService, name: string): boolean {
  // Unknown operations count as mutating: the safe answer for "was anything changed?".
  return findOperation(service, name)?.mutates ?? true;
}

/** IAM actions for a set of operations, e.g. for the deploy role's policy. */
export function iamActions(ops: readonly Operation[] = OPERATIONS): string[] {
  return [...new Set(ops.map((o) => `${IAM_PREFIX[o.service]}:${o.name}`))].sort();
}
