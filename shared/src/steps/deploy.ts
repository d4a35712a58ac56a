// deploy: renders, verifies, registers and deploys one or several services (a release) and waits for
// the honest outcome. Also resumes a deployment held at a stage gate (--continue). The work lives in
// shared/src/deploy/; this file maps inputs to settings and the result to outputs.
import type { AwsClients } from '../aws/clients.js';
import { type AwsSettings, awsSettings, connect } from '../aws/connect.js';
import { withDeadline } from '../aws/retry.js';
import { isNativeTrafficStrategy } from '../deploy/blue-green.js';
import { CANCEL_POLICIES } from '../deploy/cancel.js';
import { type Clock, systemClock } from '../deploy/follow.js';
import type { ReleaseResult } from '../deploy/release.js';
import {
  type CancelPolicy,
  isFailure,
  type ServiceResult,
  type ServiceTarget,
  type StopAt,
} from '../deploy/types.js';
import { StepFailed, UserError } from '../errors.js';
import { DEFAULT_TIMEOUT_SECONDS, type ServiceManifest } from '../manifest/schema.js';
import { outputDir } from '../paths.js';
import { ecsNames } from '../taskdef/render.js';
import { renderServices } from '../taskdef/services.js';
import { verifyDeployment, verifyTargetFor } from '../verify/verify.js';
import { deploymentRef } from './deployment-ref.js';
import { readServiceInputs, SERVICE_INPUTS } from './render.js';
import { AWS_INPUTS, type InputSpec, Inputs, type Step, type StepContext } from './step.js';

export const DEPLOY_WAIT_INPUTS: InputSpec[] = [
  {
    name: 'timeout',
    kind: 'seconds',
    description: `Seconds to wait for each service's outcome. Default: deploy.timeoutSeconds (${DEFAULT_TIMEOUT_SECONDS}).`,
  },
  {
    name: 'on-cancel',
    kind: 'choice',
    options: [...CANCEL_POLICIES],
    default: 'rollback',
    description:
      'What happens to a deployment in flight when the job is cancelled or the timeout passes: rollback (ECS rolls back to the previous revision) or leave it running.',
  },
  {
    name: 'output-dir',
    default: '.cendence',
    description: 'Folder for the deployment record and failure diagnoses.',
  },
];

const inputs: InputSpec[] = [
  ...SERVICE_INPUTS,
  ...DEPLOY_WAIT_INPUTS,
  {
    name: 'stop-at',
    kind: 'choice',
    options: ['test-traffic'],
    description:
      'Blue/green, canary, linear and CodeDeploy only: return once test traffic is on the new revision; finish later with --continue <deployment-arn> or rollback --deployment <deployment-arn>.',
  },
  {
    name: 'continue',
    description:
      'Resume a deployment held at --stop-at: its deployment-arn output (or CodeDeploy deployment id), waited to the end.',
  },
  {
    name: 'release-rollback',
    kind: 'boolean',
    description:
      'When one service fails, return every service this release already changed to its previous revision.',
  },
  {
    name: 'keep-revisions',
    kind: 'number',
    description: 'After success, deregister older revisions of each family, keeping the newest N.',
  },
  {
    name: 'verify',
    kind: 'boolean',
    default: 'true',
    description: 'Check images, log groups, target groups and services before changing anything.',
  },
  ...AWS_INPUTS,
];

export interface DeploySettingsResolved {
  aws: AwsSettings;
  targets: ServiceTarget[];
  /** Verify inputs, one per target (from the manifest and its rendered task definition). */
  verify?: Parameters<typeof verifyDeployment>[1];
  /** --continue: the held deployment instead of a new release. */
  continueId?: string;
  timeoutSeconds?: number;
  onCancel: CancelPolicy;
  stopAt?: StopAt;
  releaseRollback: boolean;
  keepRevisions?: number;
  outputDir: string;
}

export interface DeployResult {
  status: 'succeeded' | 'failed' | 'stage-reached';
  services: ServiceResult[];
  recordFile?: string;
}

function targetFor(m: ServiceManifest, taskDefinition: ServiceTarget['taskDefinition']): ServiceTarget {
  const d = m.deploy as NonNullable<ServiceManifest['deploy']>;
  const { cluster, service } = ecsNames(m);
  return {
    name: m.name,
    cluster,
    service,
    strategy: d.strategy,
    dependsOn: m.dependsOn,
    taskDefinition,
    container: d.container ?? m.name,
    timeoutSeconds: d.timeoutSeconds,
    ...(d.desiredCount !== undefined ? { desiredCount: d.desiredCount } : {}),
    ...(d.blueGreen ? { blueGreen: d.blueGreen } : {}),
    ...(d.codedeploy ? { codedeploy: d.codedeploy } : {}),
    ...(d.preDeployTask ? { preDeployTask: d.preDeployTask } : {}),
    ...(d.network ? { network: d.network } : {}),
  };
}

export function makeDeployStep(clock: Clock = systemClock): Step<DeploySettingsResolved, DeployResult> {
  return {
    name: 'deploy',
    summary:
      'register and deploy services (rolling, blue/green, canary, linear, CodeDeploy) and wait for the honest outcome',
    inputs,
    outputs: [
      { name: 'status', description: 'succeeded, failed, or stage-reached (held at --stop-at).' },
      { name: 'deployment-ids', description: 'JSON {"<service>": "<ECS deployment id or CodeDeploy id>"}.' },
      {
        name: 'deployment-arn',
        description:
          'Service deployment ARN (first service); pass it to --continue or rollback --deployment.',
      },
      { name: 'previous-revision', description: 'JSON {"<service>": "<task definition ARN live before>"}.' },
      { name: 'stage', description: 'Lifecycle stage reached when held at --stop-at.' },
      {
        name: 'test-listener-rule',
        description: 'Test listener rule serving the new revision when held at --stop-at.',
      },
      { name: 'record-file', description: 'Path of the deployment record JSON.' },
    ],
    async settings(read, ctx) {
      const i = new Inputs(read, inputs);
      const aws = awsSettings(i, ctx);
      const timeout = i.seconds('timeout');
      const keep = i.number('keep-revisions');
      if (keep !== undefined && !(Number.isInteger(keep) && keep >= 1)) {
        throw new UserError(
          `input "keep-revisions" must be a whole number ≥ 1, got ${keep}`,
          'keep-revisions',
          'the live and previous revisions are always kept',
        );
      }
      const common = {
        aws,
        onCancel: i.choice<CancelPolicy>('on-cancel') as CancelPolicy,
        releaseRollback: i.boolean('release-rollback'),
        outputDir: outputDir(ctx.cwd, i.withDefault('output-dir')),
        ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
        ...(keep !== undefined ? { keepRevisions: keep } : {}),
      };
      const continueId = deploymentRef(i, 'continue');
      if (continueId) {
        return { ...common, targets: [], continueId };
      }
      const stopAt = i.choice<StopAt>('stop-at');
      const { root, manifests: selected, images } = readServiceInputs(i, ctx.cwd, ctx.env);
      // The plan selected nothing (services: []): a release with nothing to do succeeds doing nothing.
      if (selected.length === 0 && /^\[\s*\]$/.test(i.string('services')?.trim() ?? ''))
        return { ...common, targets: [] };
      if (selected.length === 0)
        throw new UserError(
          'no selected service has a deploy section',
          'services',
          'add deploy: to the service.yml of the services to deploy',
        );
      const rendered = await renderServices(selected, {
        root,
        images,
        region: aws.region,
        runner: ctx.runner,
      });
      const targets = selected.map((m, n) => targetFor(m, rendered[n].taskDefinition));
      if (stopAt) {
        const rolling = targets.filter(
          (t) => !isNativeTrafficStrategy(t.strategy) && t.strategy !== 'codedeploy',
        );
        if (rolling.length > 0) {
          throw new UserError(
            `--stop-at needs a traffic-shifting strategy; ${rolling.map((t) => t.name).join(', ')} ${rolling.length > 1 ? 'are' : 'is'} rolling`,
            'stop-at',
            'deploy those services without --stop-at, or give them strategy blue-green, canary, linear or codedeploy',
          );
        }
      }
      return {
        ...common,
        targets,
        // A manifest that asks for attestations gets them checked even when verify is off.
        ...(i.boolean('verify') || selected.some((m) => m.deploy?.requireAttestations)
          ? { verify: selected.map((m, n) => verifyTargetFor(m, rendered[n])) }
          : {}),
        ...(stopAt ? { stopAt } : {}),
      };
    },
    async run(s, ctx) {
      const aws = await connect(s.aws, ctx, limitSeconds(s));
      try {
        const result = s.continueId
          ? await continueRun(aws, s, ctx, clock)
          : await releaseRun(aws, s, ctx, clock);
        return finish(result, ctx);
      } finally {
        aws.destroy();
      }
    },
    outputValues: deployOutputs,
  };
}

/** The step's time limit: --timeout, else the longest of the services' deploy.timeoutSeconds. */
function limitSeconds(s: DeploySettingsResolved): number {
  if (s.timeoutSeconds !== undefined) return s.timeoutSeconds;
  return s.targets.length > 0 ? Math.max(...s.targets.map((t) => t.timeoutSeconds)) : DEFAULT_TIMEOUT_SECONDS;
}

async function releaseRun(
  aws: AwsClients,
  s: DeploySettingsResolved,
  ctx: StepContext,
  clock: Clock,
): Promise<DeployResult> {
  if (s.targets.length === 0) {
    ctx.runner.info('nothing to deploy: no service was selected');
    return { status: 'succeeded', services: [] };
  }
  // Checks before any change are bounded by the timeout too: a hung endpoint cannot hold the step.
  const prepareMs = limitSeconds(s) * 1000;
  const verify = s.verify;
  const live = verify
    ? (await withDeadline(prepareMs, () => verifyDeployment(aws, verify, ctx.runner), ctx.signal)).services
    : undefined;
  // The release engine (and run-task) loads only now: the action's first AWS calls (verify's) need
  // none of it, so they leave sooner (cold start, bench/cold-start.ts).
  const [{ deployRelease }, { runOneOffTask }] = await Promise.all([
    import('../deploy/release.js'),
    import('../run-task/run-task.js'),
  ]);
  const r: ReleaseResult = await deployRelease(
    aws,
    {
      targets: s.targets,
      outputDir: s.outputDir,
      releaseRollback: s.releaseRollback,
      ...(live ? { live } : {}),
      ...(s.keepRevisions !== undefined ? { keepRevisions: s.keepRevisions } : {}),
      ...(s.timeoutSeconds !== undefined ? { timeoutSeconds: s.timeoutSeconds } : {}),
      preDeploy: async (t, arn) => {
        const task = t.preDeployTask as NonNullable<ServiceTarget['preDeployTask']>;
        await runOneOffTask(aws, {
          cluster: t.cluster,
          taskDefinition: arn,
          service: t.service,
          command: task.command,
          container: task.container ?? t.container,
          timeoutSeconds: task.timeoutSeconds,
          ...(t.network ? { network: t.network } : {}),
          startedBy: 'cendence-predeploy',
          runner: ctx.runner,
          signal: ctx.signal,
          clock,
        });
      },
    },
    {
      runner: ctx.runner,
      signal: ctx.signal,
      clock,
      onCancel: s.onCancel,
      ...(s.stopAt ? { stopAt: s.stopAt } : {}),
    },
  );
  return {
    status: r.record.outcome,
    services: r.services,
    ...(r.recordFile ? { recordFile: r.recordFile } : {}),
  };
}

async function continueRun(
  aws: AwsClients,
  s: DeploySettingsResolved,
  ctx: StepContext,
  clock: Clock,
): Promise<DeployResult> {
  const { continueGated } = await import('../deploy/continue.js');
  const r = await continueGated(aws, s.continueId as string, 'CONTINUE', {
    runner: ctx.runner,
    signal: ctx.signal,
    clock,
    onCancel: s.onCancel,
    timeoutMs: limitSeconds(s) * 1000,
    outputDir: s.outputDir,
  });
  return {
    status: r.record.outcome,
    services: r.services,
    ...(r.recordFile ? { recordFile: r.recordFile } : {}),
  };
}

function deployOutputs(r: DeployResult): Record<string, string> {
  const first = r.services[0];
  const ids = Object.fromEntries(
    r.services.map((x) => [x.name, x.codedeployDeploymentId ?? x.deploymentId ?? '']),
  );
  const previous = Object.fromEntries(r.services.map((x) => [x.name, x.previousTaskDefinition ?? '']));
  // Outputs that do not apply (a stage and a test listener rule outside a stage gate) are left out,
  // not written empty.
  const stage = r.services.find((x) => x.stage)?.stage;
  const testListenerRule = r.services.find((x) => x.testListenerRule)?.testListenerRule;
  return {
    status: r.status,
    'deployment-ids': JSON.stringify(ids),
    'deployment-arn': first?.serviceDeploymentArn ?? first?.codedeployDeploymentId ?? '',
    'previous-revision': JSON.stringify(previous),
    ...(stage ? { stage } : {}),
    ...(testListenerRule ? { 'test-listener-rule': testListenerRule } : {}),
    'record-file': r.recordFile ?? '',
  };
}

/** A failed release still publishes its outputs (the record file feeds a rollback job), then fails the step. */
function finish(r: DeployResult, ctx: StepContext): DeployResult {
  if (r.status !== 'failed') return r;
  for (const [k, v] of Object.entries(deployOutputs(r))) ctx.runner.setOutput(k, v);
  const bad = r.services.filter((x) => isFailure(x.outcome));
  throw new StepFailed(
    `deploy failed: ${bad.map((x) => `${x.name} ${x.outcome} (${x.reason})`).join('; ')}`,
    r,
  );
}

export const deployStep = makeDeployStep();
