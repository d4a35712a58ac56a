// Shared by the render, verify and run-task tests, bench/ and proof/: a temporary repository with service manifests and
// task definition templates, and a way to drive a step the way the CLI does (settings → run → outputs).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { stringify } from 'yaml';
import { exitCodeOf } from '../shared/src/errors.js';
import { TerminalRunner } from '../shared/src/runner/terminal.js';
import type { Step } from '../shared/src/steps/step.js';

export const ACCOUNT = '000000000000';
export const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecs-exec`;

export interface ServiceSpec {
  name: string;
  deploy: Record<string, unknown>;
  taskdef: unknown;
}

const made: string[] = [];

/** Removes every repository makeRepo created (call from afterAll). */
export async function removeRepos(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** A repository with services/<name>/{service.yml, Dockerfile, taskdef.json}. */
export async function makeRepo(services: ServiceSpec[]): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'cendence-render-'));
  made.push(root);
  for (const s of services) {
    const dir = path.join(root, 'services', s.name);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
    await writeFile(path.join(dir, 'service.yml'), stringify({ name: s.name, deploy: s.deploy }));
    await writeFile(
      path.join(dir, 'taskdef.json'),
      typeof s.taskdef === 'string' ? s.taskdef : JSON.stringify(s.taskdef, null, 2),
    );
  }
  return root;
}

/** A minimal valid Fargate template whose first container takes the service's image. */
export function fargateTemplate(name: string, extra: Record<string, unknown> = {}) {
  return {
    family: name,
    cpu: '256',
    memory: '512',
    executionRoleArn: EXEC_ROLE,
    containerDefinitions: [
      { name, image: '<IMAGE>', essential: true, portMappings: [{ containerPort: 8080 }] },
    ],
    ...extra,
  };
}

export interface StepRun<R> {
  result?: R;
  error?: Error & { where?: string; fix?: string; details?: unknown };
  exitCode: number;
  outputs: Record<string, string>;
  log: string;
}

/** Runs a step as the CLI does; never throws, so a test can assert on the exit code and the log. */
export async function runStep<S, R>(
  step: Step<S, R>,
  inputs: Record<string, string>,
  opts: { cwd: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal; debug?: boolean },
): Promise<StepRun<R>> {
  const stream = new PassThrough();
  let log = '';
  stream.on('data', (c) => (log += c));
  const runner = new TerminalRunner({ stream, debug: opts.debug ?? false });
  const ctx = {
    runner,
    signal: opts.signal ?? new AbortController().signal,
    env: opts.env ?? {},
    cwd: opts.cwd,
  };
  try {
    const settings = await step.settings((n) => inputs[n], ctx);
    const result = await step.run(settings, ctx);
    Object.assign(runner.outputs, step.outputValues(result));
    return { result, exitCode: 0, outputs: runner.outputs, log };
  } catch (err) {
    return { error: err as StepRun<R>['error'], exitCode: exitCodeOf(err), outputs: runner.outputs, log };
  }
}
