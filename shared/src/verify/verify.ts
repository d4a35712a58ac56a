// verify: everything a deploy relies on exists before anything is changed — clusters, services (ACTIVE,
// with the deployment controller the strategy needs), images in ECR, log groups, and the target groups,
// listener rules or CodeDeploy group a blue/green strategy drives — and the deploy role may touch it: a
// read the role is refused (AccessDenied) is reported with the action and resource, every change the deploy
// will make is asked of IAM's policy simulator (permissions.ts), and with terraform
// outputs the task family, roles, log group and repository must be the ones terraform/ created (the CI
// policy is scoped to those names). Read-only calls only. Every problem found is reported at once, as
// one UserError (exit 2) naming each field and its fix.

import {
  DescribeClustersCommand,
  type DescribeClustersCommandOutput,
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  type Service,
} from '@aws-sdk/client-ecs';
import { AwsClients } from '../aws/clients.js';
import { isAwsError } from '../aws/errors.js';
import type { DeploySettings, ServiceManifest, Strategy } from '../manifest/schema.js';
import type { Runner } from '../runner/types.js';
import { ecrRegistry, parseImageRef } from '../taskdef/image-ref.js';
import { type Problem, problemsError } from '../taskdef/problems.js';
import { ecsNames, type RenderedTaskDefinition } from '../taskdef/render.js';
import type { AttestationsRequiredBy } from './attestations.js';
import { checkImageContents } from './image-contents.js';
import { checkPermissions } from './permissions.js';

/** What one service's deploy relies on. Build it with verifyTargetFor(), or by hand. */
export interface VerifyTarget {
  /** The manifest's service name. */
  name: string;
  /** The manifest file, used in messages ("services/api/service.yml"). */
  file: string;
  cluster: string;
  /** The ECS service name. */
  service: string;
  strategy: Strategy;
  /** Image URIs the task definition uses. */
  images: string[];
  /** awslogs groups the task definition writes to (groups with awslogs-create-group are left out). */
  logGroups: string[];
  blueGreen?: DeploySettings['blueGreen'];
  codedeploy?: DeploySettings['codedeploy'];
  /** runtimePlatform.cpuArchitecture: the images must offer it (verify/image-contents.ts). */
  cpuArchitecture?: string;
  /** Refuse image digests without SBOM and provenance referrers: the verify step always, deploy when the manifest asks. */
  requireAttestations?: AttestationsRequiredBy;
  /** The rendered task definition's names, checked against `provisioned` when terraform outputs gave it. */
  family?: string;
  executionRoleArn?: string;
  taskRoleArn?: string;
  provisioned?: ServiceManifest['provisioned'];
  /** The deploy runs a one-off task (deploy.preDeployTask) before updating the service. */
  runsTask?: boolean;
}

export interface VerifyReport {
  /** One line per check that passed, for the log. */
  checked: string[];
  /** Live services by manifest name, for callers that go on to deploy or diff. */
  services: Map<string, Service>;
}

/** The target for a manifest and its rendered task definition. */
export function verifyTargetFor(manifest: ServiceManifest, rendered: RenderedTaskDefinition): VerifyTarget {
  const deploy = manifest.deploy!;
  const { cluster, service } = ecsNames(manifest);
  const logGroups = new Set<string>();
  for (const c of rendered.taskDefinition.containerDefinitions ?? []) {
    const o = c.logConfiguration?.logDriver === 'awslogs' ? c.logConfiguration.options : undefined;
    if (o?.['awslogs-group'] && o['awslogs-create-group'] !== 'true') logGroups.add(o['awslogs-group']);
  }
  return {
    name: manifest.name,
    file: manifest.file,
    cluster,
    service,
    strategy: deploy.strategy,
    images: [...new Set(Object.values(rendered.images))],
    logGroups: [...logGroups],
    family: rendered.family,
    ...(rendered.taskDefinition.executionRoleArn
      ? { executionRoleArn: rendered.taskDefinition.executionRoleArn }
      : {}),
    ...(rendered.taskDefinition.taskRoleArn ? { taskRoleArn: rendered.taskDefinition.taskRoleArn } : {}),
    ...(manifest.provisioned ? { provisioned: manifest.provisioned } : {}),
    ...(deploy.blueGreen ? { blueGreen: deploy.blueGreen } : {}),
    ...(deploy.codedeploy ? { codedeploy: deploy.codedeploy } : {}),
    cpuArchitecture: rendered.taskDefinition.runtimePlatform?.cpuArchitecture,
    ...(deploy.requireAttestations ? { requireAttestations: 'manifest' as const } : {}),
    runsTask: !!deploy.preDeployTask,
  };
}

const CONTROLLER: Record<Strategy, string> = {
  rolling: 'ECS',
  'blue-green': 'ECS',
  canary: 'ECS',
  linear: 'ECS',
  codedeploy: 'CODE_DEPLOY',
};

/** Runs every check; throws one UserError listing all problems, or returns what was checked. */
export async function verifyDeployment(
  aws: AwsClients,
  targets: VerifyTarget[],
  /** Needed for the registry checks (architecture of single images, referrers): masks the token. */
  runner?: Runner,
): Promise<VerifyReport> {
  const problems: Problem[] = [];
  const checked: string[] = [];
  const at = (t: VerifyTarget, field: string) => `${t.file} ${field}`;

  // Configuration the strategy needs, before asking AWS anything about it.
  for (const t of targets) {
    if (['blue-green', 'canary', 'linear'].includes(t.strategy) && !t.blueGreen) {
      problems.push({
        field: at(t, 'deploy.blueGreen'),
        message: `strategy ${t.strategy} needs target groups and listener rules`,
        fix: 'add deploy.blueGreen {targetGroup, alternateTargetGroup, productionListenerRule, roleArn, containerPort}',
      });
    }
    if (t.strategy === 'codedeploy' && !t.codedeploy) {
      problems.push({
        field: at(t, 'deploy.codedeploy'),
        message: 'strategy codedeploy needs a CodeDeploy application and deployment group',
        fix: 'add deploy.codedeploy {application, deploymentGroup, containerPort}',
      });
    }
  }

  for (const t of targets) checkProvisionedNames(t, problems, checked);

  const live = new Map<string, Service>();
  // The other checks start once ECS has answered the first request: each loads its client on first use
  // (ECR, Logs, IAM, STS, ELBv2: chunks read and compiled), work that would otherwise run while the SDK
  // prepares that request and hold it back (~30 ms of CPU at a cold start, bench/cold-start.ts); done
  // while the answer is awaited, it costs the checks at most that one round trip.
  let answered = () => {};
  const first = new Promise<void>((resolve) => {
    answered = resolve;
  });
  const services = checkClustersAndServices(aws, targets, problems, checked, live, answered);
  // Awaited below; settles `first` too when the check ends without asking (then it is not unhandled).
  services.catch(() => {}).finally(answered);
  await first;
  await Promise.all([
    services,
    checkImages(aws, targets, problems, checked),
    checkImageContents(aws, targets, problems, checked, runner),
    checkLogGroups(aws, targets, problems, checked),
    checkPermissions(aws, targets, problems, checked, runner),
    ...targets.map((t) => checkTraffic(aws, t, problems, checked)),
  ]);
  if (problems.length > 0) {
    const names = targets.map((t) => t.name).join(', ');
    throw problemsError(`verify (${names})`, 'verify', problems);
  }
  return { checked, services: live };
}

/** AccessDenied: the deploy role may not touch the resource (IAM answers before existence). */
function isDenied(err: unknown): err is Error {
  const name = (err as Error | undefined)?.name;
  return name === 'AccessDeniedException' || name === 'AccessDenied';
}

function deniedProblem(field: string, err: Error): Problem {
  return {
    field,
    message: `the deploy role may not touch it: ${err.message}`,
    fix: 'use the names terraform/ created (pass terraform-outputs), or grant the role in terraform/ci_identity.tf',
  };
}

/** With terraform outputs: the names the CI policy is scoped to, and the roles it may pass to ECS tasks. */
function checkProvisionedNames(t: VerifyTarget, problems: Problem[], checked: string[]): void {
  const p = t.provisioned;
  if (!p) return;
  const expect = (field: string, actual: string | undefined, wanted: string, what: string) => {
    if (actual === undefined || actual === wanted) return;
    problems.push({
      field: `${t.file} (${field})`,
      message: `${what} "${actual}" is not the one terraform/ created ("${wanted}"); the deploy role is scoped to Terraform's names`,
      fix: `remove ${field} from the task definition template (terraform outputs supply it), or set it to "${wanted}"`,
    });
  };
  expect('family', t.family, p.family, 'task family');
  expect('executionRoleArn', t.executionRoleArn, p.executionRoleArn, 'execution role');
  expect('taskRoleArn', t.taskRoleArn, p.taskRoleArn, 'task role');
  for (const g of t.logGroups) expect('awslogs-group', g, p.logGroup, 'log group');
  for (const image of t.images) {
    const ref = parseImageRef(image);
    if (ref && ecrRegistry(ref.registry))
      expect(`image ${image}`, ref.repository, p.repositoryName, 'ECR repository');
  }
  checked.push(`${t.name}: family, roles, log group and repository are Terraform's`);
}

async function checkClustersAndServices(
  aws: AwsClients,
  targets: VerifyTarget[],
  problems: Problem[],
  checked: string[],
  live: Map<string, Service>,
  answered: () => void = () => {},
): Promise<void> {
  const clusters = [...new Set(targets.map((t) => t.cluster))];
  let out: DescribeClustersCommandOutput;
  try {
    out = await aws.ecs.send(new DescribeClustersCommand({ clusters })).finally(answered);
  } catch (err) {
    if (!isDenied(err)) throw err;
    problems.push(deniedProblem(targets.map((t) => `${t.file} deploy.cluster`).join(', '), err));
    return;
  }
  const active = new Set<string>();
  for (const c of out.clusters ?? []) {
    if (c.status === 'ACTIVE' && c.clusterName) active.add(c.clusterName);
  }
  for (const cluster of clusters) {
    const users = targets.filter((t) => t.cluster === cluster);
    if (!active.has(cluster)) {
      const found = out.clusters?.find((c) => c.clusterName === cluster);
      problems.push({
        field: users.map((t) => `${t.file} deploy.cluster`).join(', '),
        message: found
          ? `cluster "${cluster}" is ${found.status}, not ACTIVE`
          : `cluster "${cluster}" does not exist in ${aws.region}`,
        fix: 'create the cluster (terraform/), or set deploy.cluster to an existing cluster name (a name, not an ARN)',
      });
      continue;
    }
    checked.push(`cluster ${cluster} is ACTIVE`);
    for (let i = 0; i < users.length; i += 10) {
      const batch = users.slice(i, i + 10);
      let res: DescribeServicesCommandOutput;
      try {
        res = await aws.ecs.send(
          new DescribeServicesCommand({ cluster, services: batch.map((t) => t.service) }),
        );
      } catch (err) {
        if (!isDenied(err)) throw err;
        problems.push(deniedProblem(batch.map((t) => `${t.file} deploy.service`).join(', '), err));
        continue;
      }
      for (const t of batch) {
        const s = res.services?.find((x) => x.serviceName === t.service);
        if (!s) {
          problems.push({
            field: `${t.file} deploy.service`,
            message: `service "${t.service}" does not exist in cluster "${cluster}"`,
            fix: 'create the service (terraform/), or set deploy.service / deploy.cluster to where it runs (names, not ARNs)',
          });
          continue;
        }
        if (s.status !== 'ACTIVE') {
          problems.push({
            field: `${t.file} deploy.service`,
            message: `service "${t.service}" in cluster "${cluster}" is ${s.status}, not ACTIVE`,
            fix: 'recreate the service (terraform apply), or point deploy.service at an active one',
          });
          continue;
        }
        const controller = s.deploymentController?.type ?? 'ECS';
        const wanted = CONTROLLER[t.strategy];
        if (controller !== wanted) {
          const fitting = Object.entries(CONTROLLER)
            .filter(([, c]) => c === controller)
            .map(([k]) => k);
          problems.push({
            field: `${t.file} deploy.strategy`,
            message: `strategy ${t.strategy} needs the ${wanted} deployment controller, but service "${t.service}" uses ${controller}`,
            fix:
              fitting.length > 0
                ? `set deploy.strategy to ${fitting.join(' or ')}, or recreate the service with deploymentController ${wanted}`
                : `Cendence cannot deploy a ${controller}-controlled service; recreate it with deploymentController ${wanted}`,
          });
          continue;
        }
        live.set(t.name, s);
        checked.push(`service ${cluster}/${t.service} is ACTIVE with a ${controller} controller`);
      }
    }
  }
}

async function checkImages(
  aws: AwsClients,
  targets: VerifyTarget[],
  problems: Problem[],
  checked: string[],
): Promise<void> {
  const users = new Map<string, VerifyTarget[]>();
  for (const t of targets) for (const i of t.images) users.set(i, [...(users.get(i) ?? []), t]);
  // An image in another region's registry (a replicated repository) is asked about in that region.
  const regional = new Map<string, AwsClients>();
  const clientsFor = (region: string | undefined) => {
    if (!region || region === aws.region) return aws;
    let c = regional.get(region);
    if (!c) {
      c = new AwsClients({ ...aws.options, region });
      regional.set(region, c);
    }
    return c;
  };
  try {
    await Promise.all([...users].map(([image, ts]) => checkImage(image, ts)));
  } finally {
    for (const c of regional.values()) c.destroy();
  }

  async function checkImage(image: string, ts: VerifyTarget[]): Promise<void> {
    const ref = parseImageRef(image);
    const registry = ref && ecrRegistry(ref.registry);
    // Images outside ECR (Docker Hub, GHCR) cannot be checked with ECR's API; the task pull will tell.
    if (!ref || !registry) return;
    const field = ts.map((t) => `${t.file} (image ${image})`).join(', ');
    try {
      await clientsFor(registry.region).ecr.send(
        (sdk) =>
          new sdk.DescribeImagesCommand({
            repositoryName: ref.repository,
            ...(registry.accountId ? { registryId: registry.accountId } : {}),
            imageIds: [ref.digest ? { imageDigest: ref.digest } : { imageTag: ref.tag ?? 'latest' }],
          }),
      );
      checked.push(`image ${image} exists`);
    } catch (err) {
      if (isAwsError(err, 'ImageNotFoundException')) {
        problems.push({
          field,
          message: `image ${ref.digest ?? `tag ${ref.tag ?? 'latest'}`} is not in ECR repository "${ref.repository}"`,
          fix: 'run the push step for this service first, and pass the images it printed',
        });
      } else if (isDenied(err)) {
        problems.push(deniedProblem(field, err));
      } else if (isAwsError(err, 'RepositoryNotFoundException')) {
        problems.push({
          field,
          message: `ECR repository "${ref.repository}" does not exist`,
          fix: 'create it (terraform/ or the push step creates it) and push the image',
        });
      } else throw err;
    }
  }
}

async function checkLogGroups(
  aws: AwsClients,
  targets: VerifyTarget[],
  problems: Problem[],
  checked: string[],
): Promise<void> {
  const users = new Map<string, VerifyTarget[]>();
  for (const t of targets) for (const g of t.logGroups) users.set(g, [...(users.get(g) ?? []), t]);
  await Promise.all(
    [...users].map(async ([group, ts]) => {
      const out = await aws.logs.send(
        (sdk) => new sdk.DescribeLogGroupsCommand({ logGroupNamePrefix: group }),
      );
      if ((out.logGroups ?? []).some((g) => g.logGroupName === group)) {
        checked.push(`log group ${group} exists`);
        return;
      }
      problems.push({
        field: ts.map((t) => `${t.file} (awslogs-group ${group})`).join(', '),
        message: `CloudWatch log group "${group}" does not exist; tasks would fail to start`,
        fix: 'create it (terraform/), or set "awslogs-create-group": "true" in the container\'s logConfiguration options (needs logs:CreateLogGroup)',
      });
    }),
  );
}

/** Blue/green's target groups and listener rules, or the CodeDeploy application and group. */
async function checkTraffic(
  aws: AwsClients,
  t: VerifyTarget,
  problems: Problem[],
  checked: string[],
): Promise<void> {
  const bg = t.blueGreen;
  if (bg && t.strategy !== 'rolling' && t.strategy !== 'codedeploy') {
    const groups: [string, string][] = [
      ['deploy.blueGreen.targetGroup', bg.targetGroup],
      ['deploy.blueGreen.alternateTargetGroup', bg.alternateTargetGroup],
    ];
    const rules: [string, string][] = [
      ['deploy.blueGreen.productionListenerRule', bg.productionListenerRule],
    ];
    if (bg.testListenerRule) rules.push(['deploy.blueGreen.testListenerRule', bg.testListenerRule]);
    await Promise.all([
      ...groups.map(async ([field, tg]) => {
        try {
          const input = tg.startsWith('arn:') ? { TargetGroupArns: [tg] } : { Names: [tg] };
          await aws.elbv2.send((sdk) => new sdk.DescribeTargetGroupsCommand(input));
          checked.push(`target group ${tg} exists`);
        } catch (err) {
          if (!isAwsError(err, 'TargetGroupNotFoundException')) throw err;
          problems.push({
            field: `${t.file} ${field}`,
            message: `target group "${tg}" does not exist`,
            fix: 'create it (terraform/), or set the field to an existing target group ARN',
          });
        }
      }),
      ...rules.map(async ([field, arn]) => {
        // ALB rules are listener-rule ARNs; an NLB has no rules, so its listener ARN stands in.
        const isListener = /:listener\//.test(arn);
        try {
          if (isListener)
            await aws.elbv2.send((sdk) => new sdk.DescribeListenersCommand({ ListenerArns: [arn] }));
          else await aws.elbv2.send((sdk) => new sdk.DescribeRulesCommand({ RuleArns: [arn] }));
          checked.push(`${isListener ? 'listener' : 'listener rule'} ${arn} exists`);
        } catch (err) {
          if (!isAwsError(err, 'RuleNotFoundException', 'ListenerNotFoundException')) throw err;
          problems.push({
            field: `${t.file} ${field}`,
            message: `${isListener ? 'listener' : 'listener rule'} "${arn}" does not exist`,
            fix: 'create it (terraform/), or set the field to an existing listener-rule ARN (or NLB listener ARN)',
          });
        }
      }),
    ]);
  }
  const cd = t.codedeploy;
  if (cd && t.strategy === 'codedeploy') {
    try {
      await aws.codedeploy.send(
        (sdk) =>
          new sdk.GetDeploymentGroupCommand({
            applicationName: cd.application,
            deploymentGroupName: cd.deploymentGroup,
          }),
      );
      checked.push(`CodeDeploy group ${cd.application}/${cd.deploymentGroup} exists`);
    } catch (err) {
      const app = isAwsError(err, 'ApplicationDoesNotExistException');
      if (!app && !isAwsError(err, 'DeploymentGroupDoesNotExistException')) throw err;
      problems.push({
        field: `${t.file} deploy.codedeploy.${app ? 'application' : 'deploymentGroup'}`,
        message: app
          ? `CodeDeploy application "${cd.application}" does not exist`
          : `CodeDeploy deployment group "${cd.deploymentGroup}" does not exist in "${cd.application}"`,
        fix: 'create it (terraform/), or fix the name in the manifest',
      });
    }
  }
}
