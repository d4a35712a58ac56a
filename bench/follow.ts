// Following a deployment: API calls and outcome latency for releases of 1, 6 and 24 rolling services,
// and staying power — throttling and 5xx windows of 12, 30 and 60 errors injected once the rollout has
// started (rolling, ECS blue/green, a 6-service release): the calls made during each window and the
// latency of the outcome once AWS answers again. All on the emulator's virtual clock (see
// virtual-time.ts); latency is emulated time from ECS deciding (or AWS answering again, if later) to the
// service's outcome being reported.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { DescribeServiceDeploymentsCommand } from '@aws-sdk/client-ecs';
import type { FaultError } from '../emulator/src/faults.js';
import {
  blueGreenSettings,
  type DeployWorld,
  deployWorld,
  faultOnceStarted,
  imagesInput,
  rollingService,
  VirtualTime,
  windowFigures,
} from '../harness/deploy-world.js';
import { runStep } from '../harness/render-world.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';

/**
 * Real ms the virtual clock waits for every follower to park before it jumps: longer than the default,
 * so parallel followers on a loaded machine (HTTP, a release's 10 ms describe window) are not left
 * behind by a jump, which would show as latency they do not have.
 */
const SETTLE_MS = 100;

export interface PacedRelease {
  services: number;
  calls: number;
  describeServices: number;
  polls: number;
  /** Per service: emulated s from its deployment finishing to its outcome being reported. */
  latencySeconds: number[];
  succeeded: number;
  /** Run on a process starved of CPU (see starved()). */
  starved?: boolean;
}

/**
 * Runs `work` while the event loop is blocked 80 ms of every 90: a loaded machine as the process sees
 * it (slow answers, late timers). Follower pacing must hold there too, and the virtual clock must not
 * turn the delays into latency.
 */
export async function starved<T>(work: () => Promise<T>): Promise<T> {
  const hog = setInterval(() => {
    const until = performance.now() + 80;
    while (performance.now() < until) {}
  }, 10);
  try {
    return await work();
  } finally {
    clearInterval(hog);
  }
}

async function finishedAt(w: DeployWorld, arns: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < arns.length; i += 20) {
    const r = await w.aws.ecs.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns.slice(i, i + 20) }),
    );
    for (const sd of r.serviceDeployments ?? [])
      if (sd.serviceDeploymentArn && sd.finishedAt) out.set(sd.serviceDeploymentArn, sd.finishedAt.getTime());
  }
  return out;
}

/** One release of `count` healthy rolling services, followed on the virtual clock. */
export async function pacedRelease(count: number, opts: { starve?: boolean } = {}): Promise<PacedRelease> {
  const names = Array.from({ length: count }, (_, i) => `svc${String(i + 1).padStart(2, '0')}`);
  const w = await deployWorld(names.map((n) => rollingService(n)));
  try {
    const mark = w.emu.calls().length;
    const release = () =>
      runStep(
        makeDeployStep(new VirtualTime(w.emu, SETTLE_MS)),
        { ...w.awsInputs, images: imagesInput(w.emu, Object.fromEntries(names.map((n) => [n, 'v2']))) },
        { cwd: w.root },
      );
    const run = opts.starve ? await starved(release) : await release();
    const calls = w.emu.calls().slice(mark);
    const record = JSON.parse(
      await readFile(path.join(w.awsInputs['output-dir'], 'deploy-record.json'), 'utf8'),
    ) as {
      services: { outcome: string; polls: number; finishedAt: string; serviceDeploymentArn?: string }[];
    };
    const decided = await finishedAt(
      w,
      record.services.map((s) => s.serviceDeploymentArn).filter(Boolean) as string[],
    );
    return {
      services: count,
      calls: calls.length,
      describeServices: calls.filter((c) => c.operation === 'DescribeServices').length,
      polls: record.services.reduce((n, s) => n + s.polls, 0),
      latencySeconds: record.services.map(
        (s) => (Date.parse(s.finishedAt) - (decided.get(s.serviceDeploymentArn ?? '') ?? Number.NaN)) / 1000,
      ),
      succeeded: (run.result?.services ?? []).filter((s) => s.outcome === 'succeeded').length,
      ...(opts.starve ? { starved: true } : {}),
    };
  } finally {
    await w.stop();
    await rm(w.root, { recursive: true, force: true });
  }
}

export type WindowScenario = 'rolling' | 'blue-green' | 'release of 6';

export interface WindowTrial {
  scenario: WindowScenario;
  error: FaultError;
  times: number;
  outcome: string;
  faulted: number;
  callsDuringWindow: number;
  /** Emulated s from AWS answering again (or ECS deciding, if later) to the outcome reported. */
  latencySeconds: number;
}

export async function windowTrial(
  scenario: WindowScenario,
  error: FaultError,
  times: number,
): Promise<WindowTrial> {
  const names = scenario === 'release of 6' ? ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'] : ['api'];
  const w = await deployWorld(
    names.map((n) =>
      rollingService(
        n,
        scenario === 'blue-green'
          ? { strategy: 'blue-green', blueGreen: blueGreenSettings({ bakeTimeMinutes: 1 }) }
          : {},
      ),
    ),
  );
  const operation = scenario === 'blue-green' ? 'DescribeServiceDeployments' : 'DescribeServices';
  try {
    const fault = faultOnceStarted(w, { service: 'ecs', operation, error, times });
    const run = await runStep(
      makeDeployStep(new VirtualTime(w.emu, SETTLE_MS)),
      { ...w.awsInputs, images: imagesInput(w.emu, Object.fromEntries(names.map((n) => [n, 'v2']))) },
      { cwd: w.root },
    );
    fault.stop();
    const returnedAt = w.emu.clock.now();
    const f = await windowFigures(w, operation, returnedAt);
    return {
      scenario,
      error,
      times,
      outcome: run.error ? `failed: ${run.error.message}` : (run.outputs.status ?? '?'),
      faulted: f.faulted,
      callsDuringWindow: f.callsDuringWindow,
      latencySeconds: f.latencyMs / 1000,
    };
  } finally {
    await w.stop();
    await rm(w.root, { recursive: true, force: true });
  }
}

export interface FollowMeasures {
  releases: PacedRelease[];
  windows: WindowTrial[];
}

export async function measureFollow(): Promise<FollowMeasures> {
  const releases: PacedRelease[] = [];
  for (const n of [1, 6, 24]) releases.push(await pacedRelease(n));
  releases.push(await pacedRelease(24, { starve: true }));
  const windows: WindowTrial[] = [];
  for (const scenario of ['rolling', 'blue-green', 'release of 6'] as const)
    for (const error of ['ThrottlingException', 'InternalFailure'] as const)
      for (const times of [12, 30, 60]) windows.push(await windowTrial(scenario, error, times));
  return { releases, windows };
}
