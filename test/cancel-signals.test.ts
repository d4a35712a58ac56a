// Signals as a CI runner sends them (issue 16, item 3), against the real CLI process: the first SIGTERM
// starts the cancel handling; a second one during it is acknowledged and the handling finishes (rollback
// sent, record written, exit 1, not 143); only a third ends the process at once.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type DeployWorld, deployWorld, imagesInput, rollingService } from './deploy-harness.js';

let w: DeployWorld | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await w?.stop();
  w = undefined;
});

/** Starts `cendence deploy` against the world; its emulator runs on a virtual clock nobody advances,
 *  so the deployment stays in flight until the signals arrive. */
function startDeploy(world: DeployWorld): {
  proc: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
} {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'shared/src/cli/main.ts',
      'deploy',
      '--root',
      world.root,
      '--images',
      imagesInput(world.emu, { api: 'v2' }),
      '--region',
      world.emu.region,
      '--endpoint',
      world.emu.url,
      '--verify=false',
      '--output-dir',
      world.awsInputs['output-dir'],
    ],
    {
      env: {
        ...process.env,
        GITLAB_CI: '',
        GITHUB_ACTIONS: '',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  proc.stdout?.on('data', (c) => (out += c));
  proc.stderr?.on('data', (c) => (out += c));
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, output: () => out, exit };
}

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts a deploy whose rollback request answers after `rollbackLatencyMs`, sends SIGTERM once it is
 * waiting, and a second SIGTERM 300 ms later, while the rollback request is still under way (the
 * emulator logs a call only when it answers).
 */
async function cancelTwice(rollbackLatencyMs: number) {
  const world = await deployWorld([rollingService('api')]);
  w = world;
  world.emu.fault({
    service: 'ecs',
    operation: 'StopServiceDeployment',
    latencyMs: rollbackLatencyMs,
    times: 1,
  });
  const run = startDeploy(world);
  child = run.proc;
  await until(() => world.emu.calls({ operation: 'DescribeServices' }).length >= 2);
  run.proc.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  run.proc.kill('SIGTERM');
  return { world, run };
}

describe('cancel signals', () => {
  it('a second SIGTERM during the cancel handling is acknowledged; the rollback and record still happen', async () => {
    // The rollback request answers slowly, so the second signal lands while it is under way.
    const { world, run } = await cancelTwice(1500);
    const code = await run.exit;
    expect(code).toBe(1);
    expect(run.output()).toMatch(/received SIGTERM again: still finishing the cancel handling/);
    expect(run.output()).toMatch(/asked ECS to roll back/);
    expect(world.emu.calls({ operation: 'StopServiceDeployment' })).toHaveLength(1);
    const record = JSON.parse(
      await readFile(path.join(world.awsInputs['output-dir'], 'deploy-record.json'), 'utf8'),
    );
    expect(record.services[0]).toMatchObject({ outcome: 'cancelled' });
  }, 60_000);

  it('a third signal ends the process at once', async () => {
    const { world, run } = await cancelTwice(20_000);
    await new Promise((r) => setTimeout(r, 200));
    const t = Date.now();
    run.proc.kill('SIGTERM');
    const code = await run.exit;
    expect(Date.now() - t).toBeLessThan(2000);
    expect(code).toBe(143);
    expect(run.output()).toMatch(/a third time: exiting now/);
    expect(existsSync(path.join(world.awsInputs['output-dir'], 'deploy-record.json'))).toBe(false);
  }, 60_000);
});
