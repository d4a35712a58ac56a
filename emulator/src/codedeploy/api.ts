// The CodeDeploy API (awsJson1_1, target prefix CodeDeploy_20141006) for the ECS compute platform:
// applications, deployment groups, deployment configs, deployments from AppSpec content, and the
// ECS deployment target view (task sets, traffic weights, lifecycle events). Validation and shapes
// live here; the deployment lifecycle is the engine's.
import { worldOf } from '../context.js';
import { AwsError, type HandlerContext, type ServiceHandlers } from '../types.js';
import { AppSpecError, parseAppSpec, sha256Hex } from './appspec.js';
import {
  DEFAULT_CONFIG,
  type DeploymentConfig,
  PREDEFINED,
  routingProblem,
  type TrafficRoutingConfig,
} from './configs.js';
import type { CodeDeployEngine } from './engine.js';
import {
  type AutoRollback,
  type CodeDeployStore,
  type Deployment,
  type DeploymentGroup,
  TERMINAL,
} from './store.js';

// biome-ignore lint/suspicious/noExplicitAny: wire input is untyped until validated here
type Input = any;

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
const NAME_RE = /^[\w.+@-]{1,100}$/;
const ROLLBACK_EVENTS = ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'];

function uuid(): string {
  return crypto.randomUUID();
}

export interface CodeDeployParts {
  store: CodeDeployStore;
  engine: CodeDeployEngine;
}

export function createCodeDeployApi(partsOf: (ctx: HandlerContext) => CodeDeployParts): ServiceHandlers {
  const configOf = (store: CodeDeployStore, name: string): TrafficRoutingConfig => {
    const routing = PREDEFINED[name] ?? store.configs.get(name)?.trafficRoutingConfig;
    if (!routing) {
      throw new AwsError(
        'DeploymentConfigDoesNotExistException',
        `No deployment configuration found for name: ${name}`,
      );
    }
    return routing;
  };

  const autoRollbackOf = (input: Input): AutoRollback | undefined => {
    if (input === undefined) return undefined;
    const events: string[] = input.events ?? [];
    if (events.some((e) => !ROLLBACK_EVENTS.includes(e))) {
      throw new AwsError(
        'InvalidAutoRollbackConfigException',
        `Auto rollback events must be among ${ROLLBACK_EVENTS.join(', ')}.`,
      );
    }
    if (input.enabled === true && events.length === 0) {
      throw new AwsError(
        'InvalidAutoRollbackConfigException',
        'Auto rollback is enabled but no events are specified.',
      );
    }
    return { enabled: input.enabled === true, events };
  };

  const groupShape = (store: CodeDeployStore, g: DeploymentGroup) => {
    const summary = (id?: string) => {
      const d = id ? store.deployments.get(id) : undefined;
      return (
        d && {
          deploymentId: d.deploymentId,
          status: d.status,
          endTime: seconds(d.completeTime),
          createTime: seconds(d.createTime),
        }
      );
    };
    return {
      applicationName: g.applicationName,
      deploymentGroupId: g.deploymentGroupId,
      deploymentGroupName: g.deploymentGroupName,
      deploymentConfigName: g.deploymentConfigName,
      serviceRoleArn: g.serviceRoleArn,
      computePlatform: 'ECS',
      ecsServices: [g.ecsService],
      loadBalancerInfo: { targetGroupPairInfoList: [g.targetGroupPair] },
      blueGreenDeploymentConfiguration: g.blueGreen,
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      autoRollbackConfiguration: g.autoRollback,
      ...(g.alarmConfiguration !== undefined && { alarmConfiguration: g.alarmConfiguration }),
      ...(g.lastSuccessfulDeployment && { lastSuccessfulDeployment: summary(g.lastSuccessfulDeployment) }),
      ...(g.lastAttemptedDeployment && { lastAttemptedDeployment: summary(g.lastAttemptedDeployment) }),
    };
  };

  const deploymentShape = (store: CodeDeployStore, d: Deployment) => {
    const g = store.groups.get(`${d.applicationName}/${d.deploymentGroupName}`)!;
    const overview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
    if (d.status === 'Created' || d.status === 'Queued') overview.Pending = 1;
    else if (d.status === 'Ready') overview.Ready = 1;
    else if (d.status === 'Succeeded') overview.Succeeded = 1;
    else if (d.status === 'Failed' || d.status === 'Stopped') overview.Failed = 1;
    else overview.InProgress = 1;
    return {
      applicationName: d.applicationName,
      deploymentGroupName: d.deploymentGroupName,
      deploymentConfigName: d.deploymentConfigName,
      deploymentId: d.deploymentId,
      revision: d.revision,
      status: d.status,
      ...(d.errorInformation && { errorInformation: d.errorInformation }),
      createTime: seconds(d.createTime),
      ...(d.startTime !== undefined && { startTime: seconds(d.startTime) }),
      ...(d.completeTime !== undefined && { completeTime: seconds(d.completeTime) }),
      deploymentOverview: overview,
      ...(d.description && { description: d.description }),
      creator: d.creator,
      ignoreApplicationStopFailures: false,
      autoRollbackConfiguration: d.autoRollback,
      updateOutdatedInstancesOnly: false,
      ...(d.rollbackInfo && { rollbackInfo: d.rollbackInfo }),
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      blueGreenDeploymentConfiguration: g.blueGreen,
      loadBalancerInfo: { targetGroupPairInfoList: [g.targetGroupPair] },
      instanceTerminationWaitTimeStarted:
        d.phase === 'terminationWait' || (d.status === 'Succeeded' && d.creator === 'user'),
      deploymentStatusMessages: [],
      computePlatform: 'ECS',
    };
  };

  return {
    CreateApplication(input: Input, ctx) {
      const { store } = partsOf(ctx);
      const name = input.applicationName;
      if (typeof name !== 'string' || name === '') {
        throw new AwsError(
          'ApplicationNameRequiredException',
          'The minimum number of required application names was not specified.',
        );
      }
      if (!NAME_RE.test(name))
        throw new AwsError('InvalidApplicationNameException', `The application name ${name} is invalid.`);
      const platform = input.computePlatform ?? 'Server';
      if (!['ECS', 'Server', 'Lambda'].includes(platform)) {
        throw new AwsError('InvalidComputePlatformException', `The computePlatform ${platform} is invalid.`);
      }
      if (store.applications.has(name)) {
        throw new AwsError(
          'ApplicationAlreadyExistsException',
          `The application ${name} already exists with the IAM user or AWS account.`,
        );
      }
      const app = {
        applicationId: uuid(),
        applicationName: name,
        computePlatform: platform,
        createTime: ctx.clock.now(),
      };
      store.applications.set(name, app);
      return { applicationId: app.applicationId };
    },

    GetApplication(input: Input, ctx) {
      const app = partsOf(ctx).store.application(input.applicationName);
      return {
        application: {
          applicationId: app.applicationId,
          applicationName: app.applicationName,
          createTime: seconds(app.createTime),
          linkedToGitHub: false,
          computePlatform: app.computePlatform,
        },
      };
    },

    ListApplications(_input: Input, ctx) {
      return { applications: [...partsOf(ctx).store.applications.keys()] };
    },

    CreateDeploymentGroup(input: Input, ctx) {
      const { store } = partsOf(ctx);
      const app = store.application(input.applicationName);
      const name = input.deploymentGroupName;
      if (typeof name !== 'string' || name === '') {
        throw new AwsError('DeploymentGroupNameRequiredException', 'Deployment Group name is missing');
      }
      if (!NAME_RE.test(name))
        throw new AwsError(
          'InvalidDeploymentGroupNameException',
          `The deployment group name ${name} is invalid.`,
        );
      if (store.groups.has(`${app.applicationName}/${name}`)) {
        throw new AwsError(
          'DeploymentGroupAlreadyExistsException',
          `The deployment group ${name} already exists for application ${app.applicationName}.`,
        );
      }
      if (typeof input.serviceRoleArn !== 'string' || input.serviceRoleArn === '') {
        throw new AwsError('RoleRequiredException', 'Role ARN is required for the deployment group.');
      }
      if (!/^arn:aws[\w-]*:iam::\d{12}:role\//.test(input.serviceRoleArn)) {
        throw new AwsError(
          'InvalidRoleException',
          `The service role ${input.serviceRoleArn} is not a valid role ARN.`,
        );
      }
      if (app.computePlatform !== 'ECS') {
        throw new AwsError(
          'InvalidComputePlatformException',
          `Application ${app.applicationName} does not use the ECS compute platform; the emulator models ECS deployments only.`,
        );
      }
      const configName = input.deploymentConfigName ?? DEFAULT_CONFIG;
      configOf(store, configName);
      const style = input.deploymentStyle;
      if (style?.deploymentType !== 'BLUE_GREEN' || style?.deploymentOption !== 'WITH_TRAFFIC_CONTROL') {
        throw new AwsError(
          'InvalidDeploymentStyleException',
          'ECS deployment groups need deploymentStyle BLUE_GREEN with WITH_TRAFFIC_CONTROL.',
        );
      }
      const services = input.ecsServices;
      if (
        !Array.isArray(services) ||
        services.length !== 1 ||
        !services[0]?.clusterName ||
        !services[0]?.serviceName
      ) {
        throw new AwsError(
          'InvalidECSServiceException',
          'Exactly one ECS service {clusterName, serviceName} is required.',
        );
      }
      const { clusterName, serviceName } = services[0];
      const world = worldOf(ctx);
      const cluster = world.ecs.findCluster(clusterName);
      const service = cluster && world.ecs.findService(cluster, serviceName);
      if (service?.status !== 'ACTIVE') {
        throw new AwsError(
          'InvalidECSServiceException',
          `The ECS service ${serviceName} in cluster ${clusterName} could not be found.`,
        );
      }
      if (service.deploymentController.type !== 'CODE_DEPLOY') {
        throw new AwsError(
          'InvalidECSServiceException',
          "Deployment group's ECS service must be configured for a CODE_DEPLOY deployment controller.",
        );
      }
      for (const g of store.groups.values()) {
        if (g.ecsService.clusterName === clusterName && g.ecsService.serviceName === serviceName) {
          throw new AwsError(
            'ECSServiceMappingLimitExceededException',
            `The ECS service ${clusterName}:${serviceName} is already in deployment group ${g.deploymentGroupName}.`,
          );
        }
      }
      const pairs = input.loadBalancerInfo?.targetGroupPairInfoList;
      const pair = Array.isArray(pairs) && pairs.length === 1 ? pairs[0] : undefined;
      if (!pair || !Array.isArray(pair.targetGroups) || pair.targetGroups.length !== 2) {
        throw new AwsError(
          'InvalidTargetGroupPairException',
          'targetGroupPairInfoList needs one entry with exactly two target groups.',
        );
      }
      const tgNames = new Set([...world.elbv2.targetGroups.values()].map((t) => t.TargetGroupName));
      const missingTg = pair.targetGroups.find((t: { name?: string }) => !t?.name || !tgNames.has(t.name));
      if (missingTg)
        throw new AwsError(
          'InvalidTargetGroupPairException',
          `Target group ${missingTg.name} could not be found.`,
        );
      const prod: string[] = pair.prodTrafficRoute?.listenerArns ?? [];
      const test: string[] = pair.testTrafficRoute?.listenerArns ?? [];
      if (prod.length !== 1 || test.length > 1) {
        throw new AwsError(
          'InvalidTargetGroupPairException',
          'prodTrafficRoute needs exactly one listener ARN, testTrafficRoute at most one.',
        );
      }
      for (const l of [...prod, ...test]) {
        if (!world.elbv2.listeners.has(l))
          throw new AwsError('InvalidLoadBalancerInfoException', `Listener ${l} could not be found.`);
      }
      const bg = input.blueGreenDeploymentConfiguration ?? {};
      const ready = bg.deploymentReadyOption;
      if (
        ready?.actionOnTimeout !== undefined &&
        !['CONTINUE_DEPLOYMENT', 'STOP_DEPLOYMENT'].includes(ready.actionOnTimeout)
      ) {
        throw new AwsError(
          'InvalidBlueGreenDeploymentConfigurationException',
          `actionOnTimeout ${ready.actionOnTimeout} is invalid.`,
        );
      }
      const wait = bg.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes;
      if (wait !== undefined && !(Number.isInteger(wait) && wait >= 0 && wait <= 2880)) {
        throw new AwsError(
          'InvalidBlueGreenDeploymentConfigurationException',
          'terminationWaitTimeInMinutes must be 0-2880.',
        );
      }
      const g: DeploymentGroup = {
        applicationName: app.applicationName,
        deploymentGroupId: uuid(),
        deploymentGroupName: name,
        deploymentConfigName: configName,
        serviceRoleArn: input.serviceRoleArn,
        ecsService: { clusterName, serviceName },
        targetGroupPair: {
          targetGroups: pair.targetGroups.map((t: { name: string }) => ({ name: t.name })),
          prodTrafficRoute: { listenerArns: prod },
          ...(test.length > 0 && { testTrafficRoute: { listenerArns: test } }),
        },
        blueGreen: bg,
        autoRollback: autoRollbackOf(input.autoRollbackConfiguration) ?? { enabled: false, events: [] },
        alarmConfiguration: input.alarmConfiguration,
      };
      store.groups.set(`${app.applicationName}/${name}`, g);
      return { deploymentGroupId: g.deploymentGroupId };
    },

    GetDeploymentGroup(input: Input, ctx) {
      const { store } = partsOf(ctx);
      return {
        deploymentGroupInfo: groupShape(store, store.group(input.applicationName, input.deploymentGroupName)),
      };
    },

    ListDeploymentGroups(input: Input, ctx) {
      const { store } = partsOf(ctx);
      const app = store.application(input.applicationName);
      const deploymentGroups = [...store.groups.values()]
        .filter((g) => g.applicationName === app.applicationName)
        .map((g) => g.deploymentGroupName);
      return { applicationName: app.applicationName, deploymentGroups };
    },

    CreateDeploymentConfig(input: Input, ctx) {
      const { store } = partsOf(ctx);
      const name = input.deploymentConfigName;
      if (typeof name !== 'string' || name === '') {
        throw new AwsError('DeploymentConfigNameRequiredException', 'Deployment config name is missing.');
      }
      if (PREDEFINED[name] || store.configs.has(name)) {
        throw new AwsError(
          'DeploymentConfigAlreadyExistsException',
          `The deployment config ${name} already exists.`,
        );
      }
      if ((input.computePlatform ?? 'Server') !== 'ECS') {
        throw new AwsError(
          'InvalidComputePlatformException',
          'The emulator models deployment configs for the ECS compute platform only.',
        );
      }
      const problem = routingProblem(input.trafficRoutingConfig);
      if (problem) throw new AwsError('InvalidTrafficRoutingConfigurationException', problem);
      const config: DeploymentConfig = {
        deploymentConfigId: uuid(),
        deploymentConfigName: name,
        computePlatform: 'ECS',
        trafficRoutingConfig: input.trafficRoutingConfig,
        createTime: ctx.clock.now(),
      };
      store.configs.set(name, config);
      return { deploymentConfigId: config.deploymentConfigId };
    },

    GetDeploymentConfig(input: Input, ctx) {
      const { store } = partsOf(ctx);
      const name = input.deploymentConfigName;
      const routing = configOf(store, name);
      const custom = store.configs.get(name);
      return {
        deploymentConfigInfo: {
          deploymentConfigId: custom?.deploymentConfigId ?? name,
          deploymentConfigName: name,
          createTime: seconds(custom?.createTime ?? 0),
          computePlatform: 'ECS',
          trafficRoutingConfig: routing,
        },
      };
    },

    CreateDeployment(input: Input, ctx) {
      const { store, engine } = partsOf(ctx);
      const g = store.group(input.applicationName, input.deploymentGroupName);
      const revision = input.revision;
      if (!revision) throw new AwsError('RevisionRequiredException', 'The revision ID was not specified.');
      if (
        revision.revisionType !== 'AppSpecContent' ||
        typeof revision.appSpecContent?.content !== 'string'
      ) {
        throw new AwsError(
          'InvalidRevisionException',
          'ECS deployments need revision {revisionType: AppSpecContent, appSpecContent: {content}}.',
        );
      }
      const content: string = revision.appSpecContent.content;
      const sha256 = sha256Hex(content);
      if (revision.appSpecContent.sha256 !== undefined && revision.appSpecContent.sha256 !== sha256) {
        throw new AwsError(
          'InvalidRevisionException',
          'The sha256 of the AppSpec content does not match appSpecContent.sha256.',
        );
      }
      let appSpec: ReturnType<typeof parseAppSpec>;
      try {
        appSpec = parseAppSpec(content);
      } catch (e) {
        if (e instanceof AppSpecError) throw new AwsError('InvalidRevisionException', e.message);
        throw e;
      }
      const configName = input.deploymentConfigName ?? g.deploymentConfigName;
      const routing = configOf(store, configName);
      if (typeof input.description === 'string' && input.description.length > 1000) {
        throw new AwsError('DescriptionTooLongException', 'The description is too long.');
      }
      const active = store.activeDeployment(g);
      if (active) {
        throw new AwsError(
          'DeploymentLimitExceededException',
          `The Deployment Group '${g.deploymentGroupName}' already has an active Deployment '${active.deploymentId}'`,
        );
      }
      const d = engine.create(g, {
        applicationName: g.applicationName,
        deploymentGroupName: g.deploymentGroupName,
        deploymentConfigName: configName,
        routing,
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256 } },
        appSpec,
        creator: 'user',
        description: input.description,
        autoRollback: autoRollbackOf(input.autoRollbackConfiguration) ?? g.autoRollback,
      });
      return { deploymentId: d.deploymentId };
    },

    GetDeployment(input: Input, ctx) {
      const { store } = partsOf(ctx);
      return { deploymentInfo: deploymentShape(store, store.deployment(input.deploymentId)) };
    },

    BatchGetDeployments(input: Input, ctx) {
      const { store } = partsOf(ctx);
      const ids: string[] = input.deploymentIds ?? [];
      if (ids.length > 25)
        throw new AwsError(
          'BatchLimitExceededException',
          'The maximum number of names or IDs allowed for this request (25) was exceeded.',
        );
      return {
        deploymentsInfo: ids
          .filter((id) => store.deployments.has(id))
          .map((id) => deploymentShape(store, store.deployments.get(id)!)),
      };
    },

    ListDeployments(input: Input, ctx) {
      const { store } = partsOf(ctx);
      const statuses: string[] | undefined = input.includeOnlyStatuses;
      if (input.applicationName !== undefined) store.application(input.applicationName);
      if (input.deploymentGroupName !== undefined)
        store.group(input.applicationName, input.deploymentGroupName);
      const deployments = [...store.deployments.values()]
        .filter((d) => input.applicationName === undefined || d.applicationName === input.applicationName)
        .filter(
          (d) =>
            input.deploymentGroupName === undefined || d.deploymentGroupName === input.deploymentGroupName,
        )
        .filter((d) => !statuses || statuses.includes(d.status))
        .sort((a, b) => b.createTime - a.createTime)
        .map((d) => d.deploymentId);
      return { deployments };
    },

    ContinueDeployment(input: Input, ctx) {
      const { store, engine } = partsOf(ctx);
      engine.continue(store.deployment(input.deploymentId), input.deploymentWaitType ?? 'READY_WAIT');
      return {};
    },

    StopDeployment(input: Input, ctx) {
      const { store, engine } = partsOf(ctx);
      const d = store.deployment(input.deploymentId);
      const rollback =
        typeof input.autoRollbackEnabled === 'boolean'
          ? input.autoRollbackEnabled
          : d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_STOP_ON_REQUEST');
      return engine.stop(d, rollback);
    },

    ListDeploymentTargets(input: Input, ctx) {
      const { store } = partsOf(ctx);
      const d = store.deployment(input.deploymentId);
      const g = store.groups.get(`${d.applicationName}/${d.deploymentGroupName}`)!;
      if (d.status === 'Created')
        throw new AwsError(
          'DeploymentNotStartedException',
          `The deployment ${d.deploymentId} has not started.`,
        );
      return { targetIds: [`${g.ecsService.clusterName}:${g.ecsService.serviceName}`] };
    },

    GetDeploymentTarget(input: Input, ctx) {
      const { store, engine } = partsOf(ctx);
      const d = store.deployment(input.deploymentId);
      const g = store.groups.get(`${d.applicationName}/${d.deploymentGroupName}`)!;
      const targetId = `${g.ecsService.clusterName}:${g.ecsService.serviceName}`;
      if (d.status === 'Created')
        throw new AwsError(
          'DeploymentNotStartedException',
          `The deployment ${d.deploymentId} has not started.`,
        );
      if (input.targetId !== targetId) {
        throw new AwsError(
          'DeploymentTargetDoesNotExistException',
          `The deployment target ${input.targetId} does not exist.`,
        );
      }
      const world = worldOf(ctx);
      const status =
        d.status === 'Ready'
          ? 'Ready'
          : TERMINAL.includes(d.status)
            ? d.status === 'Succeeded'
              ? 'Succeeded'
              : 'Failed'
            : 'InProgress';
      return {
        deploymentTarget: {
          deploymentTargetType: 'ECSTarget',
          ecsTarget: {
            deploymentId: d.deploymentId,
            targetId,
            targetArn: world.arn('ecs', `service/${g.ecsService.clusterName}/${g.ecsService.serviceName}`),
            lastUpdatedAt: seconds(d.lastUpdatedAt),
            lifecycleEvents: d.lifecycle.map((e) => ({
              lifecycleEventName: e.lifecycleEventName,
              status: e.status,
              ...(e.startTime !== undefined && { startTime: seconds(e.startTime) }),
              ...(e.endTime !== undefined && { endTime: seconds(e.endTime) }),
            })),
            status,
            taskSetsInfo: engine.taskSetsInfo(d, g),
          },
        },
      };
    },
  };
}
