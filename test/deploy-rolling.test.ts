// Rolling deploys end to end: the deploy step (as the CLI runs it) against the emulator through the
// real SDK, on the emulator's virtual clock.
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  type DeployWorld,
  deployWorld,
  describe1,
  imagesInput,
  rollingService,
} from '../harness/deploy-world.js';
import { runStep } from '../harness/render-world.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';

let w: DeployWorld | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

async function deploy(world: DeployWorld, inputs: Record<string, string>, signal?: AbortSignal) {
  return runStep(
    makeDeployStep(world.time),
    { ...world.awsInputs, ...inputs },
    { cwd: world.root, ...(signal ? { signal } : {}) },
  );
}

describe('deploy (rolling)', () => {
  it('registers, updates with the circuit breaker on, and reports COMPLETED of our own deployment', async () => {
    w = await deployWorld([rollingService('api')]);
    const before = await describe1(w, 'api');
    const run = await deploy(w, { images: imagesInput(w.emu, { api: 'v2' }) });

    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    const after = await describe1(w, 'api');
    expect(after.taskDefinition).toMatch(/task-definition\/api:2$/);
    expect(after.deploymentConfiguration?.deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
    const ids = JSON.parse(run.outputs['deployment-ids']);
    expect(after.deployments?.[0]).toMatchObject({ id: ids.api, rolloutState: 'COMPLETED' });
    expect(JSON.parse(run.outputs['previous-revision'])).toEqual({ api: before.taskDefinition });
    // Live progress and service events, each event once.
    expect(run.log).toMatch(/api: IN_PROGRESS — running \d\/2, pending \d, failed 0/);
    const steady = run.log.split('\n').filter((l) => l.includes('has reached a steady state'));
    expect(steady).toHaveLength(1);
    // The record says what changed.
    const record = JSON.parse(await readFile(run.outputs['record-file'], 'utf8'));
    expect(record.services[0]).toMatchObject({
      name: 'api',
      outcome: 'succeeded',
      previousTaskDefinition: before.taskDefinition,
      taskDefinition: after.taskDefinition,
      deploymentId: ids.api,
    });
    expect(record.services[0].images[0].image).toBe(`${w.emu.host}/api:v2`);
    // Mutations: one registration, one UpdateService.
    const mutating = w.emu.calls({ mutates: true }).map((c) => c.operation);
    expect(mutating).toEqual(['RegisterTaskDefinition', 'UpdateService']);
  });

  it('reports a crash loop as a failure once the circuit breaker rolls back, with a diagnosis', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.behavior({
      image: '*api:bad',
      behavior: 'crash',
      exitCode: 3,
      logLines: [
        'boot',
        'connecting to postgres://app:S3cretPassw0rd@db:5432/app',
        'Error: DATABASE_URL is not set',
      ],
    });
    const run = await deploy(w, { images: imagesInput(w.emu, { api: 'bad' }) });

    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.error?.message).toMatch(/api rolled-back/);
    expect(run.error?.message).toMatch(/circuit breaker/i);
    // Diagnosis: stopped reason, exit code, the container's last log lines.
    expect(run.log).toContain('exit');
    expect(run.log).toMatch(/api \(3/);
    expect(run.log).toContain('Error: DATABASE_URL is not set');
    const diag = JSON.parse(await readFile(`${w.awsInputs['output-dir']}/diagnosis-api.json`, 'utf8'));
    expect(diag.stoppedTasks.length).toBeGreaterThan(0);
    expect(diag.stoppedTasks[0].containers[0].exitCode).toBe(3);
    expect(diag.logs[0].lines).toContain('Error: DATABASE_URL is not set');
    // Credentials a crashing container prints are redacted in the log and the artifacts.
    expect(diag.logs[0].lines).toContain('connecting to postgres://app:***@db:5432/app');
    expect(run.log).not.toContain('S3cretPassw0rd');
    // ECS went back to the previous revision.
    const after = await describe1(w, 'api');
    expect(after.taskDefinition).toMatch(/api:1$/);
  });

  it('reports a failing health check as a failure', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.behavior({ image: '*api:sick', behavior: 'unhealthy' });
    const run = await deploy(w, { images: imagesInput(w.emu, { api: 'sick' }) });
    expect(run.exitCode).toBe(1);
    expect(['rolled-back', 'failed']).toContain(
      JSON.parse(await readFile(run.outputs['record-file'], 'utf8')).services[0].outcome,
    );
    expect(run.log).toContain('failed container health checks');
    const diag = JSON.parse(await readFile(`${w.awsInputs['output-dir']}/diagnosis-api.json`, 'utf8'));
    expect(diag.stoppedTasks[0].stoppedReason).toBe('Task failed container health checks');
    expect(diag.gaps).toEqual([]);
  });

  it('gives up on a stall after the timeout and asks ECS to roll back', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.behavior({ image: '*api:stuck', behavior: 'stall' });
    const start = w.emu.clock.now();
    const run = await deploy(w, { images: imagesInput(w.emu, { api: 'stuck' }), timeout: '120' });
    expect(run.exitCode).toBe(1);
    expect(run.error?.message).toMatch(/api timeout \(no outcome after 120 s/);
    expect(run.log).toMatch(/StopServiceDeployment ROLLBACK/);
    expect(w.emu.calls({ operation: 'StopServiceDeployment' })).toHaveLength(1);
    const waited = (w.emu.clock.now() - start) / 1000;
    expect(waited).toBeGreaterThanOrEqual(120);
    expect(waited).toBeLessThan(130);
  });

  it('stops waiting on cancellation, rolls back (default --on-cancel) and exits non-zero', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.behavior({ image: '*api:slow', behavior: 'slow', startSeconds: 300 });
    const abort = new AbortController();
    const world = w;
    const cancelAt = world.emu.clock.now() + 30_000;
    const watcher = setInterval(() => {
      if (world.emu.clock.now() >= cancelAt) abort.abort();
    }, 1);
    const run = await deploy(w, { images: imagesInput(w.emu, { api: 'slow' }) }, abort.signal);
    clearInterval(watcher);
    expect(run.exitCode).toBe(1);
    expect(run.error?.message).toMatch(/api cancelled/);
    expect(run.log).toMatch(/state at that moment: ecs-svc\/\d+ IN_PROGRESS/);
    expect(w.emu.calls({ operation: 'StopServiceDeployment' })).toHaveLength(1);
  });

  it('with --on-cancel leave, leaves the deployment running', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.behavior({ image: '*api:slow', behavior: 'slow', startSeconds: 300 });
    const abort = new AbortController();
    const world = w;
    const cancelAt = world.emu.clock.now() + 20_000;
    const watcher = setInterval(() => world.emu.clock.now() >= cancelAt && abort.abort(), 1);
    const run = await deploy(
      w,
      { images: imagesInput(w.emu, { api: 'slow' }), 'on-cancel': 'leave' },
      abort.signal,
    );
    clearInterval(watcher);
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('left the deployment running');
    expect(w.emu.calls({ operation: 'StopServiceDeployment' })).toHaveLength(0);
    expect((await describe1(w, 'api')).taskDefinition).toMatch(/api:2$/);
  });

  it('a job cancelled before the deploy started changes nothing and still fails', async () => {
    w = await deployWorld([rollingService('api')]);
    const abort = new AbortController();
    abort.abort();
    const run = await deploy(w, { images: imagesInput(w.emu, { api: 'v2' }) }, abort.signal);
    expect(run.exitCode).toBe(1);
    expect(run.error?.message).toMatch(/api cancelled \(cancelled before it started\)/);
    expect(w.emu.calls({ mutates: true })).toEqual([]);
  });
});
