// Our .gitlab-ci.yml, run end to end by gitlab-ci-local in shell-executor mode: the pipelines/gitlab
// templates (included locally) run the bundled CLI (cli/dist) against the emulator and the Docker engine.
// The repository is a fixture (one busybox service, so no base image or npm install is needed) holding
// our .gitlab-ci.yml, pipelines/gitlab and cli/dist as committed.

import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { BUSYBOX, dockerStatus, hasTool } from '../harness/build-push.js';
import { type DoorWorld, deployableWorld, disposeWorld, REGION, run } from './doors-fixture.js';

const ROOT = join(import.meta.dirname, '..');
const GLCI = join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js');
const docker = dockerStatus();
const missing = [
  !docker.ok && docker.reason,
  !BUSYBOX && 'busybox',
  !hasTool('rsync') && 'rsync (apt-get install rsync)',
]
  .filter(Boolean)
  .join(', ');
if (missing) console.warn(`gitlab-ci-local end-to-end skipped: ${missing}`);

describe('.gitlab-ci.yml under gitlab-ci-local, against the emulator', () => {
  let world: DoorWorld;
  let ecs: ECSClient;

  const glci = (...args: string[]) =>
    run(process.execPath, [GLCI, '--force-shell-executor', '--no-color', ...args], {
      cwd: world.fixture.repo,
      env: world.fixture.env,
      timeoutMs: 240_000,
    });
  // What GitLab sets on a real runner, plus where the emulator listens and what to release.
  const variables = () => [
    ...['--variable', 'GITLAB_CI=true'],
    ...['--variable', `EMULATOR_URL=${world.emulator.url}`],
    ...['--variable', `AWS_REGION=${REGION}`],
    ...['--variable', 'CENDENCE_RELEASE_SERVICES=web'],
  ];
  const jobLog = (job: string) =>
    readFileSync(join(world.fixture.repo, '.gitlab-ci-local/output', `${job}.log`), 'utf8');
  // The dotenv report as GitLab reads it: KEY=VALUE lines.
  const dotenv = (job: string) =>
    Object.fromEntries(
      readFileSync(
        join(world.fixture.repo, '.gitlab-ci-local/artifacts', job, '.gitlab-ci-reports/dotenv/cendence.env'),
        'utf8',
      )
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  const liveTaskDefinition = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'doors', services: ['web'] }))).services![0]
      .taskDefinition!;

  beforeAll(async () => {
    if (missing) return;
    world = await deployableWorld();
    for (const p of ['.gitlab-ci.yml', 'pipelines/gitlab', 'cli/dist']) {
      cpSync(join(ROOT, p), join(world.fixture.repo, p), { recursive: true });
    }
    // gitlab-ci-local reads the default branch from the origin remote.
    world.fixture.git('remote', 'add', 'origin', 'git@gitlab.example.com:cendence/fixture.git');
    world.fixture.commit('pipeline');
    world.fixture.git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    world.fixture.git('remote', 'set-head', 'origin', 'main');
    ecs = new ECSClient({
      region: REGION,
      endpoint: world.emulator.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'emulator-secret-key-example' },
    });
  });

  afterAll(async () => {
    ecs?.destroy();
    await disposeWorld(world);
  });

  const maybe = missing ? test.skip : test;

  maybe('lists the release jobs from the included templates, rollback manual', async () => {
    const r = await glci('--list');
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').map((l) => l.trim().split(/\s+/));
    const job = (name: string) => rows.find((cols) => cols[0] === name);
    expect(job('cendence-plan')?.slice(1, 3)).toEqual(['.pre', 'on_success']);
    expect(job('cendence-build')?.slice(1, 3)).toEqual(['build', 'on_success']);
    expect(job('cendence-test')?.slice(1, 3)).toEqual(['test', 'on_success']);
    expect(job('cendence-push')?.slice(1, 3)).toEqual(['push', 'on_success']);
    expect(job('cendence-deploy')?.slice(1, 5)).toEqual(['deploy', 'on_success', 'false', 'emulator']);
    expect(job('cendence-rollback')?.slice(1, 5)).toEqual(['.post', 'manual', 'false', 'emulator']);
  });

  maybe('plan → build → test → push → deploy, then the manual rollback job returns the service', async () => {
    const seeded = await liveTaskDefinition();
    const jobs = [
      'emulator',
      'cendence-plan',
      'cendence-build',
      'cendence-test',
      'cendence-push',
      'cendence-deploy',
    ];
    const release = await glci(...variables(), ...jobs);
    expect([release.code, release.code === 0 ? 'ok' : `${release.stdout}\n${release.stderr}`]).toEqual([
      0,
      'ok',
    ]);
    for (const j of jobs) expect(release.stdout).toMatch(new RegExp(`PASS\\s+${j}\\b`));

    // The emulator job found ours answering and started nothing.
    expect(jobLog('emulator')).toContain(`emulator already answers at ${world.emulator.url}`);
    // Outputs travel as dotenv reports; logs use GitLab's collapsible sections.
    expect(dotenv('cendence-plan')).toMatchObject({ SERVICES: '["web"]', COUNT: '1' });
    const images = JSON.parse(dotenv('cendence-push').IMAGES) as Record<string, string>;
    expect(images.web).toMatch(/\/fixture\/web@sha256:[0-9a-f]{64}$/);
    // gitlab-ci-local parses GitLab's section_start/section_end markers into these lines.
    expect(jobLog('cendence-deploy')).toMatch(/^cendence_1_started$/m);
    expect(jobLog('cendence-deploy')).toMatch(/^cendence_1 took \d+ms$/m);
    const deployed = dotenv('cendence-deploy');
    expect(deployed.STATUS).toBe('succeeded');
    // Each job's report holds its own outputs, not the plan's that arrived with the artifacts.
    expect(deployed.SERVICES).toBeUndefined();
    // The deployment record is kept as an artifact, and the summary as markdown.
    expect(
      existsSync(join(world.fixture.repo, '.gitlab-ci-local/artifacts/cendence-deploy/cendence-summary.md')),
    ).toBe(true);
    const live = await liveTaskDefinition();
    expect(live).not.toBe(seeded);
    const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: live }));
    expect(td.taskDefinition!.containerDefinitions![0].image).toBe(images.web);

    // The manual job runs only when asked for, as a person would press its button.
    const rollback = await glci(...variables(), 'cendence-rollback');
    expect([rollback.code, rollback.code === 0 ? 'ok' : rollback.stdout]).toEqual([0, 'ok']);
    expect(dotenv('cendence-rollback').STATUS).toBe('succeeded');
    expect(await liveTaskDefinition()).toBe(seeded);
  });
});
