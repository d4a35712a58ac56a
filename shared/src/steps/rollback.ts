// rollback: for manual dispatch (workflow_dispatch, a GitLab manual job, a terminal at 2 a.m.). Returns
// services to the revision live before the last deploy (from the deploy's record file, or from each
// service's deployment history), or to a named revision or image; or rolls back a deployment held at a
// stage gate (--deployment <arn>). The work lives in shared/src/deploy/rollback.ts and continue.ts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type AwsSettings, awsSettings, connect } from '../aws/connect.js';
import { continueGated } from '../deploy/continue.js';
import { type Clock, systemClock } from '../deploy/follow.js';
import { readRecord } from '../deploy/record.js';
import { type RollbackRequest, rollbackServices } from '../deploy/rollback.js';
import { isFailure, type ServiceResult } from '../deploy/types.js';
import { StepFailed, UserError } from '../errors.js';
import { loadManifests, MANIFEST_NAME, SERVICES_DIR } from '../manifest/load.js';
import type { ServiceManifest } from '../manifest/schema.js';
import { outputDir as checkedOutputDir } from '../paths.js';
import { ecsNames } from '../taskdef/render.js';
import { deploymentRef } from './deployment-ref.js';
import { TERRAFORM_OUTPUTS_INPUT, withTerraformOutputs } from './render.js';
import { AWS_INPUTS, type InputSpec, Inputs, ROOT_INPUT, type Step } from './step.js';

const inputs: InputSpec[] = [
  {
    name: 'services',
    kind: 'list',
    description:
      'Services to roll back (manifest names, or ECS service names with --cluster). Default with record-file: every service in the record.',
  },
  {
    name: 'record-file',
    description:
      "A deploy's record file: each service returns to the revision that was live before that deploy.",
  },
  {
    name: 'to-revision',
    description: 'A task definition ARN or family:revision to return to (one service).',
  },
  {
    name: 'to-image',
    description:
      'An image URI to return to (one service): the live task definition with this image, registered as a new revision.',
  },
  {
    name: 'container',
    description:
      'With to-image: the container that gets the image. Default: deploy.container or the service name.',
  },
  {
    name: 'deployment',
    description:
      'A deployment held at a stage gate (deploy --stop-at): its deployment-arn or CodeDeploy id, rolled back.',
  },
  { name: 'cluster', description: 'Cluster of the services, when they have no manifest here.' },
  { ...ROOT_INPUT, description: `${ROOT_INPUT.description} Optional for rollback.` },
  TERRAFORM_OUTPUTS_INPUT,
  {
    name: 'timeout',
    kind: 'seconds',
    default: '900',
    description: "Seconds to wait for each service's rollback to finish.",
  },
  { name: 'output-dir', default: '.cendence', description: 'Folder for the rollback record and diagnoses.' },
  ...AWS_INPUTS,
];

export interface RollbackSettings {
  aws: AwsSettings;
  requests: RollbackRequest[];
  deployment?: string;
  timeoutSeconds: number;
  outputDir: string;
}

export interface RollbackStepResult {
  status: 'succeeded' | 'failed';
  services: ServiceResult[];
  recordFile?: string;
}

const REVISION = /^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?[A-Za-z0-9_-]{1,255}:\d+$/;
const IMAGE = /^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]{1,128}|@sha256:[0-9a-f]{64})$/;

function manifestsIfAny(root: string): ServiceManifest[] {
  return existsSync(path.join(root, SERVICES_DIR)) ? loadManifests(root, { buildFiles: false }) : [];
}

export function makeRollbackStep(clock: Clock = systemClock): Step<RollbackSettings, RollbackStepResult> {
  return {
    name: 'rollback',
    summary: 'return services to the revision live before the last deploy (or a named revision or image)',
    inputs,
    outputs: [
      { name: 'status', description: 'succeeded or failed.' },
      { name: 'deployment-ids', description: 'JSON {"<service>": "<deployment id of the rollback>"}.' },
      { name: 'revisions', description: 'JSON {"<service>": "<task definition ARN now live>"}.' },
      { name: 'record-file', description: 'Path of the rollback record JSON.' },
    ],
    async settings(read, ctx) {
      const i = new Inputs(read, inputs);
      const aws = awsSettings(i, ctx);
      const timeoutSeconds = i.seconds('timeout') as number;
      const outputDir = checkedOutputDir(ctx.cwd, i.withDefault('output-dir'));
      const deployment = deploymentRef(i, 'deployment');
      const names = i.list('services');
      const recordFile = i.string('record-file');
      const toRevision = i.string('to-revision');
      const toImage = i.string('to-image');
      if (deployment) {
        if (names.length || recordFile || toRevision || toImage) {
          throw new UserError(
            'input "deployment" stands alone',
            'deployment',
            'roll back a held deployment, or services, not both',
          );
        }
        return { aws, requests: [], deployment, timeoutSeconds, outputDir };
      }
      if ([recordFile, toRevision, toImage].filter(Boolean).length > 1) {
        throw new UserError(
          'give only one of record-file, to-revision, to-image',
          'to-revision',
          'pick the one target you mean',
        );
      }
      if (toRevision && !REVISION.test(toRevision)) {
        throw new UserError(
          `"${toRevision}" is not a task definition ARN or family:revision`,
          'to-revision',
          'for example api:41',
        );
      }
      if (toImage && !IMAGE.test(toImage)) {
        throw new UserError(
          `"${toImage}" is not an image URI (registry/repository:tag or @sha256:…)`,
          'to-image',
        );
      }
      if ((toRevision || toImage) && names.length !== 1) {
        throw new UserError(
          'to-revision and to-image apply to exactly one service',
          'services',
          'name the one service',
        );
      }
      const root = path.resolve(ctx.cwd, i.withDefault('root'));
      const manifests = manifestsIfAny(root);
      // Only the services rolled back are completed from terraform outputs (others may lack a cluster).
      const manifestOf = (name: string) => {
        const m = manifests.find((x) => x.name === name);
        return m && withTerraformOutputs(i, [m], ctx.cwd)[0];
      };
      const cluster = i.string('cluster');
      const base = (name: string): Omit<RollbackRequest, 'timeoutSeconds'> => {
        const m = manifestOf(name);
        if (m?.deploy) {
          const n = ecsNames(m);
          return {
            name,
            cluster: cluster ?? n.cluster,
            service: n.service,
            strategy: m.deploy.strategy,
            container: i.string('container') ?? m.deploy.container ?? name,
            ...(m.deploy.codedeploy ? { codedeploy: m.deploy.codedeploy } : {}),
          };
        }
        if (!cluster) {
          throw new UserError(
            `service "${name}" has no ${SERVICES_DIR}/${name}/${MANIFEST_NAME} here, so its cluster is unknown`,
            'cluster',
            'pass --cluster, or run from the repository root',
          );
        }
        return { name, cluster, service: name, container: i.string('container') ?? name };
      };
      let requests: RollbackRequest[];
      if (recordFile) {
        const record = await readRecord(path.resolve(ctx.cwd, recordFile));
        const chosen = names.length ? record.services.filter((s) => names.includes(s.name)) : record.services;
        const unknown = names.filter((n) => !record.services.some((s) => s.name === n));
        if (unknown.length)
          throw new UserError(
            `${unknown.join(', ')} not in the record`,
            'services',
            `the record has ${record.services.map((s) => s.name).join(', ')}`,
          );
        requests = chosen.map((s) => {
          if (!s.previousTaskDefinition) {
            throw new UserError(
              `the record has no previous revision for ${s.name} (first deployment)`,
              recordFile,
              'pass to-revision',
            );
          }
          const m = manifestOf(s.name);
          return {
            name: s.name,
            cluster: s.cluster,
            service: s.service,
            strategy: s.strategy,
            container: m?.deploy?.container ?? s.name,
            ...(m?.deploy?.codedeploy ? { codedeploy: m.deploy.codedeploy } : {}),
            toTaskDefinition: s.previousTaskDefinition,
            timeoutSeconds,
          };
        });
      } else {
        if (names.length === 0)
          throw new UserError('input "services" is required (or record-file, or deployment)', 'services');
        requests = names.map((n) => ({
          ...base(n),
          ...(toRevision ? { toTaskDefinition: toRevision } : {}),
          ...(toImage ? { toImage } : {}),
          timeoutSeconds,
        }));
      }
      return { aws, requests, timeoutSeconds, outputDir };
    },
    async run(s, ctx) {
      const aws = await connect(s.aws, ctx, s.timeoutSeconds);
      try {
        const r = s.deployment
          ? await continueGated(aws, s.deployment, 'ROLLBACK', {
              runner: ctx.runner,
              signal: ctx.signal,
              clock,
              onCancel: 'leave',
              timeoutMs: s.timeoutSeconds * 1000,
              outputDir: s.outputDir,
            })
          : await rollbackServices(aws, s.requests, {
              runner: ctx.runner,
              signal: ctx.signal,
              clock,
              outputDir: s.outputDir,
            });
        const result: RollbackStepResult = {
          status: r.record.outcome === 'succeeded' ? 'succeeded' : 'failed',
          services: r.services,
          ...(r.recordFile ? { recordFile: r.recordFile } : {}),
        };
        if (result.status === 'failed') {
          for (const [k, v] of Object.entries(rollbackOutputs(result))) ctx.runner.setOutput(k, v);
          const bad = result.services.filter((x) => isFailure(x.outcome));
          throw new StepFailed(
            `rollback failed: ${bad.map((x) => `${x.name} ${x.outcome} (${x.reason})`).join('; ')}`,
            result,
          );
        }
        return result;
      } finally {
        aws.destroy();
      }
    },
    outputValues: rollbackOutputs,
  };
}

function rollbackOutputs(r: RollbackStepResult): Record<string, string> {
  return {
    status: r.status,
    'deployment-ids': JSON.stringify(
      Object.fromEntries(
        r.services.map((x) => [
          x.name,
          x.codedeployDeploymentId ?? x.deploymentId ?? x.serviceDeploymentArn ?? '',
        ]),
      ),
    ),
    revisions: JSON.stringify(Object.fromEntries(r.services.map((x) => [x.name, x.taskDefinition ?? '']))),
    'record-file': r.recordFile ?? '',
  };
}

export const rollbackStep = makeRollbackStep();
