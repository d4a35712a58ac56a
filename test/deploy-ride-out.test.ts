// Riding out AWS while watching (issue 17): throttling and 5xx windows injected once the rollout has
// started are not outcomes. The follower keeps polling with capped, jittered backoff, says so, and
// reports the real outcome within 2 s (emulated) of AWS answering again; a window that outlasts the
// timeout ends as a timeout with a record and the cancel policy; AccessDenied ends the wait at once.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  blueGreenSettings,
  type DeployWorld,
  deployWorld,
  imagesInput,
  faultOnceStarted as once,
  rollingService,
  windowFigures,
} from '../harness/deploy-world.js';
import { runStep } from '../harness/render-world.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';

let w: DeployWorld | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

const WINDOWS = [12, 30, 60];
const ERRORS = ['ThrottlingException', 'InternalFailure'] as const;
const words = {
  ThrottlingException: /ECS throttling for \d+ s, still watching/,
  InternalFailure: /ECS server errors for \d+ s, still watching/,
};

describe.each([
  ['rolling', {}, 'DescribeServices'],
  [
    'blue/green',
    { strategy: 'blue-green', blueGreen: blueGreenSettings({ bakeTimeMinutes: 1 }) },
    'DescribeServiceDeployments',
  ],
] as const)('%s deploy: a throttling or 5xx window on %s after UpdateService', (_kind, deploy, operation) => {
  it.each(ERRORS.flatMap((e) => WINDOWS.map((n) => [e, n] as const)))(
    '%s ×%i: success, reported within 2 s of ECS answering again',
    async (error, times) => {
      w = await deployWorld([rollingService('api', deploy)]);
      const fault = once(w, { service: 'ecs', operation, error, times });
      const run = await runStep(
        makeDeployStep(w.time),
        { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }) },
        { cwd: w.root },
      );
      fault.stop();
      const returnedAt = w.emu.clock.now();
      expect(run.error).toBeUndefined();
      expect(run.outputs.status).toBe('succeeded');
      expect(run.log).toMatch(words[error]);
      const l = await windowFigures(w, operation, returnedAt);
      expect(l.faulted).toBe(times);
      expect(l.latencyMs).toBeLessThanOrEqual(2000);
    },
  );
});

describe('a 6-service release: one window shared by every follower', () => {
  const six = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
  it.each(ERRORS.flatMap((e) => WINDOWS.map((n) => [e, n] as const)))(
    '%s ×%i: every service succeeds, reported within 2 s of ECS answering again',
    async (error, times) => {
      w = await deployWorld(six.map((n) => rollingService(n)));
      const fault = once(w, { service: 'ecs', operation: 'DescribeServices', error, times });
      const run = await runStep(
        makeDeployStep(w.time),
        { ...w.awsInputs, images: imagesInput(w.emu, Object.fromEntries(six.map((n) => [n, 'v2']))) },
        { cwd: w.root },
      );
      fault.stop();
      const returnedAt = w.emu.clock.now();
      expect(run.error).toBeUndefined();
      expect(run.result?.services.map((s) => s.outcome)).toEqual(six.map(() => 'succeeded'));
      const l = await windowFigures(w, 'DescribeServices', returnedAt);
      expect(l.faulted).toBe(times);
      expect(l.latencyMs).toBeLessThanOrEqual(2000);
      // One budget: the six followers' polls share each DescribeServices, throttled or answered. Followers
      // whose jittered polls fall in one batching window share a call; how many do depends on how much real
      // time passes between wake-ups on a loaded machine, so the bound is half the polls, not a tighter ratio
      // (unshared, every poll would be a call of its own).
      const polls = (run.result?.services ?? []).reduce((n, s) => n + s.polls, 0);
      const answered = w.emu.calls({ operation: 'DescribeServices' }).filter((c) => !c.error).length;
      expect(answered).toBeLessThanOrEqual(polls / 2);
    },
  );
});

describe('windows that end the wait', () => {
  it('a window outlasting --timeout: timeout outcome, record, cancel policy applied', async () => {
    w = await deployWorld([rollingService('api')]);
    // Tasks that take two minutes to start: the deployment is still in flight at the timeout.
    w.emu.behavior({ image: '*api:slow', behavior: 'slow', startSeconds: 120 });
    const fault = once(w, {
      service: 'ecs',
      operation: 'DescribeServices',
      error: 'ThrottlingException',
      times: 10_000,
    });
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'slow' }), timeout: '60' },
      { cwd: w.root },
    );
    fault.stop();
    expect(run.exitCode).toBe(1);
    expect(run.error?.message).toMatch(/api timeout \(no outcome after 60 s .*ECS throttling for \d+ s/);
    const record = JSON.parse(
      await readFile(path.join(w.awsInputs['output-dir'], 'deploy-record.json'), 'utf8'),
    );
    expect(record.outcome).toBe('failed');
    expect(record.services[0]).toMatchObject({ outcome: 'timeout' });
    expect(record.services[0].afterwards).toMatch(/StopServiceDeployment ROLLBACK/);
    expect(w.emu.calls({ operation: 'StopServiceDeployment' }).filter((c) => !c.error)).toHaveLength(1);
    // Calls stay under control: the whole 60 s window cost at most one call per 250 ms of it.
    expect(w.emu.calls({ operation: 'DescribeServices' }).length).toBeLessThan(240);
  });

  it('AccessDenied during the wait: exit 1 at once, naming the permission; record and cancel policy', async () => {
    w = await deployWorld([rollingService('api')]);
    const fault = once(w, {
      service: 'ecs',
      operation: 'DescribeServices',
      error: 'AccessDeniedException',
      times: 1,
    });
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }) },
      { cwd: w.root },
    );
    fault.stop();
    expect(run.exitCode).toBe(1);
    expect(run.error?.message).toMatch(/api failed \(AccessDeniedException: .*ecs:DescribeServices/);
    // At once: no poll after the denied one (the one later DescribeServices is the diagnosis reading
    // the service's events), and no emulated time spent waiting.
    const calls = w.emu.calls({ operation: 'DescribeServices' });
    const denied = calls.findIndex((c) => c.error === 'AccessDeniedException');
    expect(calls.length - denied - 1).toBeLessThanOrEqual(1);
    expect(w.emu.clock.now() - Date.parse(calls[denied].time)).toBeLessThan(1000);
    const record = JSON.parse(
      await readFile(path.join(w.awsInputs['output-dir'], 'deploy-record.json'), 'utf8'),
    );
    expect(record.services[0]).toMatchObject({ outcome: 'failed' });
    expect(record.services[0].afterwards).toMatch(/roll back/);
  });
});

describe('deploying an image built elsewhere', () => {
  it('needs no Dockerfile (deploy never builds) and writes no outputs that do not apply', async () => {
    w = await deployWorld([rollingService('api')]);
    await rm(path.join(w.root, 'services/api/Dockerfile'));
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { api: 'v2' }) },
      { cwd: w.root },
    );
    expect(run.error).toBeUndefined();
    expect(run.outputs.status).toBe('succeeded');
    // A rolling deploy has no stage gate: no empty stage / test-listener-rule outputs.
    expect(Object.keys(run.outputs)).not.toContain('stage');
    expect(Object.keys(run.outputs)).not.toContain('test-listener-rule');
    expect(run.outputs['deployment-arn']).toMatch(/service-deployment\/main\/api\//);
  });
});
