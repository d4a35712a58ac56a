// Shared by the doors' end-to-end tests (test/actions-e2e.test.ts, test/gitlab-pipeline.test.ts): a git
// repository with one deployable service (a busybox image built FROM scratch, so nothing is pulled), the
// emulator seeded from it on a fast real clock (the steps run in child processes that poll in real time),
// and a way to run a child process without blocking the in-process emulator.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { stringify } from 'yaml';
import { type Emulator, startEmulator, worldFromManifests } from '../emulator/src/index.js';
import { type Fixture, makeFixture } from './build-push-support.js';
import { fargateTemplate } from './render-world.js';

export const REGION = 'eu-west-3';

export interface DoorWorld {
  fixture: Fixture;
  emulator: Emulator;
}

/**
 * services/web with test and deploy sections, committed; the emulator runs its cluster and service. With
 * more names, each service after the first depends on the one before: a release of N dependency waves.
 */
export async function deployableWorld(names: string[] = ['web']): Promise<DoorWorld> {
  const fixture = await makeFixture(names);
  for (const [i, name] of names.entries()) await makeDeployable(fixture, name, names[i - 1]);
  fixture.commit(`${names.join(', ')} deployable`);
  // 60 emulated seconds per second: a rolling deploy settles in about a second of wall time.
  const emulator = await startEmulator({
    clock: 'real',
    speed: 60,
    region: REGION,
    throttling: false,
    world: worldFromManifests(fixture.repo),
  });
  return { fixture, emulator };
}

async function makeDeployable(fixture: Fixture, name: string, dependsOn?: string): Promise<void> {
  await fixture.write(
    `services/${name}/service.yml`,
    stringify({
      name,
      repository: `fixture/${name}`,
      ...(dependsOn ? { dependsOn: [dependsOn] } : {}),
      test: { command: ['/bin/busybox', 'sh', '/app/test.sh'], junit: '/app/junit.xml' },
      deploy: {
        cluster: 'doors',
        strategy: 'rolling',
        desiredCount: 1,
        timeoutSeconds: 120,
        network: { subnets: ['subnet-0a1b2c3d4e5f60001'], securityGroups: ['sg-0a1b2c3d4e5f60005'] },
      },
    }),
  );
  const taskdef = fargateTemplate(name, { networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'] });
  // A log group named in the template is one the emulator's world creates (deploy verifies it exists).
  taskdef.containerDefinitions[0] = {
    ...taskdef.containerDefinitions[0],
    logConfiguration: {
      logDriver: 'awslogs',
      options: {
        'awslogs-group': `/ecs/doors/${name}`,
        'awslogs-region': REGION,
        'awslogs-stream-prefix': name,
      },
    },
  } as (typeof taskdef.containerDefinitions)[0];
  await fixture.write(`services/${name}/taskdef.json`, JSON.stringify(taskdef, null, 2));
}

export async function disposeWorld(world: DoorWorld | undefined): Promise<void> {
  if (!world) return;
  await world.emulator.stop();
  rmSync(world.fixture.repo, { recursive: true, force: true });
  rmSync(world.fixture.shimDir, { recursive: true, force: true });
}

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command asynchronously (the emulator in this process keeps answering meanwhile). */
export function run(
  file: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs ?? 180_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}
