// The step deadline beyond deploy and rollback (issue 16, item 1): push, run-task and the OIDC exchange
// each return within their timeout plus 10 s whatever AWS does, with a failure they observed, and change
// nothing they did not mean to. Faults are the emulator's own (slow answers, transient STS refusals).
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import {
  argvLines,
  BUSYBOX,
  dockerStatus,
  type Fixture,
  makeFixture,
  removeImages,
  runStep as runFixtureStep,
} from '../harness/build-push.js';
import { type DeployWorld, deployWorld, imagesInput, rollingService } from '../harness/deploy-world.js';
import { runStep } from '../harness/render-world.js';
import { describeError } from '../shared/src/errors.js';
import { buildStep } from '../shared/src/steps/build.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import { pushStep } from '../shared/src/steps/push.js';
import { runTaskStep } from '../shared/src/steps/run-task.js';

/** What the deadline promises on top of the timeout: time to report the failure it observed. */
const GRACE_S = 10;
const HANG_MS = 200_000;
const ROLE = 'arn:aws:iam::123456789012:role/cendence-deploy';

let w: DeployWorld | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t) / 1000 };
}

describe('run-task', () => {
  it.each([
    ['a read-only look-up hangs (DescribeServices)', 'DescribeServices', /AWS did not answer/],
    ['RunTask hangs', 'RunTask', /RunTask did not answer/],
  ])(
    '%s: returns within its timeout plus 10 s, with no task started',
    async (_n, operation, why) => {
      w = await deployWorld([rollingService('api')]);
      w.emu.fault({ service: 'ecs', operation, latencyMs: HANG_MS });
      const { value: run, seconds } = await timed(() =>
        runStep(
          runTaskStep,
          { ...w!.awsInputs, service: 'api', command: 'migrate', 'timeout-seconds': '3' },
          { cwd: w!.root },
        ),
      );
      expect(seconds).toBeGreaterThanOrEqual(2.9);
      expect(seconds).toBeLessThan(3 + GRACE_S);
      expect(run.exitCode).toBe(1);
      expect(describeError(run.error)).toMatch(/run-task did not start within 3 s \(its timeout\)/);
      expect(describeError(run.error)).toMatch(why);
      // The hung RunTask never reached the emulator's handler: no task exists.
      expect([...w.emu.world.ecs.tasks.values()].filter((t) => t.startedBy === 'cendence-run-task')).toEqual(
        [],
      );
    },
    30_000,
  );
});

describe('the OIDC exchange', () => {
  const oidcEnv = { CENDENCE_ID_TOKEN: 'header.payload.signature' };

  it('a hung STS ends deploy within its timeout plus 10 s, before any change', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.fault({ service: 'sts', operation: 'AssumeRoleWithWebIdentity', latencyMs: HANG_MS });
    const { value: run, seconds } = await timed(() =>
      runStep(
        makeDeployStep(w!.time),
        {
          ...w!.awsInputs,
          images: imagesInput(w!.emu, { api: 'v2' }),
          timeout: '3',
          'role-to-assume': ROLE,
        },
        { cwd: w!.root, env: oidcEnv },
      ),
    );
    expect(seconds).toBeLessThan(3 + GRACE_S);
    expect(run.exitCode).toBe(1);
    expect(describeError(run.error)).toContain(
      `the OIDC exchange for ${ROLE} did not finish within 3 s (the step's time limit)`,
    );
    expect(w.emu.calls({ mutates: true }).filter((c) => c.service !== 'sts')).toEqual([]);
  }, 30_000);

  it('retries of a transient InvalidIdentityToken stop at the deadline, saying what STS answered', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.fault({ service: 'sts', operation: 'AssumeRoleWithWebIdentity', error: 'InvalidIdentityToken' });
    const { value: run, seconds } = await timed(() =>
      runStep(
        runTaskStep,
        { ...w!.awsInputs, service: 'api', 'timeout-seconds': '2', 'role-to-assume': ROLE },
        { cwd: w!.root, env: oidcEnv },
      ),
    );
    // Unbounded, the retries (1 s, 2 s, 4 s apart) would take 7 s.
    expect(seconds).toBeLessThan(2 + 1);
    expect(run.exitCode).toBe(1);
    const text = describeError(run.error);
    expect(text).toContain('did not finish within 2 s');
    expect(text).toMatch(/STS answered InvalidIdentityToken\w* to 2 attempt\(s\) until then/);
    expect(run.log).toMatch(/trying again in 1000 ms/);
    expect(w.emu.calls({ operation: 'AssumeRoleWithWebIdentity' })).toHaveLength(2);
    expect(w.emu.calls({ mutates: true }).filter((c) => c.service !== 'sts')).toEqual([]);
  }, 30_000);
});

const docker = dockerStatus();
const withDocker = docker.ok && BUSYBOX !== undefined ? describe : describe.skip;

withDocker('push (Docker engine, the emulator registry)', () => {
  let emu: Emulator | undefined;
  let f: Fixture | undefined;
  afterEach(async () => {
    await emu?.stop();
    if (emu) removeImages(`${emu.host}/*/*`);
    emu = undefined;
  });

  it('a layer upload that never answers: the engine is stopped within the timeout plus 10 s', async () => {
    emu = await startEmulator({ region: 'eu-west-3' });
    f ??= await makeFixture(['api']);
    const build = await runFixtureStep(
      buildStep,
      { 'cache-from': 'none', 'cache-to': 'none', endpoint: emu.url },
      f,
    );
    emu.fault({ service: 'ecr', operation: 'InitiateLayerUpload', latencyMs: HANG_MS });
    const started = performance.now();
    const err = await runFixtureStep(
      pushStep,
      { builds: build.outputs.builds, endpoint: emu.url, 'create-repository': 'true', timeout: '4' },
      f,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(4 + GRACE_S);
    expect(describeError(err)).toContain(
      'push did not finish within 4 s (its timeout); the engine was stopped',
    );
    // docker push was running (the shim saw it) and no image manifest was written.
    expect((await argvLines(f)).some((a) => a.startsWith(`push ${emu!.host}/fixture/api:`))).toBe(true);
    expect(emu.calls({ operation: 'PutImage' })).toEqual([]);
    // No docker push of the fixture is left running.
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(`push ${emu!.host}/fixture/api`));
    expect(left).toEqual([]);
  }, 120_000);
});
