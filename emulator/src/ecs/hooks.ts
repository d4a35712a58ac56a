// Deployment lifecycle hooks of the blue/green strategies. PAUSE hooks wait for
// ContinueServiceDeployment (or time out with their timeout action); AWS_LAMBDA hooks succeed at once,
// since the emulator runs no Lambda functions.
import { hex } from '../ids.js';
import { AwsError } from '../types.js';
import type {
  DeploymentConfiguration,
  HookRun,
  LifecycleHook,
  LifecycleStage,
  ServiceDeploymentRecord,
} from './model.js';

const NO_HOOKS: LifecycleStage[] = ['SCALE_UP', 'BAKE_TIME', 'CLEAN_UP'];
const NO_PAUSE: LifecycleStage[] = ['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'];

export function hooksAt(cfg: DeploymentConfiguration, stage: LifecycleStage): LifecycleHook[] {
  return (cfg.lifecycleHooks ?? []).filter((h) => h.lifecycleStages?.includes(stage));
}

export function validateHooks(cfg: DeploymentConfiguration): void {
  const invalid = (m: string) => new AwsError('InvalidParameterException', m);
  for (const h of cfg.lifecycleHooks ?? []) {
    const type = h.targetType ?? 'AWS_LAMBDA';
    if (type !== 'AWS_LAMBDA' && type !== 'PAUSE')
      throw invalid(`Unknown lifecycle hook targetType ${type}.`);
    if (!h.lifecycleStages?.length) throw invalid('A lifecycle hook needs at least one lifecycle stage.');
    for (const stage of h.lifecycleStages) {
      if (NO_HOOKS.includes(stage)) throw invalid(`Lifecycle hooks cannot run at the ${stage} stage.`);
      if (type === 'PAUSE' && NO_PAUSE.includes(stage))
        throw invalid(`A PAUSE hook cannot be used at the ${stage} stage.`);
    }
    if (type === 'AWS_LAMBDA' && (!h.hookTargetArn || !h.roleArn)) {
      throw invalid('An AWS_LAMBDA lifecycle hook needs hookTargetArn and roleArn.');
    }
  }
}

export type HookOutcome = 'done' | 'waiting' | 'rollback';

/** Starts (once) and checks the hooks of `stage`: done when all succeeded, rollback when one says so. */
export function runHooks(sd: ServiceDeploymentRecord, stage: LifecycleStage, now: number): HookOutcome {
  const hooks = hooksAt(sd.deploymentConfiguration, stage);
  if (hooks.length === 0) return 'done';
  if (!sd.hooks.some((r) => r.stage === stage)) {
    for (const h of hooks) {
      const type = h.targetType ?? 'AWS_LAMBDA';
      sd.hooks.push({
        hookId: hex(16),
        targetType: type,
        targetArn: h.hookTargetArn,
        status: type === 'PAUSE' ? 'AWAITING_ACTION' : 'SUCCEEDED',
        expiresAt: now + (h.timeoutConfiguration?.timeoutInMinutes ?? 1440) * 60_000,
        timeoutAction: h.timeoutConfiguration?.action ?? 'ROLLBACK',
        stage,
      });
    }
    sd.updatedAt = now;
  }
  let outcome: HookOutcome = 'done';
  for (const r of sd.hooks.filter((x) => x.stage === stage)) {
    if (r.status === 'AWAITING_ACTION' && r.expiresAt !== undefined && now >= r.expiresAt) {
      r.status = 'TIMED_OUT';
      sd.updatedAt = now;
    }
    if (r.rollbackRequested || r.status === 'FAILED') return 'rollback';
    if (r.status === 'TIMED_OUT' && r.timeoutAction === 'ROLLBACK') return 'rollback';
    if (r.status === 'AWAITING_ACTION' || r.status === 'IN_PROGRESS') outcome = 'waiting';
  }
  return outcome;
}

/** ContinueServiceDeployment: CONTINUE lets the deployment move on; ROLLBACK sends it back. */
export function continueHook(
  sd: ServiceDeploymentRecord,
  hookId: string,
  action: 'CONTINUE' | 'ROLLBACK',
  now: number,
): void {
  const r = sd.hooks.find((x) => x.hookId === hookId);
  if (!r)
    throw new AwsError(
      'InvalidParameterException',
      `The lifecycle hook ${hookId} was not found in this service deployment.`,
    );
  if (r.status !== 'AWAITING_ACTION') {
    throw new AwsError(
      'ConflictException',
      `The lifecycle hook ${hookId} is ${r.status}, not AWAITING_ACTION.`,
    );
  }
  r.status = 'SUCCEEDED';
  if (action === 'ROLLBACK') r.rollbackRequested = true;
  sd.updatedAt = now;
}

export function hookDetailsOut(runs: HookRun[]) {
  return runs.map((r) => ({
    hookId: r.hookId,
    targetType: r.targetType,
    targetArn: r.targetArn,
    status: r.status,
    expiresAt: r.expiresAt === undefined ? undefined : new Date(r.expiresAt),
    timeoutAction: r.timeoutAction,
  }));
}
