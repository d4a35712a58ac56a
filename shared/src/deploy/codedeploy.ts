// CodeDeploy blue/green for services with the CODE_DEPLOY controller: an AppSpec generated from the
// manifest and the live service (JSON, with its sha256), CreateDeployment with auto-rollback on failure
// and on stop, and a follow of GetDeployment where Stopped and Failed are failures — whatever the ECS
// service looks like afterwards. Cancellation stops the deployment with rollback (cancel.ts).
import { createHash } from 'node:crypto';
import {
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  type DeploymentInfo,
  GetDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import type { Service } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import { UserError } from '../errors.js';
import { follow } from './follow.js';
import { classifyCodeDeploy } from './outcome.js';
import { type Followed, type FollowSettings, watching } from './rolling.js';
import type { ServiceTarget } from './types.js';

export interface AppSpec {
  content: string;
  sha256: string;
}

/** The AppSpec (version 0.0) for one ECS service, with the network and capacity settings the service has. */
export function appSpecFor(target: ServiceTarget, live: Service, taskDefinitionArn: string): AppSpec {
  const cd = target.codedeploy;
  if (!cd) {
    throw new UserError(
      'strategy "codedeploy" needs deploy.codedeploy (application, deploymentGroup, containerPort)',
      `services/${target.name}: deploy.codedeploy`,
      'add deploy.codedeploy to the manifest',
    );
  }
  const vpc = live.networkConfiguration?.awsvpcConfiguration;
  const properties: Record<string, unknown> = {
    TaskDefinition: taskDefinitionArn,
    LoadBalancerInfo: { ContainerName: target.container, ContainerPort: cd.containerPort },
  };
  if (live.platformVersion) properties.PlatformVersion = live.platformVersion;
  if (vpc?.subnets?.length) {
    properties.NetworkConfiguration = {
      AwsvpcConfiguration: {
        Subnets: vpc.subnets,
        ...(vpc.securityGroups?.length ? { SecurityGroups: vpc.securityGroups } : {}),
        ...(vpc.assignPublicIp ? { AssignPublicIp: vpc.assignPublicIp } : {}),
      },
    };
  }
  if (live.capacityProviderStrategy?.length) {
    properties.CapacityProviderStrategy = live.capacityProviderStrategy.map((c) => ({
      CapacityProvider: c.capacityProvider,
      ...(c.weight !== undefined ? { Weight: c.weight } : {}),
      ...(c.base !== undefined ? { Base: c.base } : {}),
    }));
  }
  const spec = {
    version: 0.0,
    Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: properties } }],
  };
  const content = JSON.stringify(spec, null, 2);
  return { content, sha256: createHash('sha256').update(content).digest('hex') };
}

export async function createCodeDeployDeployment(
  aws: AwsClients,
  target: ServiceTarget,
  appSpec: AppSpec,
): Promise<string> {
  const cd = target.codedeploy;
  if (!cd) throw new Error('codedeploy settings missing');
  const out = await aws.codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: cd.application,
      deploymentGroupName: cd.deploymentGroup,
      deploymentConfigName: cd.deploymentConfig,
      description: `cendence deploy of ${target.name}`,
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content: appSpec.content, sha256: appSpec.sha256 },
      },
      autoRollbackConfiguration: {
        enabled: true,
        events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'],
      },
    }),
  );
  if (!out.deploymentId) throw new Error('CreateDeployment returned no deploymentId');
  return out.deploymentId;
}

function progressOf(name: string, info: DeploymentInfo | undefined): string {
  const o = info?.deploymentOverview;
  const counts = o
    ? ` — in progress ${o.InProgress ?? 0}, succeeded ${o.Succeeded ?? 0}, failed ${o.Failed ?? 0}`
    : '';
  return `${name}: CodeDeploy ${info?.status ?? '…'}${counts}`;
}

/** Follows GetDeployment; with stopAtReady the wait returns at Ready (test traffic on the replacement). */
export async function followCodeDeploy(
  aws: AwsClients,
  name: string,
  deploymentId: string,
  opts: FollowSettings & { stopAtReady?: boolean },
): Promise<Followed & { info?: DeploymentInfo }> {
  let status: string | undefined;
  let info: DeploymentInfo | undefined;
  const end = await follow(
    async () => {
      const out = await aws.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
      info = out.deploymentInfo;
      if (info?.status !== status) {
        status = info?.status;
        opts.runner.info(`${name}: CodeDeploy ${deploymentId} ${status}`);
      }
      opts.runner.progress(progressOf(name, info));
      return classifyCodeDeploy(info, Boolean(opts.stopAtReady));
    },
    watching(opts, name, 'CodeDeploy'),
  );
  return { end, info };
}

/** Lets a deployment waiting at Ready shift production traffic. */
export async function continueCodeDeploy(aws: AwsClients, deploymentId: string): Promise<void> {
  await aws.codedeploy.send(
    new ContinueDeploymentCommand({ deploymentId, deploymentWaitType: 'READY_WAIT' }),
  );
}
