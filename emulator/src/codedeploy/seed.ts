// World files: `codedeploy:` creates applications and ECS blue/green deployment groups through the
// same validation as the API, after ECS and ELBv2 were seeded. Listeners are named by ARN or as
// "<load balancer name>:<port>".
import type { EmulatorContext } from '../context.js';
import type { World } from '../state.js';
import { AwsError, type ServiceHandlers } from '../types.js';

export interface DeploymentGroupSpec {
  name: string;
  cluster?: string;
  service: string;
  /** The two target groups (names): the one serving production first. */
  targetGroups: [string, string];
  prodListener: string;
  testListener?: string;
  deploymentConfigName?: string;
  terminationWaitMinutes?: number;
  /** Wait in Ready for ContinueDeployment this long (STOP_DEPLOYMENT); omitted: continue at once. */
  readyWaitMinutes?: number;
  /** Roll back on failure and on StopDeployment. Default true. */
  autoRollback?: boolean;
}

export interface CodeDeploySpec {
  applications?: { name: string; deploymentGroups?: DeploymentGroupSpec[] }[];
}

function listenerArn(world: World, ref: string): string {
  if (ref.startsWith('arn:')) return ref;
  const [lbName, port] = ref.split(':');
  for (const l of world.elbv2.listeners.values()) {
    const lb = world.elbv2.loadBalancers.get(l.LoadBalancerArn);
    if (lb?.LoadBalancerName === lbName && String(l.Port) === port) return l.ListenerArn;
  }
  throw new Error(
    `world file: codedeploy listener '${ref}' not found (use an ARN or "<load balancer>:<port>")`,
  );
}

export async function seedCodeDeploy(
  world: World,
  handlers: ServiceHandlers,
  spec: { codedeploy?: unknown },
): Promise<void> {
  const cd = spec.codedeploy as CodeDeploySpec | undefined;
  if (!cd) return;
  const ctx: EmulatorContext = {
    clock: world.clock,
    region: world.region,
    accountId: world.accountId,
    host: world.host,
    world,
  };
  const call = async (op: string, input: unknown, where: string) => {
    try {
      await handlers[op](input, ctx);
    } catch (e) {
      const code = e instanceof AwsError ? `${e.code}: ` : '';
      throw new Error(`world file: codedeploy ${where}: ${code}${(e as Error).message}`);
    }
  };
  for (const app of cd.applications ?? []) {
    await call(
      'CreateApplication',
      { applicationName: app.name, computePlatform: 'ECS' },
      `application ${app.name}`,
    );
    for (const g of app.deploymentGroups ?? []) {
      const rollback = g.autoRollback !== false;
      await call(
        'CreateDeploymentGroup',
        {
          applicationName: app.name,
          deploymentGroupName: g.name,
          deploymentConfigName: g.deploymentConfigName,
          serviceRoleArn: `arn:aws:iam::${world.accountId}:role/codedeploy-ecs`,
          deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
          ecsServices: [{ clusterName: g.cluster ?? 'default', serviceName: g.service }],
          loadBalancerInfo: {
            targetGroupPairInfoList: [
              {
                targetGroups: (g.targetGroups ?? []).map((name) => ({ name })),
                prodTrafficRoute: { listenerArns: [listenerArn(world, g.prodListener)] },
                ...(g.testListener && {
                  testTrafficRoute: { listenerArns: [listenerArn(world, g.testListener)] },
                }),
              },
            ],
          },
          blueGreenDeploymentConfiguration: {
            terminateBlueInstancesOnDeploymentSuccess: {
              action: 'TERMINATE',
              terminationWaitTimeInMinutes: g.terminationWaitMinutes ?? 0,
            },
            deploymentReadyOption:
              g.readyWaitMinutes === undefined
                ? { actionOnTimeout: 'CONTINUE_DEPLOYMENT' }
                : { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: g.readyWaitMinutes },
          },
          autoRollbackConfiguration: {
            enabled: rollback,
            events: rollback ? ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'] : [],
          },
        },
        `deployment group ${app.name}/${g.name}`,
      );
    }
  }
}
