// run-task: a one-off task (a migration) with the service's network and capacity settings; streams the
// container's logs and ends with its exit code (non-zero → exit 1, exit-code output set either way).
import { type AwsSettings, awsSettings, connect } from '../aws/connect.js';
import { StepFailed, UserError } from '../errors.js';
import { loadManifests } from '../manifest/load.js';
import type { ServiceManifest } from '../manifest/schema.js';
import { rootDir } from '../paths.js';
import { type RunTaskFailure, type RunTaskResult, runOneOffTask } from '../run-task/run-task.js';
import { parseStrictJson } from '../strict-json.js';
import { ecsNames } from '../taskdef/render.js';
import { selectServices } from './list-input.js';
import { TERRAFORM_OUTPUTS_INPUT, withTerraformOutputs } from './render.js';
import { AWS_INPUTS, type InputSpec, Inputs, ROOT_INPUT, type Step } from './step.js';

const inputs: InputSpec[] = [
  ROOT_INPUT,
  {
    name: 'service',
    required: true,
    description: 'The service whose cluster, network and task definition the task uses.',
  },
  {
    name: 'command',
    description:
      'Command override: a JSON array (["npm","run","migrate"]) or words separated by spaces. Default: deploy.preDeployTask.command, else the image\'s own.',
  },
  {
    name: 'container',
    description:
      'Container to run the command in and take the exit code from. Default: deploy.preDeployTask.container, else the service container (deploy.container or the service name) when the task definition has it, else the first essential one.',
  },
  {
    name: 'task-definition',
    description:
      'Task definition to run (family, family:revision or ARN). Default: the one the service runs now.',
  },
  {
    name: 'timeout-seconds',
    kind: 'seconds',
    description:
      'Stop the task and fail after this long. Default: deploy.preDeployTask.timeoutSeconds, else 600.',
  },
  TERRAFORM_OUTPUTS_INPUT,
  ...AWS_INPUTS,
];

export interface RunTaskSettings {
  manifest: ServiceManifest;
  cluster: string;
  service: string;
  command?: string[];
  container?: string;
  taskDefinition?: string;
  timeoutSeconds: number;
  aws: AwsSettings;
}

/** "npm run migrate" or '["npm","run","migrate"]' → argv. Never passed through a shell. */
export function parseCommand(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (raw.trim().startsWith('[')) {
    const argv = parseStrictJson(raw, { input: 'command', fix: 'write it as ["npm","run","migrate"]' });
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) {
      throw new UserError(
        'input "command" must be a non-empty JSON array of strings',
        'command',
        'write it as ["npm","run","migrate"]',
      );
    }
    return argv;
  }
  return raw.trim().split(/\s+/);
}

export const runTaskStep: Step<RunTaskSettings, RunTaskResult> = {
  name: 'run-task',
  summary:
    "run a one-off task (migrations) with the service's network; stream its logs, propagate its exit code",
  inputs,
  outputs: [
    {
      name: 'exit-code',
      description: 'Exit code of the container (set on failure too, when the container exited).',
    },
    { name: 'task-arn', description: 'ARN of the task that ran.' },
    { name: 'log-excerpt', description: 'The last log lines of the container, with credentials redacted.' },
  ],
  settings(read, ctx) {
    const i = new Inputs(read, inputs);
    const root = rootDir(ctx.cwd, i.withDefault('root'));
    const name = i.required('service');
    const [manifest] = withTerraformOutputs(
      i,
      selectServices(loadManifests(root, { buildFiles: false }), name),
      ctx.cwd,
    );
    if (!manifest.deploy) {
      throw new UserError(
        `service ${manifest.name} has no deploy section`,
        manifest.file,
        'add deploy: { cluster: <name> }',
      );
    }
    const pre = manifest.deploy.preDeployTask;
    // The manifest's preDeployTask.timeoutSeconds has its own default (600, manifest/schema.ts).
    const timeoutSeconds = i.seconds('timeout-seconds') ?? pre?.timeoutSeconds ?? 600;
    const command = parseCommand(i.string('command')) ?? pre?.command;
    const container = i.string('container') ?? pre?.container;
    const taskDefinition = i.string('task-definition');
    return {
      manifest,
      ...ecsNames(manifest),
      ...(command ? { command } : {}),
      ...(container ? { container } : {}),
      ...(taskDefinition ? { taskDefinition } : {}),
      timeoutSeconds,
      aws: awsSettings(i, ctx),
    };
  },
  async run(s, ctx) {
    const aws = await connect(s.aws, ctx, s.timeoutSeconds);
    try {
      return await runOneOffTask(aws, {
        cluster: s.cluster,
        service: s.service,
        ...(s.taskDefinition ? { taskDefinition: s.taskDefinition } : {}),
        ...(s.container ? { container: s.container } : {}),
        preferredContainer: s.manifest.deploy?.container ?? s.manifest.name,
        ...(s.command ? { command: s.command } : {}),
        ...(s.manifest.deploy?.network ? { network: s.manifest.deploy.network } : {}),
        timeoutSeconds: s.timeoutSeconds,
        runner: ctx.runner,
        signal: ctx.signal,
      });
    } catch (err) {
      // The outputs of a failed run still tell the pipeline what happened.
      if (err instanceof StepFailed) {
        const d = err.details as Partial<RunTaskFailure> | undefined;
        if (d?.exitCode !== undefined) ctx.runner.setOutput('exit-code', String(d.exitCode));
        if (d?.taskArn) ctx.runner.setOutput('task-arn', d.taskArn);
        if (d?.logExcerpt) ctx.runner.setOutput('log-excerpt', d.logExcerpt.join('\n'));
      }
      throw err;
    } finally {
      aws.destroy();
    }
  },
  outputValues(r) {
    return { 'exit-code': String(r.exitCode), 'task-arn': r.taskArn, 'log-excerpt': r.logExcerpt.join('\n') };
  },
};
