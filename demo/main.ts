// `npm run demo` — the main job: the whole pipeline, locally, against the AWS emulator.
// plan → build → test in the images → push to the emulator's ECR → deploy the five services as one
// release (migration task first; rolling backends, blue/green frontend) → a broken image that is
// detected, diagnosed and rolled back → a service rolled back by hand → summary table and reports.
// Each phase runs the same Step a CI job runs; the demo only chooses the inputs.
import '../shared/src/cli/quiet.js';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  type Emulator,
  engineAvailable,
  startEmulator,
  type WorldSpec,
  worldFromManifests,
} from '../emulator/src/index.js';
import { checkDocker } from '../shared/src/cli/commands/doctor.js';
import { describeError, StepFailed } from '../shared/src/errors.js';
import { markdownTable } from '../shared/src/report/markdown-table.js';
import { TerminalRunner } from '../shared/src/runner/terminal.js';
import type { DeployResult } from '../shared/src/steps/deploy.js';
import { STEPS } from '../shared/src/steps/index.js';
import { invokeStep } from '../shared/src/steps/invoke.js';
import type { StepContext } from '../shared/src/steps/step.js';
import { chooseBaseImage } from './base-image.js';
import { type Phase, SUMMARY_HEADER, summaryRows, writeReports } from './report.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, '.cendence', 'demo');
/** Emulated seconds per wall second: ECS's minutes of task start-up and bake become seconds. */
const SPEED = Number(process.env.CENDENCE_DEMO_SPEED ?? 30);
/** --keep: the system keeps serving after the summary, until Ctrl-C. */
const KEEP = process.argv.includes('--keep');
/**
 * --live: tasks run as real containers behind a real ALB, with a real PostgreSQL. Opt-in until the
 * services reach the database (auth's migration needs TLS from the local PostgreSQL, not yet served).
 */
const LIVE = process.argv.includes('--live');

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

  const live = LIVE && (await engineAvailable()).ok;
  const emu: Emulator = await startEmulator({
    clock: 'real',
    speed: SPEED,
    world: worldFromManifests(ROOT),
    tasks: live ? 'docker' : 'simulated',
  });
  runner.info(
    `emulator listening on ${emu.url} (clock ×${SPEED}, tasks ${live ? 'as containers' : 'simulated'})`,
  );
  if (live) await emu.seed(await databaseWorld());
  let appUrl: string | undefined;
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
  const common = { endpoint: emu.url, region: emu.region, root: ROOT };
  const call = (name: string, inputs: Record<string, string>) =>
    invokeStep(step(name), (n) => ({ ...common, ...inputs })[n as keyof typeof common], ctx);

  const phases: Phase[] = [];
  const phase = async (
    title: string,
    expect: Phase['expect'],
    fn: () => Promise<{ services?: Phase['services']; note?: string }>,
  ) => {
    const t = performance.now();
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
      await call('build', {
        network: 'host',
        'build-args': `BASE_IMAGE=${baseImage}`,
        'builds-file': buildsFile,
      });
      await call('test', { builds: buildsFile, 'junit-dir': path.join(OUT, 'junit') });
      const pushed = await call('push', { builds: buildsFile });
      images = pushed.outputs.images;
      return { note: `${Object.keys(JSON.parse(images)).length} images pushed by digest` };
    });
    await phase('release 1: all services', 'success', async () => {
      const { result } = await call('deploy', { images, 'output-dir': path.join(OUT, 'release-1') });
      let note: string | undefined;
      if (emu.live) {
        await emu.live.syncAlb();
        appUrl = emu.live.albUrl();
        const res = appUrl ? await fetch(appUrl).catch(() => undefined) : undefined;
        note = `app serving at ${appUrl}: GET / answered ${res?.status ?? 'nothing'}`;
        runner.info(note);
      }
      return { services: (result as DeployResult).services, note };
    });
    await phase('release 2: a broken game image', 'failure', async () => {
      // A new image of game (a build argument changes its content tag and digest) that the emulator is
      // told crashes on start, as a bad release would: exit code 1 and a stack trace in its logs.
      const buildsFile = path.join(OUT, 'builds-broken.json');
      await call('build', {
        services: 'game',
        network: 'host',
        'build-args': `BASE_IMAGE=${baseImage},CENDENCE_DEMO_RELEASE=broken`,
        'builds-file': buildsFile,
      });
      if (live) await makeCrashing(buildsFile);
      const pushed = await call('push', { builds: buildsFile });
      const broken = JSON.parse(pushed.outputs.images) as Record<string, string>;
      if (!live)
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
    if (KEEP && appUrl) {
      runner.info(`--keep: the system keeps serving at ${appUrl} (emulator ${emu.url}); Ctrl-C stops it`);
      await new Promise<void>((resolve) =>
        abort.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    }
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

/**
 * The RDS instance the manifests point at (PGHOST, PGDATABASE, the credentials secret), so that live
 * tasks reach a real PostgreSQL there. The Terraform world declares it itself.
 */
async function databaseWorld(): Promise<WorldSpec> {
  const { parse } = await import('yaml');
  const m = parse(await readFile(path.join(ROOT, 'services', 'auth', 'service.yml'), 'utf8')) as {
    deploy?: { environment?: Record<string, string>; secrets?: Record<string, string> };
  };
  const env = m.deploy?.environment ?? {};
  const secret = m.deploy?.secrets?.PGPASSWORD?.split(':').slice(0, 7).join(':');
  if (!env.PGHOST || !secret) return {};
  return {
    databases: [
      {
        identifier: env.PGHOST.split('.')[0],
        address: env.PGHOST,
        port: Number(env.PGPORT ?? 5432),
        dbName: env.PGDATABASE ?? 'postgres',
        username: 'transcendence',
        secretArn: secret,
      },
    ],
  } as WorldSpec;
}

/**
 * Live mode: the broken release must crash for real. The freshly built game image is re-tagged as an
 * image that starts, prints the stack trace a bad release would, and exits 1.
 */
async function makeCrashing(buildsFile: string): Promise<void> {
  const run = promisify(execFile);
  const builds = JSON.parse(await readFile(buildsFile, 'utf8')) as
    | { image: string; contentTag: string; gitTag: string }[]
    | Record<string, { image: string; contentTag: string; gitTag: string }>;
  for (const b of Array.isArray(builds) ? builds : Object.values(builds)) {
    const ref = `${b.image}:${b.contentTag}`;
    const crash =
      "console.log('game listening on :3000');console.error('TypeError: Cannot read properties of undefined (reading \"paddle\")\n    at tick (dist/game.js:42:17)');process.exit(1)";
    const dockerfile = `FROM ${ref}\nCMD ["node", "-e", ${JSON.stringify(crash)}]\n`;
    const child = run('docker', ['build', '-q', '-t', ref, '-t', `${b.image}:${b.gitTag}`, '-']);
    child.child.stdin?.end(dockerfile);
    await child;
  }
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
