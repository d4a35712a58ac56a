// Our .gitlab-ci.yml, run as GitLab runs it: gitlab-ci-local with the docker executor, one fresh
// container per job from the CLI image built locally from Dockerfile.cli (git, the bundled CLI, a docker
// client talking to the host's engine through its socket), artifacts and dotenv reports passed between
// jobs. The emulator listens on the host's loopback; job containers use the host network (and so do
// gitlab-ci-local's helper containers, through a docker wrapper: this engine has no usable bridge).
// Pipelines: the default branch (protected) releases through the deploy child pipeline the plan writes,
// with its manual rollback; an empty plan's child has no environment job; a feature branch, a merge
// request and a tag pipeline never deploy.

import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { BUSYBOX } from '../harness/build-push.js';
import { cliImage, cliImageMissing, helperImage } from './cli-image.js';
import { type DoorWorld, deployableWorld, disposeWorld, REGION, run } from './doors-fixture.js';

const ROOT = join(import.meta.dirname, '..');
const GLCI = join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js');
const ZERO = '0'.repeat(40);
const missing = [cliImageMissing(), !BUSYBOX && 'busybox'].filter(Boolean).join(', ');
if (missing) console.warn(`gitlab-ci-local docker-executor test skipped: needs ${missing}`);

describe('.gitlab-ci.yml under gitlab-ci-local (docker executor), against the emulator', () => {
  let world: DoorWorld;
  let ecs: ECSClient;
  let cliTag = '';
  let wrapperDir = '';
  let helperTag = '';

  // A pipeline as GitLab would start it: predefined variables of the ref, the project's variables.
  const glci = (scenario: string[], ...args: string[]) =>
    run(
      process.execPath,
      [
        GLCI,
        '--no-color',
        '--container-executable',
        join(wrapperDir, 'docker'),
        '--helper-image',
        helperTag,
        '--network',
        'host',
        '--volume',
        '/var/run/docker.sock:/var/run/docker.sock',
        '--pull-policy',
        'if-not-present',
        ...(scenario.some((a) => a.startsWith('CI_COMMIT_BEFORE_SHA='))
          ? []
          : ['--variable', `CI_COMMIT_BEFORE_SHA=${ZERO}`]),
        ...scenario,
        ...args,
      ],
      {
        cwd: world.fixture.repo,
        env: {
          ...world.fixture.env,
          GCL_IGNORE_PREDEFINED_VARS:
            'CI_COMMIT_REF_PROTECTED,CI_PIPELINE_SOURCE,CI_COMMIT_BRANCH,CI_COMMIT_REF_NAME,CI_COMMIT_TAG',
        },
        timeoutMs: 420_000,
      },
    );
  const DEFAULT_BRANCH = ['--variable', 'CI_COMMIT_REF_PROTECTED=true'];
  const MERGE_REQUEST = [
    ...DEFAULT_BRANCH,
    ...['--variable', 'CI_PIPELINE_SOURCE=merge_request_event'],
    ...['--variable', 'CI_MERGE_REQUEST_IID=7'],
  ];
  const TAG = [
    ...['--variable', 'CI_COMMIT_REF_PROTECTED=true'],
    ...['--variable', 'CI_COMMIT_TAG=v1.0.0'],
    ...['--variable', 'CI_COMMIT_REF_NAME=v1.0.0'],
    ...['--unset-variable', 'CI_COMMIT_BRANCH'],
  ];
  const listed = async (scenario: string[]) => {
    const r = await glci(scenario, '--list');
    expect([r.code, r.code === 0 ? '' : r.stderr]).toEqual([0, '']);
    return r.stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c[0]?.startsWith('cendence-'))
      .map((c) => `${c[0]} ${c[1]}`);
  };
  const jobLog = (job: string) =>
    readFileSync(join(world.fixture.repo, '.gitlab-ci-local/output', `${job}.log`), 'utf8');
  const artifact = (job: string, file: string) =>
    join(world.fixture.repo, '.gitlab-ci-local/artifacts', job, file);
  // The dotenv report as GitLab reads it: KEY=VALUE lines.
  const dotenv = (job: string) =>
    Object.fromEntries(
      readFileSync(artifact(job, '.gitlab-ci-reports/dotenv/cendence.env'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  const liveTaskDefinition = async () =>
    (await ecs.send(new DescribeServicesCommand({ cluster: 'doors', services: ['web'] }))).services![0]
      .taskDefinition!;

  beforeAll(async () => {
    if (missing) return;
    cliTag = await cliImage();
    helperTag = await helperImage();
    // This engine cannot attach containers to its bridge: every container gitlab-ci-local creates
    // (job and helper) joins the host network, where the emulator listens on loopback.
    wrapperDir = mkdtempSync(join(tmpdir(), 'cendence-docker-wrapper-'));
    const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
    writeFileSync(
      join(wrapperDir, 'docker'),
      [
        '#!/bin/sh',
        'case "$1" in create|run) case " $* " in *" --network "*|*" --network="*) ;; *) c=$1; shift; set -- "$c" --network=host "$@";; esac;; esac',
        // gitlab-ci-local does not fetch `needs: pipeline:` artifacts; as GitLab does, the child's deploy
        // job gets those of the parent's cendence-images job, copied in with the project files.
        'if [ "$1" = cp ] && [ "$2" = .gitlab-ci-local/builds/.docker/. ]; then',
        `  '${real}' "$@" || exit $?`,
        `  case " $('${real}' inspect -f '{{range .Mounts}}{{.Name}} {{end}}' "\${3%%:*}")" in`,
        `    *" gcl-deploy-"*) exec '${real}' cp .gitlab-ci-local/artifacts/cendence-images/. "$3";;`,
        '  esac',
        '  exit 0',
        'fi',
        `exec '${real}' "$@"`,
        '',
      ].join('\n'),
    );
    chmodSync(join(wrapperDir, 'docker'), 0o755);
    world = await deployableWorld();
    cpSync(join(ROOT, 'pipelines/gitlab'), join(world.fixture.repo, 'pipelines/gitlab'), { recursive: true });
    // This run's values as the pipeline's own variables: gitlab-ci-local hands a child pipeline the
    // trigger's and the file's variables, not those of its command line (GitLab expands them in the parent).
    const ci = parse(readFileSync(join(ROOT, '.gitlab-ci.yml'), 'utf8'));
    Object.assign(ci.variables, {
      GITLAB_CI: 'true', // what GitLab sets on every job, and gitlab-ci-local does not
      CENDENCE_CLI_IMAGE: cliTag,
      EMULATOR_URL: world.emulator.url,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'emulator-secret-key-example',
      CENDENCE_SKIP_CHECKS: 'true',
    });
    writeFileSync(join(world.fixture.repo, '.gitlab-ci.yml'), stringify(ci));
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
  }, 600_000);

  afterAll(async () => {
    ecs?.destroy();
    await disposeWorld(world);
    if (wrapperDir) rmSync(wrapperDir, { recursive: true, force: true });
  });

  const maybe = missing ? test.skip : test;

  maybe(
    'which jobs each pipeline gets: images and the deploy trigger only on the protected default branch',
    async () => {
      expect(await listed(DEFAULT_BRANCH)).toEqual([
        'cendence-plan .pre',
        'cendence-images build',
        'cendence-deploy deploy',
      ]);
      // The default branch without protection (GitLab's own default is protected): nothing assumes the role.
      expect(await listed([])).toEqual(['cendence-plan .pre']);
      expect(await listed(MERGE_REQUEST)).toEqual(['cendence-plan .pre']);
      expect(await listed(TAG)).toEqual(['cendence-plan .pre']);
      world.fixture.git('checkout', '-q', '-b', 'feature/typo');
      try {
        expect(await listed(DEFAULT_BRANCH)).toEqual(['cendence-plan .pre']);
      } finally {
        world.fixture.git('checkout', '-q', 'main');
      }
    },
    120_000,
  );

  // Every job of the parent pipeline (as gitlab-ci-local merges it) and of the child the last run triggered.
  const pipelineJobs = async (scenario: string[]) => {
    const preview = (await glci(scenario, '--preview')).stdout;
    const parent = parseAllDocuments(preview.slice(preview.indexOf('---')))
      .map((d) => d.toJS())
      .find((d) => d?.['cendence-plan']);
    const childFile = join(world.fixture.repo, '.gitlab-ci-local/includes/triggers/cendence-deploy.yml');
    const child = existsSync(childFile) ? parse(readFileSync(childFile, 'utf8')) : {};
    const jobs = (doc: Record<string, { script?: unknown; trigger?: unknown }>) =>
      Object.entries(doc).filter(([name, job]) => !name.startsWith('.') && (job?.script || job?.trigger));
    return { parent: jobs(parent), child: jobs(child) };
  };

  maybe(
    'default branch, nothing changed: the child pipeline has one no-op job, no job has an environment',
    async () => {
      const seeded = await liveTaskDefinition();
      const head = world.fixture.git('rev-parse', 'HEAD').trim();
      const r = await glci([...DEFAULT_BRANCH, '--variable', `CI_COMMIT_BEFORE_SHA=${head}`]);
      expect([r.code, r.code === 0 ? 'ok' : `${r.stdout}\n${r.stderr}`]).toEqual([0, 'ok']);
      expect(dotenv('cendence-plan').CENDENCE_PLAN_COUNT).toBe('0');
      expect(r.stdout).toMatch(/PASS\s+\[cendence-deploy\] -> nothing-to-deploy\b/);
      const { parent, child } = await pipelineJobs(DEFAULT_BRANCH);
      expect(child.map(([name]) => name)).toEqual(['nothing-to-deploy']);
      expect(parent.map(([name]) => name)).toContain('cendence-deploy');
      expect([...parent, ...child].filter(([, job]) => 'environment' in job)).toEqual([]);
      expect(await liveTaskDefinition()).toBe(seeded);
    },
    600_000,
  );

  maybe(
    'default branch: plan → images (build, test, push in one job) → deploy child pipeline, its manual rollback',
    async () => {
      const seeded = await liveTaskDefinition();
      // The manual rollback runs too, as a person would press its button after the deploy.
      const release = await glci(DEFAULT_BRANCH, '--manual', 'rollback');
      expect([release.code, release.code === 0 ? 'ok' : `${release.stdout}\n${release.stderr}`]).toEqual([
        0,
        'ok',
      ]);
      for (const j of ['emulator', 'cendence-plan', 'cendence-images', 'cendence-deploy']) {
        expect(release.stdout).toMatch(new RegExp(`PASS\\s+${j}\\b`));
      }
      for (const j of ['deploy', 'rollback']) {
        expect(release.stdout).toMatch(new RegExp(`PASS\\s+\\[cendence-deploy\\] -> ${j}\\b`));
      }
      // Each job ran in a fresh container of the CLI image, the child's too.
      for (const j of ['cendence-images', '\\[cendence-deploy\\] -> deploy']) {
        expect(release.stdout).toMatch(new RegExp(`${j}\\s+starting ${cliTag.replace(/[.:]/g, '\\$&')}`));
      }
      // The all-zero base of a first push on the default branch plans every service, saying why.
      expect(jobLog('cendence-plan')).toContain('head is on main itself, so every service is planned');
      expect(dotenv('cendence-plan')).toMatchObject({
        CENDENCE_PLAN_SERVICES: '["web"]',
        CENDENCE_PLAN_COUNT: '1',
      });
      const images = JSON.parse(
        readFileSync(artifact('cendence-images', '.cendence/outputs/push-images'), 'utf8'),
      );
      expect(images.web).toMatch(/\/fixture\/web@sha256:[0-9a-f]{64}$/);
      // The JUnit report is kept, and declared as the job's junit report.
      expect(existsSync(artifact('cendence-images', 'test-results/web.xml'))).toBe(true);
      const deployed = dotenv('deploy');
      expect(deployed.CENDENCE_DEPLOY_STATUS).toBe('succeeded');
      expect(deployed.CENDENCE_DEPLOY_RECORD_FILE).toMatch(/^\.cendence\//);
      expect(JSON.parse(deployed.CENDENCE_DEPLOY_PREVIOUS_REVISION)).toEqual({ web: seeded });
      // The dotenv reports stay far under GitLab's 5 KB.
      for (const j of ['cendence-plan', 'cendence-images', 'deploy']) {
        expect(readFileSync(artifact(j, '.gitlab-ci-reports/dotenv/cendence.env')).length).toBeLessThan(
          5 * 1024,
        );
      }
      // The revision the deploy registered carries the pushed image; the rollback put the seeded one back.
      const latest = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: seeded.split('/')[1].split(':')[0] }),
      );
      expect(latest.taskDefinition!.taskDefinitionArn).not.toBe(seeded);
      expect(latest.taskDefinition!.containerDefinitions![0].image).toBe(images.web);
      expect(dotenv('rollback').CENDENCE_ROLLBACK_STATUS).toBe('succeeded');
      expect(await liveTaskDefinition()).toBe(seeded);
      // The deploy and the rollback hold the environment and its lock, in the child pipeline only.
      const { parent, child } = await pipelineJobs(DEFAULT_BRANCH);
      expect(parent.filter(([, job]) => 'environment' in job)).toEqual([]);
      expect(child.map(([name, job]) => [name, (job as Record<string, unknown>).environment])).toEqual([
        ['deploy', { name: '$CENDENCE_ENVIRONMENT', action: 'start' }],
        ['rollback', { name: '$CENDENCE_ENVIRONMENT', action: 'start' }],
      ]);
    },
    600_000,
  );

  maybe(
    'a new feature branch: plan (in the image, with git) plans what changed since the default branch',
    async () => {
      world.fixture.git('checkout', '-q', '-b', 'feature/web-copy');
      try {
        await world.fixture.write('services/web/copy.txt', 'new words\n');
        world.fixture.git('add', 'services/web/copy.txt');
        world.fixture.git('commit', '-q', '-m', 'web copy');
        const r = await glci(DEFAULT_BRANCH, 'cendence-plan');
        expect([r.code, r.code === 0 ? 'ok' : r.stdout]).toEqual([0, 'ok']);
        expect(jobLog('cendence-plan')).toContain(
          'no previous commit (all-zero base): planning what changed since main',
        );
        expect(dotenv('cendence-plan').CENDENCE_PLAN_SERVICES).toBe('["web"]');
      } finally {
        world.fixture.git('checkout', '-q', '-f', 'main');
      }
    },
    300_000,
  );
});
