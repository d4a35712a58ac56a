// Release scaling: 1, 6 and 24 synthetic services deployed as one release under the emulator's
// AWS-like throttling. It runs on the emulator's REAL clock at speed 1 by default: throttling buckets
// refill on wall time and the SDK's retry backoff is wall time, so only real time gives AWS's ratio of
// request rate to limits. (A faster speed compresses the rollout; the bucket rates are then multiplied
// by the same factor so the pressure stays the same, but the SDK backoff is not scaled: a rough mode
// for development, BENCH_SPEED.)
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { type Emulator, startEmulator, worldFromManifests } from '../emulator/src/index.js';
import { rollingService } from '../harness/deploy-world.js';
import { makeRepo, runStep } from '../harness/render-world.js';
import { type Clock, systemClock } from '../shared/src/deploy/follow.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';

export interface ReleaseFigure {
  services: number;
  wallMs: number;
  /** Every call the emulator received during the release, throttled ones included. */
  calls: number;
  /** Calls the emulator refused with a throttling error (each one was retried by the client). */
  throttled: number;
  /** Throttling errors that reached the user: a failed run or service naming throttling. */
  throttlingSurfaced: number;
  /** Services whose outcome was not "succeeded". */
  notSucceeded: number;
  error?: string;
}

const THROTTLE_CODES = new Set(['ThrottlingException', 'Throttling']);
const THROTTLE_TEXT = /thrott|rate exceeded/i;

/** The emulator's clock as the deploy step sees it: speed 1 is plain wall time. */
function clockFor(emu: Emulator, speed: number): Clock {
  if (speed === 1) return systemClock;
  return {
    now: () => emu.clock.now(),
    sleep: (ms, signal) => systemClock.sleep(ms / speed, signal),
  };
}

export async function releaseOf(count: number, speed = 1): Promise<ReleaseFigure> {
  const names = Array.from({ length: count }, (_, i) => `svc${String(i + 1).padStart(2, '0')}`);
  const root = await makeRepo(names.map((n) => rollingService(n)));
  const emu = await startEmulator({
    clock: 'real',
    speed,
    throttling: true,
    world: worldFromManifests(root),
  });
  if (speed !== 1) {
    const rates = emu.throttler.describe().rates;
    emu.throttler.configure({
      rates: Object.fromEntries(Object.entries(rates).map(([k, r]) => [k, { ...r, rate: r.rate * speed }])),
    });
  }
  try {
    const images = Object.fromEntries(names.map((n) => [n, `${emu.host}/${n}:v2`]));
    const started = performance.now();
    const run = await runStep(
      makeDeployStep(clockFor(emu, speed)),
      {
        region: emu.region,
        endpoint: emu.url,
        verify: 'false',
        images: JSON.stringify(images),
        'output-dir': path.join(root, '.cendence'),
      },
      { cwd: root },
    );
    const wallMs = performance.now() - started;
    const calls = emu.calls();
    const services = run.result?.services ?? [];
    const failed = services.filter((s) => s.outcome !== 'succeeded');
    const errorText = run.error ? `${run.error.message} ${JSON.stringify(run.error.details ?? '')}` : '';
    return {
      services: count,
      wallMs,
      calls: calls.length,
      throttled: calls.filter((c) => c.error !== undefined && THROTTLE_CODES.has(c.error)).length,
      throttlingSurfaced:
        failed.filter((s) => THROTTLE_TEXT.test(JSON.stringify(s))).length ||
        (THROTTLE_TEXT.test(errorText) ? 1 : 0),
      notSucceeded: run.error && services.length === 0 ? count : failed.length,
      ...(run.error ? { error: run.error.message } : {}),
    };
  } finally {
    await emu.stop();
    await rm(root, { recursive: true, force: true });
  }
}

export async function measureReleases(sizes: number[], speed = 1): Promise<ReleaseFigure[]> {
  const out: ReleaseFigure[] = [];
  for (const n of sizes) out.push(await releaseOf(n, speed));
  return out;
}
