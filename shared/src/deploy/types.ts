// The deploy core's vocabulary: what is deployed (a target per service), how (options shared by every
// strategy), and what came of it (a result per service). Manifest loading and rendering happen before
// this layer; everything here works on rendered task definitions and live AWS state.
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import type { DeploySettings, Strategy } from '../manifest/schema.js';
import type { Runner } from '../runner/types.js';
import type { Clock, PollTiming } from './follow.js';

export type { Strategy };

export interface ServiceTarget {
  /** The manifest's name (services/<name>). */
  name: string;
  cluster: string;
  /** The ECS service name. */
  service: string;
  strategy: Strategy;
  dependsOn: string[];
  /** The rendered task definition, ready for RegisterTaskDefinition. */
  taskDefinition: RegisterTaskDefinitionCommandInput;
  /** Container that receives the service's image and traffic. */
  container: string;
  desiredCount?: number;
  timeoutSeconds: number;
  blueGreen?: DeploySettings['blueGreen'];
  codedeploy?: DeploySettings['codedeploy'];
  preDeployTask?: DeploySettings['preDeployTask'];
  network?: DeploySettings['network'];
}

export type CancelPolicy = 'rollback' | 'leave';
export type StopAt = 'test-traffic';

export interface DeployOptions {
  runner: Runner;
  signal: AbortSignal;
  clock: Clock;
  /** What to do with a deployment in flight when the job is cancelled or the timeout passes. */
  onCancel: CancelPolicy;
  /** Return once test traffic is on the new revision (ECS blue/green, CodeDeploy Ready). */
  stopAt?: StopAt;
  timing?: PollTiming;
}

export type ServiceOutcome =
  | 'succeeded'
  | 'failed'
  | 'rolled-back'
  | 'replaced'
  | 'timeout'
  | 'cancelled'
  | 'stage-reached'
  | 'skipped'
  /** --release-rollback put this (earlier successful) service back where it was. */
  | 'restored';

export interface ImageUse {
  container: string;
  image: string;
  digest?: string;
}

export interface ServiceResult {
  name: string;
  cluster: string;
  service: string;
  strategy: Strategy;
  previousTaskDefinition?: string;
  taskDefinition?: string;
  images: ImageUse[];
  /** ECS deployment id (ecs-svc/…) created by our UpdateService. */
  deploymentId?: string;
  /** ECS service deployment ARN, where ECS returned one. */
  serviceDeploymentArn?: string;
  /** CodeDeploy deployment id (d-…). */
  codedeployDeploymentId?: string;
  outcome: ServiceOutcome;
  reason: string;
  /** Lifecycle stage reached when the wait stopped at a stage gate. */
  stage?: string;
  /** Test listener rule (ECS blue/green) for pipelines that test before production traffic. */
  testListenerRule?: string;
  /** What was done after a failure, timeout or cancellation (for example "rollback requested"). */
  afterwards?: string;
  startedAt: string;
  finishedAt: string;
  polls: number;
  /** Path of the diagnosis files, when one was collected. */
  diagnosisFiles?: string[];
}

export const FAILED_OUTCOMES: ReadonlySet<ServiceOutcome> = new Set([
  'failed',
  'rolled-back',
  'replaced',
  'timeout',
  'cancelled',
]);

export function isFailure(outcome: ServiceOutcome): boolean {
  return FAILED_OUTCOMES.has(outcome);
}
