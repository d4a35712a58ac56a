// CodeDeploy's state in one emulator world: applications, deployment groups, custom deployment
// configs and deployments. The deployment lifecycle (traffic shifting over the clock, failure,
// rollback) lives in engine.ts; this file only holds the records and looks them up.
import { AwsError } from '../types.js';
import type { EcsAppSpec } from './appspec.js';
import type { DeploymentConfig, TrafficRoutingConfig } from './configs.js';

export interface Application {
  applicationId: string;
  applicationName: string;
  computePlatform: 'ECS' | 'Server' | 'Lambda';
  createTime: number;
}

export interface AutoRollback {
  enabled: boolean;
  events: string[];
}

export interface TargetGroupPair {
  targetGroups: { name: string }[];
  prodTrafficRoute: { listenerArns: string[] };
  testTrafficRoute?: { listenerArns: string[] };
}

export interface BlueGreenConfig {
  terminateBlueInstancesOnDeploymentSuccess?: { action?: string; terminationWaitTimeInMinutes?: number };
  deploymentReadyOption?: {
    actionOnTimeout?: 'CONTINUE_DEPLOYMENT' | 'STOP_DEPLOYMENT';
    waitTimeInMinutes?: number;
  };
}

export interface DeploymentGroup {
  applicationName: string;
  deploymentGroupId: string;
  deploymentGroupName: string;
  deploymentConfigName: string;
  serviceRoleArn: string;
  ecsService: { clusterName: string; serviceName: string };
  targetGroupPair: TargetGroupPair;
  blueGreen: BlueGreenConfig;
  autoRollback: AutoRollback;
  alarmConfiguration?: unknown;
  lastSuccessfulDeployment?: string;
  lastAttemptedDeployment?: string;
}

export type DeploymentStatus =
  | 'Created'
  | 'Queued'
  | 'InProgress'
  | 'Baking'
  | 'Ready'
  | 'Succeeded'
  | 'Failed'
  | 'Stopped';
export type Phase = 'created' | 'installing' | 'ready' | 'shifting' | 'terminationWait' | 'done';

export interface LifecycleEvent {
  lifecycleEventName: string;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped';
  startTime?: number;
  endTime?: number;
}

/** One side of a blue/green deployment: an ECS task set and the target group it serves from. */
export interface TaskSetSide {
  taskSetId?: string;
  targetGroupArn: string;
  targetGroupName: string;
  taskDefinition: string;
}

export interface Deployment {
  deploymentId: string;
  applicationName: string;
  deploymentGroupName: string;
  deploymentConfigName: string;
  routing: TrafficRoutingConfig;
  revision: { revisionType: 'AppSpecContent'; appSpecContent: { content: string; sha256: string } };
  appSpec?: EcsAppSpec;
  status: DeploymentStatus;
  phase: Phase;
  creator: 'user' | 'autoRollback';
  description?: string;
  autoRollback: AutoRollback;
  createTime: number;
  startTime?: number;
  completeTime?: number;
  errorInformation?: { code: string; message: string };
  rollbackInfo?: {
    rollbackDeploymentId?: string;
    rollbackTriggeringDeploymentId?: string;
    rollbackMessage?: string;
  };
  blue?: TaskSetSide;
  green?: TaskSetSide;
  /** Production traffic share of the replacement (green) task set. */
  greenPercent: number;
  /** Test listeners point at green. */
  testRouted: boolean;
  /** Set once the service runs the replacement task definition. */
  promoted: boolean;
  shiftStartedAt?: number;
  /** Index of the last applied step of the traffic plan. */
  stepIndex: number;
  readyUntil?: number;
  installDeadline?: number;
  terminateAt?: number;
  lifecycle: LifecycleEvent[];
  lastUpdatedAt: number;
}

export const TERMINAL: readonly DeploymentStatus[] = ['Succeeded', 'Failed', 'Stopped'];

export class CodeDeployStore {
  readonly applications = new Map<string, Application>();
  readonly groups = new Map<string, DeploymentGroup>();
  readonly configs = new Map<string, DeploymentConfig>();
  readonly deployments = new Map<string, Deployment>();

  application(name: unknown): Application {
    if (typeof name !== 'string' || name === '') {
      throw new AwsError(
        'ApplicationNameRequiredException',
        'The minimum number of required application names was not specified.',
      );
    }
    const app = this.applications.get(name);
    if (!app)
      throw new AwsError('ApplicationDoesNotExistException', `No application found for name: ${name}`);
    return app;
  }

  group(applicationName: unknown, groupName: unknown): DeploymentGroup {
    const app = this.application(applicationName);
    if (typeof groupName !== 'string' || groupName === '') {
      throw new AwsError('DeploymentGroupNameRequiredException', 'Deployment Group name is missing');
    }
    const g = this.groups.get(`${app.applicationName}/${groupName}`);
    if (!g) {
      throw new AwsError(
        'DeploymentGroupDoesNotExistException',
        `No Deployment Group found for name: ${groupName}`,
      );
    }
    return g;
  }

  deployment(id: unknown): Deployment {
    if (typeof id !== 'string' || id === '') {
      throw new AwsError('DeploymentIdRequiredException', 'At least one deployment ID must be specified.');
    }
    if (!/^d-[A-Z0-9]{9}$/.test(id))
      throw new AwsError(
        'InvalidDeploymentIdException',
        `Specified DeploymentId is not in the valid format: ${id}`,
      );
    const d = this.deployments.get(id);
    if (!d) throw new AwsError('DeploymentDoesNotExistException', `The deployment ${id} could not be found.`);
    return d;
  }

  /** The group's deployment that has not finished, if any (CodeDeploy allows one at a time). */
  activeDeployment(g: DeploymentGroup): Deployment | undefined {
    for (const d of this.deployments.values()) {
      if (
        d.applicationName === g.applicationName &&
        d.deploymentGroupName === g.deploymentGroupName &&
        !TERMINAL.includes(d.status)
      ) {
        return d;
      }
    }
    return undefined;
  }

  snapshot(): unknown {
    return {
      applications: [...this.applications.keys()],
      deploymentGroups: [...this.groups.keys()],
      deployments: [...this.deployments.values()].map((d) => ({
        id: d.deploymentId,
        group: `${d.applicationName}/${d.deploymentGroupName}`,
        status: d.status,
        phase: d.phase,
        greenPercent: d.greenPercent,
        error: d.errorInformation?.code,
      })),
    };
  }
}

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export function deploymentId(): string {
  let s = 'd-';
  for (let i = 0; i < 9; i++) s += ALPHANUM[Math.floor(Math.random() * ALPHANUM.length)];
  return s;
}
