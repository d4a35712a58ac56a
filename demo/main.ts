// `npm run demo` — the main job: the whole pipeline, locally, against the AWS emulator.
// plan → build → test in the images → push to the emulator's ECR → deploy the five services as one
// release (migration task first; rolling backends, blue/green frontend) → a broken image that is
// detected, diagnosed and rolled back → a service rolled back by hand → summary table and reports.
// Each phase runs the same Step a CI job runs; the demo only chooses the inputs.
import '../shared/src/cli/quiet.js';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gitlabClaims } from '../emulator/src/iam/ci-claims.js';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { checkDocker } from '../shared/src/cli/commands/doctor.js';
import { describeError, StepFailed } from '../shared/src/errors.js';
import { markdownTable } from '../shared/src/report/markdown-table.js';
import { TerminalRunner } from '../shared/src/runner/terminal.js';
import type { DeployResult } from '../shared/src/steps/deploy.js';
import { STEPS } from '../shared/src/steps/index.js';
import { invokeStep } from '../shared/src/steps/invoke.js';
import type { StepContext } from '../shared/src/steps/step.js';
import { chooseBaseImage } from './base-image.js';
import { type Phase, type StepTiming, SUMMARY_HEADER, summaryRows, writeReports } from './report.js';

const NO_REGISTRY_CACHE = { 'cache-from': 'none', 'cache-to': 'none' };

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, '.cendence', 'demo');
/** Emulated seconds per wall second: ECS's minutes of task start-up and bake become seconds. */
const SPEED = Number(process.env.CENDENCE_DEMO_SPEED ?? 30);
/** The environment the demo's world is built for (terraform/environments/). */
const TFVARS = 'terraform/environments/staging.tfvars';

const step = (name: string) => {
  const s = STEPS.find((x) => x.name === name);
  if (!s) throw new Error(`step ${name} is not registered`);
  return s;
};

async function main(): Promise<number> {
  const started = performance.now();
  const runner = new TerminalRunner({ stream: process.stdout, debug: process.env.CENDENCE_DEBUG === 'true' });
  const docker = await checkDocker(process.env);
  if (!docker.ok) {
    runner.error(`${docker.detail}: the demo builds real images.\n  fix: ${docker.fix}`);
    return 2;
  }
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  const baseImage = await chooseBaseImage(process.env, (l) => runner.info(l));
  runner.info(`base image: ${baseImage}`);

  // The world terraform/ describes for staging, with its IAM enforced: every step runs as the GitLab
  // deploy role, assumed with the identity token of a job on main, as in CI.
  const emu: Emulator = await startEmulator({
    clock: 'real',
    speed: SPEED,
    terraform: { dir: path.join(ROOT, 'terraform'), varFiles: [path.join(ROOT, TFVARS)] },
  });
  runner.info(`emulator listening on ${emu.url} (clock ×${SPEED}), world from terraform/ with ${TFVARS}`);
  runner.info(`not modelled: ${emu.terraform?.skipped.join(', ')}`);
  const outputsFile = path.join(OUT, 'terraform-outputs.json');
  await writeFile(outputsFile, JSON.stringify(emu.terraform?.outputs, null, 2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_REGION: emu.region,
    AWS_ACCESS_KEY_ID: 'demo',
    AWS_SECRET_ACCESS_KEY: 'demo-secret-not-real',
    AWS_ENDPOINT_URL: emu.url,
  };
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort(new Error('cancelled')));
  const ctx: StepContext = { runner, signal: abort.signal, env, cwd: ROOT };
  const common = {
    endpoint: emu.url,
    region: emu.region,
    root: ROOT,
    'terraform-outputs': outputsFile,
    'role-to-assume': String(emu.terraform?.outputs.gitlab_deploy_role_arn.value),
  };
  const call = (name: string, inputs: Record<string, string>) => {
    // Each step is a CI job with a fresh identity token (they expire in minutes of emulated time).
    env.CENDENCE_ID_TOKEN = emu.mintToken(
      gitlabClaims(emu, { projectPath: 'transcendence/cendence', ref: 'main' }),
    );
    return invokeStep(step(name), (n) => ({ ...common, ...inputs })[n as keyof typeof common], ctx);
  };

  const phases: Phase[] = [];
  // Build, test and push are timed too, so the report's timeline shows the whole pipeline.
  const steps: StepTiming[] = [];
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const startedAt = new Date().toISOString();
    let ok = false;
    try {
      const r = await fn();
      ok = true;
      return r;
    } finally {
      steps.push({ name, startedAt, finishedAt: new Date().toISOString(), ok });
    }
  };
  const phase = async (
    title: string,
    expect: Phase['expect'],
    fn: () => Promise<{ services?: Phase['services']; note?: string }>,
  ) => {
    const t = performance.now();
    const firstStep = steps.length;
    let ok: boolean;
    let services: Phase['services'] = [];
    let note: string | undefined;
    try {
      ({ services = [], note } = await runner.group(title, fn));
      ok = expect === 'success';
    } catch (err) {
      if (!(err instanceof StepFailed)) throw err;
      services = ((err.details as DeployResult | undefined)?.services ?? []) as Phase['services'];
      note = describeError(err);
      ok = expect === 'failure';
      runner.info(`${ok ? 'expected failure' : 'unexpected failure'}: ${note}`);
    }
    phases.push({
      title,
      expect,
      ok,
      seconds: (performance.now() - t) / 1000,
      services,
      steps: steps.slice(firstStep),
      ...(note ? { note } : {}),
    });
    if (!ok) throw new Error(`phase "${title}" did not end as expected`);
  };

  try {
    let images = '';
    await phase('plan', 'success', async () => {
      const { outputs } = await call('plan', { all: 'true' });
      return { note: `waves ${outputs.waves}` };
    });
    await phase('build, test, push', 'success', async () => {
      const buildsFile = path.join(OUT, 'builds.json');
      await timed('build', () =>
        call('build', {
          network: 'host',
          'build-args': `BASE_IMAGE=${baseImage}`,
          'builds-file': buildsFile,
          // One engine, one run: its local cache is warm; the registry cache is for new runners (bench: cache).
          ...NO_REGISTRY_CACHE,
        }),
      );
      await timed('test', () => call('test', { builds: buildsFile, 'junit-dir': path.join(OUT, 'junit') }));
      const pushed = await timed('push', () => call('push', { builds: buildsFile }));
      images = pushed.outputs.images;
      return { note: `${Object.keys(JSON.parse(images)).length} images pushed by digest` };
    });
    await phase('release 1: all services', 'success', async () => {
      const { result } = await call('deploy', { images, 'output-dir': path.join(OUT, 'release-1') });
      return { services: (result as DeployResult).services };
    });
    await phase('release 2: a broken game image', 'failure', async () => {
      // A new image of game (a build argument changes its content tag and digest) that the emulator is
      // told crashes on start, as a bad release would: exit code 1 and a stack trace in its logs.
      const buildsFile = path.join(OUT, 'builds-broken.json');
      // It is the next commit's image: ECR tags are immutable, so the same git-sha tag cannot move. Only
      // the deploy may fail in this phase; a failed build or push is not the failure the demo shows.
      const nextCommit = createHash('sha1').update('cendence demo: broken game release').digest('hex');
      const prepare = <T>(name: string, fn: () => Promise<T>) =>
        timed(name, fn).catch((err: unknown) => {
          throw new Error(`${name} of the broken release failed: ${describeError(err)}`);
        });
      await prepare('build game', () =>
        call('build', {
          services: 'game',
          network: 'host',
          'build-args': `BASE_IMAGE=${baseImage},CENDENCE_DEMO_RELEASE=broken`,
          'git-sha': nextCommit,
          'builds-file': buildsFile,
          ...NO_REGISTRY_CACHE,
        }),
      );
      const pushed = await prepare('push game', () => call('push', { builds: buildsFile }));
      const broken = JSON.parse(pushed.outputs.images) as Record<string, string>;
      emu.behavior({
        image: broken.game,
        behavior: 'crash',
        exitCode: 1,
        startSeconds: 5,
        logLines: [
          'game listening on :3000',
          'TypeError: Cannot read properties of undefined (reading "paddle")',
          '    at tick (dist/game.js:42:17)',
        ],
      });
      const all = { ...JSON.parse(images), ...broken };
      const { result } = await call('deploy', {
        services: 'game',
        images: JSON.stringify(all),
        'output-dir': path.join(OUT, 'release-2'),
      });
      return { services: (result as DeployResult).services };
    });
    await phase('manual rollback of auth', 'success', async () => {
      const { result } = await call('rollback', {
        services: 'auth',
        'output-dir': path.join(OUT, 'rollback'),
      });
      return { services: (result as DeployResult).services };
    });
  } finally {
    await emu.stop();
  }

  const total = (performance.now() - started) / 1000;
  runner.info('');
  runner.info(markdownTable(SUMMARY_HEADER, summaryRows(phases)));
  const files = await writeReports(OUT, phases, total);
  const diagnosis = await readFile(path.join(OUT, 'release-2', 'deploy-record.json'), 'utf8').catch(() => '');
  if (diagnosis) runner.info(`deployment records and diagnosis: ${path.relative(ROOT, OUT)}/release-2/`);
  runner.info(`report: ${files.map((f) => path.relative(ROOT, f)).join(', ')}`);
  runner.info(`demo finished in ${total.toFixed(1)} s`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`demo failed: ${describeError(err)}\n`);
    process.exitCode = 1;
  },
);
