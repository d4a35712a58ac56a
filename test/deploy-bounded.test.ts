// Bounded in time whatever AWS does (issue 16, items 1–4 and 12): a hung endpoint cannot hold a step
// past its timeout, a cancel sends its rollback within 2 s even while a call hangs, retries stop on the
// signal, and a refused connection fails within 3 s naming the endpoint and the fix.
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { AwsClients } from '../shared/src/aws/clients.js';
import { systemClock } from '../shared/src/deploy/follow.js';
import { describeError } from '../shared/src/errors.js';
import { ecrLogin } from '../shared/src/registry/ecr-auth.js';
import { TerminalRunner } from '../shared/src/runner/terminal.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import { makeRollbackStep } from '../shared/src/steps/rollback.js';
import { type DeployWorld, deployWorld, imagesInput, rollingService } from './deploy-harness.js';
import { runStep } from './render-world.js';

let w: DeployWorld | undefined;
const servers: net.Server[] = [];
afterEach(async () => {
  await w?.stop();
  w = undefined;
  for (const s of servers.splice(0)) s.close();
});

/** A TCP endpoint that accepts connections and never answers. */
async function hungEndpoint(): Promise<string> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  server.on('close', () => {
    for (const s of sockets) s.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** A port nothing listens on. */
async function refusedEndpoint(): Promise<string> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

/** Runs `fn` once the emulator has answered a call of `operation`. */
function when(world: DeployWorld, operation: string, fn: () => void): { stop(): void } {
  let done = false;
  const timer = setInterval(() => {
    if (done || world.emu.calls({ operation }).filter((c) => !c.error).length === 0) return;
    done = true;
    fn();
  }, 1);
  return { stop: () => clearInterval(timer) };
}

describe('a hung AWS endpoint', () => {
  it.each([
    ['deploy', () => makeDeployStep(systemClock), { images: '{"api":"x/api:v2"}', verify: 'true' }],
    ['rollback', () => makeRollbackStep(systemClock), { services: 'api' }],
  ] as const)(
    '%s --timeout 4 returns within its timeout plus 10 s, with nothing changed',
    async (_name, step, extra) => {
      w = await deployWorld([rollingService('api')]);
      const endpoint = await hungEndpoint();
      const t = performance.now();
      const run = await runStep(
        step() as ReturnType<typeof makeDeployStep>,
        { ...w.awsInputs, ...extra, endpoint, timeout: '4' },
        { cwd: w.root },
      );
      const seconds = (performance.now() - t) / 1000;
      expect(seconds).toBeLessThan(4 + 10);
      expect(run.exitCode).not.toBe(0);
      expect(describeError(run.error)).toMatch(/did not answer within 4 s/);
    },
    30_000,
  );

  it('a cancel sends the rollback within 2 s of the signal while a DescribeServices hangs', async () => {
    w = await deployWorld([rollingService('api')]);
    const world = w;
    const abort = new AbortController();
    let abortedAt = 0;
    // After UpdateService, every DescribeServices hangs 200 s; the job is cancelled 1 s into the hang.
    const arm = when(world, 'UpdateService', () => {
      world.emu.fault({ service: 'ecs', operation: 'DescribeServices', latencyMs: 200_000, times: 1 });
      setTimeout(() => {
        abortedAt = Date.now();
        abort.abort(new Error('cancelled by SIGTERM'));
      }, 1000);
    });
    const run = await runStep(
      makeDeployStep(world.time),
      { ...world.awsInputs, images: imagesInput(world.emu, { api: 'v2' }), timeout: '15' },
      { cwd: world.root, signal: abort.signal },
    );
    arm.stop();
    const returnedAt = Date.now();
    expect(run.exitCode).toBe(1);
    const stop = world.emu.calls({ operation: 'StopServiceDeployment' });
    expect(stop).toHaveLength(1);
    expect(stop[0].wallMs - abortedAt).toBeLessThan(2000);
    expect(returnedAt - abortedAt).toBeLessThan(10_000);
    const record = JSON.parse(
      await readFile(path.join(world.awsInputs['output-dir'], 'deploy-record.json'), 'utf8'),
    );
    expect(record.services[0]).toMatchObject({ outcome: 'cancelled' });
  }, 30_000);

  it('retries stop on the signal: a throttled RegisterTaskDefinition notices a cancel within 2 s', async () => {
    w = await deployWorld([rollingService('api')]);
    w.emu.fault({
      service: 'ecs',
      operation: 'RegisterTaskDefinition',
      error: 'ThrottlingException',
      times: 1000,
    });
    const abort = new AbortController();
    const world = w;
    let abortedAt = 0;
    const arm = when(world, 'DescribeServices', () =>
      setTimeout(() => {
        abortedAt = Date.now();
        abort.abort(new Error('cancelled by SIGTERM'));
      }, 1500),
    );
    const run = await runStep(
      makeDeployStep(world.time),
      { ...world.awsInputs, images: imagesInput(world.emu, { api: 'v2' }) },
      { cwd: world.root, signal: abort.signal },
    );
    arm.stop();
    expect(Date.now() - abortedAt).toBeLessThan(2000);
    expect(run.exitCode).toBe(1);
    // Nothing after the signal: the SDK retry in flight was abandoned, not finished.
    const after = world.emu
      .calls({ operation: 'RegisterTaskDefinition' })
      .filter((c) => c.wallMs > abortedAt + 50);
    expect(after).toHaveLength(0);
    expect(world.emu.calls({ operation: 'UpdateService' })).toHaveLength(0);
    const record = JSON.parse(
      await readFile(path.join(world.awsInputs['output-dir'], 'deploy-record.json'), 'utf8'),
    );
    expect(record.services[0]).toMatchObject({ outcome: 'cancelled' });
  }, 30_000);
});

describe('nothing answering (ECONNREFUSED)', () => {
  const FIX = /fix: start the emulator .*check --endpoint.*cendence doctor/s;

  it.each([
    ['deploy', () => makeDeployStep(systemClock), { images: '{"api":"x/api:v2"}', verify: 'true' }],
    ['rollback', () => makeRollbackStep(systemClock), { services: 'api' }],
  ] as const)('%s fails within 3 s naming the endpoint, with the fix', async (_name, step, extra) => {
    w = await deployWorld([rollingService('api')]);
    const endpoint = await refusedEndpoint();
    const t = performance.now();
    const run = await runStep(
      step() as ReturnType<typeof makeDeployStep>,
      { ...w.awsInputs, ...extra, endpoint },
      { cwd: w.root },
    );
    expect(performance.now() - t).toBeLessThan(3000);
    expect(run.exitCode).not.toBe(0);
    const text = describeError(run.error);
    expect(text).toContain(`no AWS endpoint answered at ${endpoint} (connection refused)`);
    expect(text).toMatch(FIX);
  });

  it('push does not blame the credentials', async () => {
    const endpoint = await refusedEndpoint();
    const aws = new AwsClients({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const t = performance.now();
    const err = await ecrLogin(
      aws,
      new TerminalRunner({ stream: new (await import('node:stream')).PassThrough() }),
    ).catch((e: unknown) => e);
    aws.destroy();
    expect(performance.now() - t).toBeLessThan(3000);
    const text = describeError(err);
    expect(text).toContain(`no AWS endpoint answered at ${endpoint}`);
    expect(text).not.toMatch(/credentials/);
    expect(text).toMatch(FIX);
  });
});
