// What every catalogue case shares: an emulator world from a temporary repository, a step run the way
// the CLI runs it (debug on, a planted secret in the environment), and what the user observed.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { describeError } from '../shared/src/errors.js';
import { neutralise } from '../shared/src/runner/untrusted.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import type { Step } from '../shared/src/steps/step.js';
import { type DeployWorld, deployWorld, imagesInput, rollingService } from '../test/deploy-harness.js';
import { runStep, type ServiceSpec } from '../test/render-world.js';

export interface Observation {
  exitCode: number;
  /** The error the user saw, or the outcome line of a success. */
  message: string;
  /** Mutating AWS calls the emulator recorded. */
  mutatingCalls: number;
  /** Everything the step printed, debug included (scanned for secrets). */
  log: string;
  outcome?: string;
}

export interface Case {
  id: string;
  group: 'fault' | 'bad-input';
  title: string;
  /** What a correct tool does. */
  expected: { exitCode: number; outcome?: string; message: RegExp };
  run(): Promise<Observation>;
}

/** A secret planted in every case's environment: it must never reach a log line. */
export const PLANTED_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDKEY';

export type Inputs = Record<string, string>;

/** What a case's act returns: the step, its inputs, and optionally a cancel signal or extra env. */
export interface Act {
  step: Step;
  inputs: Inputs;
  signal?: AbortSignal;
  /** Added to the step's environment (what a CI job's variables would hold). */
  env?: NodeJS.ProcessEnv;
}

export async function inWorld(
  services: ServiceSpec[],
  act: (w: DeployWorld) => Promise<Act>,
  opts: { throttling?: boolean } = {},
): Promise<Observation> {
  const w = await deployWorld(services, opts);
  try {
    const { step, inputs, signal, env } = await act(w);
    const before = w.emu.calls({ mutates: true }).length;
    const run = await runStep(step, inputs, {
      cwd: w.root,
      debug: true,
      env: { AWS_SECRET_ACCESS_KEY: PLANTED_SECRET, ...env },
      ...(signal ? { signal } : {}),
    });
    const result = run.result as { services?: { outcome: string; reason: string }[] } | undefined;
    const details = run.error?.details as { services?: { outcome: string }[] } | undefined;
    const services = result?.services ?? details?.services ?? [];
    return {
      exitCode: run.exitCode,
      // What the CLI prints: "where: message", then the fix.
      message: run.error
        ? neutralise(describeError(run.error)).replace(/\n\s*fix: (.*)$/s, ' (fix: $1)')
        : 'succeeded',
      mutatingCalls: w.emu.calls({ mutates: true }).length - before,
      log: run.log,
      ...(services[0] ? { outcome: services[0].outcome } : {}),
    };
  } finally {
    await w.stop();
  }
}

export const api = () => rollingService('api');
export const deployApi = (w: DeployWorld, tag: string, extra: Inputs = {}): Act => ({
  step: makeDeployStep(w.time) as Step,
  inputs: { ...w.awsInputs, images: imagesInput(w.emu, { api: tag }), ...extra },
});

/** A fault case: a healthy rollout of api under the given fault must still succeed. */
export function survives(id: string, title: string, fault: Parameters<DeployWorld['emu']['fault']>[0]): Case {
  return {
    id,
    group: 'fault',
    title,
    expected: { exitCode: 0, outcome: 'succeeded', message: /succeeded/ },
    run: () =>
      inWorld(
        [api()],
        async (w) => {
          w.emu.fault(fault);
          return deployApi(w, 'v2');
        },
        { throttling: true },
      ),
  };
}

/** A bad-input case: exit 2, a message naming the field, and no mutating call. The world is seeded
 * from a valid api service; `broken` then replaces its files the way a user's bad change would. */
export function refuses(
  id: string,
  title: string,
  message: RegExp,
  broken: Partial<ServiceSpec> | undefined,
  act: (w: DeployWorld) => Act | Promise<Act>,
  /** The services of the world (default: api alone); `broken` applies to the first. */
  services: ServiceSpec[] = [api()],
): Case {
  return {
    id,
    group: 'bad-input',
    title,
    expected: { exitCode: 2, message },
    run: () =>
      inWorld(services, async (w) => {
        if (broken) await breakFiles(w.root, { ...services[0], ...broken });
        return act(w);
      }),
  };
}

export async function breakFiles(root: string, spec: ServiceSpec): Promise<void> {
  const dir = path.join(root, 'services', spec.name);
  const manifest = parseYaml(await readFile(path.join(dir, 'service.yml'), 'utf8')) as Record<
    string,
    unknown
  >;
  await writeFile(path.join(dir, 'service.yml'), stringify({ ...manifest, deploy: spec.deploy }));
  await writeFile(
    path.join(dir, 'taskdef.json'),
    typeof spec.taskdef === 'string' ? spec.taskdef : JSON.stringify(spec.taskdef, null, 2),
  );
}

export const withTaskdef = (taskdef: unknown): Partial<ServiceSpec> => ({ taskdef });
export const withDeploy = (deploy: Record<string, unknown>): Partial<ServiceSpec> => ({
  deploy: { ...api().deploy, ...deploy },
});
