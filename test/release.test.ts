// Releases of several services: dependency waves, parallel inside a wave, one summary, and
// --release-rollback returning every service this release changed to where it was.
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from '@jest/globals';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import { type DeployWorld, deployWorld, describe1, imagesInput, rollingService } from './deploy-harness.js';
import { runStep } from './render-world.js';

let w: DeployWorld | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

const SERVICES = () => [
  rollingService('auth'),
  rollingService('game'),
  rollingService('matchmaking', {}, ['game']),
  rollingService('frontend', {}, ['auth', 'game']),
];

interface RecordService {
  name: string;
  outcome: string;
  startedAt: string;
  finishedAt: string;
  previousTaskDefinition: string;
  taskDefinition: string;
  afterwards?: string;
}

describe('release of several services', () => {
  it('deploys in dependency waves, in parallel inside a wave, with one summary table', async () => {
    w = await deployWorld(SERVICES(), { throttling: true });
    // Throttling on top of the emulator's AWS-like rates: still no failure surfaced.
    w.emu.fault({
      service: 'ecs',
      operation: 'RegisterTaskDefinition',
      error: 'ThrottlingException',
      times: 4,
    });
    const images = imagesInput(w.emu, { auth: 'v2', game: 'v2', matchmaking: 'v2', frontend: 'v2' });
    const run = await runStep(makeDeployStep(w.time), { ...w.awsInputs, images }, { cwd: w.root });

    expect(run.error).toBeUndefined();
    expect(run.log).toContain('waves: auth, game → frontend, matchmaking');
    const record = JSON.parse(await readFile(run.outputs['record-file'], 'utf8'));
    const by = Object.fromEntries(record.services.map((s: RecordService) => [s.name, s])) as Record<
      string,
      RecordService
    >;
    expect(Object.values(by).map((s) => s.outcome)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    const t = (s: string) => Date.parse(s);
    // Wave 2 starts only after both wave-1 services finished; inside a wave they start together.
    const wave1End = Math.max(t(by.auth.finishedAt), t(by.game.finishedAt));
    expect(t(by.frontend.startedAt)).toBeGreaterThanOrEqual(wave1End);
    expect(t(by.matchmaking.startedAt)).toBeGreaterThanOrEqual(wave1End);
    expect(by.auth.startedAt).toBe(by.game.startedAt);
    // The call log: every family registered once, all before the first UpdateService; one update each.
    const calls = w.emu.calls({ service: 'ecs' }).filter((c) => !c.error);
    const registers = calls.filter((c) => c.operation === 'RegisterTaskDefinition');
    const updates = calls.filter((c) => c.operation === 'UpdateService');
    expect(registers).toHaveLength(4);
    expect(updates).toHaveLength(4);
    expect(Math.max(...registers.map((c) => c.seq))).toBeLessThan(Math.min(...updates.map((c) => c.seq)));
    // Two UpdateService calls at wave-1 time, two later: the waves in the call log.
    const updateTimes = updates.map((c) => Date.parse(c.time));
    expect(updateTimes[0]).toBe(updateTimes[1]);
    expect(updateTimes[2]).toBeGreaterThanOrEqual(wave1End);
    // One summary table.
    expect(run.log).toMatch(/cendence deploy: succeeded\nservice +outcome/);
    for (const name of ['auth', 'game', 'matchmaking', 'frontend']) {
      expect((await describe1(w, name)).taskDefinition).toMatch(new RegExp(`${name}:2$`));
    }
  });

  it('24 services under AWS-like throttling: no failure surfaced, and the waits share DescribeServices calls', async () => {
    const names = Array.from({ length: 24 }, (_, i) => `svc${String(i).padStart(2, '0')}`);
    w = await deployWorld(
      names.map((n) => rollingService(n)),
      { throttling: true },
    );
    const images = imagesInput(w.emu, Object.fromEntries(names.map((n) => [n, 'v2'])));
    const run = await runStep(makeDeployStep(w.time), { ...w.awsInputs, images }, { cwd: w.root });
    expect(run.error).toBeUndefined();
    const record = JSON.parse(await readFile(run.outputs['record-file'], 'utf8'));
    expect(record.services.every((s: RecordService) => s.outcome === 'succeeded')).toBe(true);
    // 24 followers, each polling at least once, woken together and coalesced into DescribeServices
    // calls of up to 10 services each: fewer calls in all (the pre-flight read included) than services.
    const polls = record.services.reduce((n: number, s: { polls: number }) => n + s.polls, 0);
    const describes = w.emu.calls({ operation: 'DescribeServices' }).length;
    expect(polls).toBeGreaterThanOrEqual(names.length);
    expect(describes).toBeLessThan(names.length);
    expect(w.emu.calls({ operation: 'RegisterTaskDefinition' }).filter((c) => !c.error)).toHaveLength(24);
  });

  it('stops at a failing wave; with --release-rollback every changed service returns to where it was', async () => {
    w = await deployWorld(SERVICES());
    w.emu.behavior({ image: '*matchmaking:bad', behavior: 'crash', exitCode: 2 });
    const images = imagesInput(w.emu, { auth: 'v2', game: 'v2', matchmaking: 'bad', frontend: 'v2' });
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images, 'release-rollback': 'true' },
      { cwd: w.root },
    );

    expect(run.exitCode).toBe(1);
    const record = JSON.parse(await readFile(run.outputs['record-file'], 'utf8'));
    const by = Object.fromEntries(record.services.map((s: RecordService) => [s.name, s])) as Record<
      string,
      RecordService
    >;
    expect(by.matchmaking.outcome).toBe('rolled-back');
    // frontend was in the same wave: deployed in parallel, then restored with the rest.
    expect(by.auth.outcome).toBe('restored');
    expect(by.game.outcome).toBe('restored');
    expect(by.frontend.outcome).toBe('restored');
    expect(by.auth.afterwards).toMatch(/^restored to .*auth:1/);
    for (const name of ['auth', 'game', 'matchmaking']) {
      const s = await describe1(w, name);
      expect(s.taskDefinition).toMatch(new RegExp(`${name}:1$`));
    }
    expect(run.log).toContain('release rollback: returning');
  });

  it('a cancellation mid-release rolls back the service in flight and starts restoring the earlier waves', async () => {
    w = await deployWorld([rollingService('game'), rollingService('matchmaking', {}, ['game'])]);
    w.emu.behavior({ image: '*matchmaking:slow', behavior: 'slow', startSeconds: 600 });
    const world = w;
    const abort = new AbortController();
    const timer = setInterval(() => {
      // Cancel once wave 2 is under way.
      if (world.emu.calls({ operation: 'UpdateService' }).length >= 2) abort.abort();
    }, 1);
    const images = imagesInput(w.emu, { game: 'v2', matchmaking: 'slow' });
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images, 'release-rollback': 'true' },
      { cwd: w.root, signal: abort.signal },
    );
    clearInterval(timer);
    expect(run.exitCode).toBe(1);
    const record = JSON.parse(await readFile(run.outputs['record-file'], 'utf8'));
    const by = Object.fromEntries(record.services.map((s: RecordService) => [s.name, s])) as Record<
      string,
      RecordService
    >;
    expect(by.matchmaking.outcome).toBe('cancelled');
    expect(by.matchmaking.afterwards).toMatch(/StopServiceDeployment ROLLBACK/);
    expect(by.game.afterwards).toMatch(/^restore to .*game:1 started .*not followed: the job was cancelled/);
    // The restore was started: game's service now targets its previous revision.
    expect((await describe1(w, 'game')).taskDefinition).toMatch(/game:1$/);
  });

  it('without --release-rollback, only the failed service is rolled back and later waves are skipped', async () => {
    w = await deployWorld([rollingService('game'), rollingService('matchmaking', {}, ['game'])]);
    w.emu.behavior({ image: '*game:bad', behavior: 'crash' });
    const images = imagesInput(w.emu, { game: 'bad', matchmaking: 'v2' });
    const run = await runStep(makeDeployStep(w.time), { ...w.awsInputs, images }, { cwd: w.root });
    expect(run.exitCode).toBe(1);
    const record = JSON.parse(await readFile(run.outputs['record-file'], 'utf8'));
    expect(record.services.map((s: RecordService) => [s.name, s.outcome])).toEqual([
      ['game', 'rolled-back'],
      ['matchmaking', 'skipped'],
    ]);
    expect((await describe1(w, 'matchmaking')).taskDefinition).toMatch(/matchmaking:1$/);
    expect(w.emu.calls({ operation: 'UpdateService' })).toHaveLength(1);
  });
});
