// ECS state shapes. Public fields use the API's camelCase names so describe calls are cheap copies;
// fields that only drive the simulation are grouped under `sim`.
import { LIFECYCLE_STAGES } from '../../../shared/src/deploy/outcome.js';
import type { Behavior } from '../behaviors.js';

export type Json = Record<string, unknown>;
export interface Tag {
  key: string;
  value: string;
}

export interface Cluster {
  clusterArn: string;
  clusterName: string;
  status: 'ACTIVE' | 'INACTIVE';
  tags: Tag[];
  settings: { name: string; value: string }[];
  capacityProviders: string[];
  defaultCapacityProviderStrategy?: Json[];
}

export interface TaskDefinition {
  arn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  /** The DescribeTaskDefinition `taskDefinition` object as returned. */
  body: Json;
  tags: Tag[];
}

export interface ContainerDef {
  name: string;
  image: string;
  essential?: boolean;
  healthCheck?: {
    command: string[];
    interval?: number;
    timeout?: number;
    retries?: number;
    startPeriod?: number;
  };
  portMappings?: { containerPort?: number; hostPort?: number; protocol?: string; name?: string }[];
  logConfiguration?: { logDriver: string; options?: Record<string, string> };
  [k: string]: unknown;
}

export interface LoadBalancerRef {
  targetGroupArn?: string;
  loadBalancerName?: string;
  containerName?: string;
  containerPort?: number;
  advancedConfiguration?: {
    alternateTargetGroupArn?: string;
    productionListenerRule?: string;
    testListenerRule?: string;
    roleArn?: string;
  };
}

export interface DeploymentConfiguration {
  deploymentCircuitBreaker?: {
    enable: boolean;
    rollback: boolean;
    resetOnHealthyTask?: boolean;
    thresholdConfiguration?: { type?: string; value?: number };
  };
  maximumPercent?: number;
  minimumHealthyPercent?: number;
  alarms?: { alarmNames: string[]; enable: boolean; rollback: boolean };
  strategy?: 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
  bakeTimeInMinutes?: number;
  linearConfiguration?: { stepPercent?: number; stepBakeTimeInMinutes?: number };
  canaryConfiguration?: { canaryPercent?: number; canaryBakeTimeInMinutes?: number };
  lifecycleHooks?: LifecycleHook[];
  [k: string]: unknown;
}

// ECS's lifecycle stages in order: an AWS fact the deploy step follows too, written once (deploy/outcome.ts).
export { LIFECYCLE_STAGES };
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export interface LifecycleHook {
  targetType?: 'AWS_LAMBDA' | 'PAUSE';
  hookTargetArn?: string;
  roleArn?: string;
  lifecycleStages?: LifecycleStage[];
  hookDetails?: unknown;
  timeoutConfiguration?: { timeoutInMinutes?: number; action?: 'ROLLBACK' | 'CONTINUE' };
}

/** ServiceDeployment.lifecycleHookDetails[] plus the stage it belongs to. */
export interface HookRun {
  hookId: string;
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  targetArn?: string;
  status: 'AWAITING_ACTION' | 'FAILED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'TIMED_OUT';
  expiresAt?: number;
  timeoutAction: 'ROLLBACK' | 'CONTINUE';
  stage: LifecycleStage;
  /** ContinueServiceDeployment asked for a rollback. */
  rollbackRequested?: boolean;
}

export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

/** An ECS "deployment" (ecs-svc/…): one task definition + config the service runs tasks of. */
export interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  launchType?: string;
  platformVersion?: string;
  platformFamily?: string;
  capacityProviderStrategy?: Json[];
  networkConfiguration?: Json;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
  serviceRevisionArn: string;
  /** The ServiceDeployment record this deployment belongs to (a rollback shares its failed one's). */
  serviceDeploymentArn: string;
  sim: {
    /** Target group the deployment's tasks register in (the green one for blue/green). */
    targetGroupArn?: string;
    /** Blue/green: the stage and when it may move on. */
    stage?: LifecycleStage;
    stageUntil?: number;
    /** Blue/green: production traffic percent on this deployment. */
    trafficPercent?: number;
    /** Blue/green: the test listener rule already points at this deployment. */
    testShifted?: boolean;
    /** Set once the deployment may launch no more tasks (failed without rollback, rolled back). */
    frozen?: boolean;
    /** Rollback deployment created by the circuit breaker or StopServiceDeployment. */
    isRollback?: boolean;
    /** CODE_DEPLOY task sets: tasks are kept at this count, no rolling replacement. */
    taskSet?: boolean;
  };
}

export interface ServiceDeploymentRecord {
  serviceDeploymentArn: string;
  serviceArn: string;
  clusterArn: string;
  createdAt: number;
  startedAt: number;
  updatedAt: number;
  finishedAt?: number;
  stoppedAt?: number;
  sourceServiceRevisionArns: string[];
  targetServiceRevisionArn: string;
  status: ServiceDeploymentStatus;
  statusReason?: string;
  lifecycleStage: LifecycleStage;
  deploymentConfiguration: DeploymentConfiguration;
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string };
  circuitBreaker: {
    status: 'TRIGGERED' | 'MONITORING' | 'MONITORING_COMPLETE' | 'DISABLED';
    failureCount: number;
    threshold: number;
  };
  /** Deployment alarms (DescribeServiceDeployments `alarms`). */
  alarms: {
    status: 'TRIGGERED' | 'MONITORING' | 'MONITORING_COMPLETE' | 'DISABLED';
    alarmNames?: string[];
    triggeredAlarmNames?: string[];
  };
  /** ECS deployment id of the target revision (and of the rollback, once one starts). */
  deploymentId: string;
  rollbackDeploymentId?: string;
  /** Lifecycle hooks run so far (blue/green strategies). */
  hooks: HookRun[];
}

export interface ServiceRevision {
  serviceRevisionArn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinition: string;
  launchType?: string;
  platformVersion?: string;
  platformFamily?: string;
  loadBalancers: LoadBalancerRef[];
  networkConfiguration?: Json;
  containerImages: { containerName: string; imageDigest: string; image: string }[];
  createdAt: number;
}

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface Service {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  launchType?: string;
  capacityProviderStrategy?: Json[];
  platformVersion?: string;
  platformFamily?: string;
  loadBalancers: LoadBalancerRef[];
  serviceRegistries: Json[];
  networkConfiguration?: Json;
  healthCheckGracePeriodSeconds?: number;
  deploymentConfiguration: DeploymentConfiguration;
  deploymentController: { type: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL' };
  schedulingStrategy: 'REPLICA' | 'DAEMON';
  enableECSManagedTags: boolean;
  propagateTags: string;
  enableExecuteCommand: boolean;
  createdAt: number;
  createdBy: string;
  roleArn?: string;
  tags: Tag[];
  deployments: Deployment[];
  events: ServiceEvent[];
  currentServiceDeployment?: string;
  sim: {
    /** Task definition and revision of the last deployment that reached COMPLETED. */
    lastCompleted?: { taskDefinition: string; serviceRevisionArn: string };
    /** A steady-state event was emitted and nothing changed since. */
    steady: boolean;
    /** Blue/green: the target group now receiving production traffic. */
    liveTargetGroupArn?: string;
    deletedAt?: number;
  };
}

export interface ContainerState {
  name: string;
  image: string;
  imageDigest: string;
  essential: boolean;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  behavior: Behavior;
  healthCheck?: ContainerDef['healthCheck'];
  logConfiguration?: ContainerDef['logConfiguration'];
  portMappings: { containerPort: number }[];
}

export interface Task {
  taskArn: string;
  id: string;
  clusterArn: string;
  taskDefinitionArn: string;
  family: string;
  lastStatus: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  startedBy?: string;
  group: string;
  launchType: string;
  capacityProviderName?: string;
  platformVersion: string;
  cpu?: string;
  memory?: string;
  createdAt: number;
  connectivityAt?: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  containers: ContainerState[];
  overrides: Json;
  tags: Tag[];
  version: number;
  ip: string;
  subnet: string;
  eniId: string;
  availabilityZone: string;
  sim: {
    serviceName?: string;
    deploymentId?: string;
    /** When the next lifecycle step is due (emulated ms). */
    nextAt?: number;
    /** Counted healthy (for deployments) since this time. */
    healthySince?: number;
    /** Load balancer targets this task is registered as. */
    targets: { targetGroupArn: string; port: number }[];
    /** Counted as a failed task for its deployment. */
    failed?: boolean;
    /** Health-check grace period, seconds after start during which ELB health is ignored. */
    graceSeconds: number;
  };
}
