// `npm run demo` — the main job: the whole pipeline, locally, against the AWS emulator with real parts:
// tasks are containers of the pushed images, the ALB a real proxy with target health checks, RDS a real
// PostgreSQL. plan → build → test in the images → push to the emulator's ECR → deploy the five services
// as one release (migration task first; rolling backends, blue/green frontend) → a browser plays a game
// through the ALB → a broken image that crashes, is detected, diagnosed and rolled back → a broken
// frontend canary takes its traffic share under load, its 5xx alarm goes into ALARM and ECS rolls it back
// by itself (the demo only watches) → a service rolled back by hand → summary table and reports. Each phase runs the same Step a CI job runs; the demo
// only chooses the inputs. Nothing keeps running after it exits, unless --keep.
import '../shared/src/cli/quiet.js';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { cloudwatchOf } from '../emulator/src/cloudwatch/alarms.js';
import { gitlabClaims } from '../emulator/src/iam/ci-claims.js';
import { type Emulator, startEmulator } from '../emulator/src/index.js';
import { checkDocker } from '../shared/src/cli/commands/doctor.js';
import { Limiter } from '../shared/src/deploy/pacing.js';
import { describeError, StepFailed } from '../shared/src/errors.js';
import { markdownTable } from '../shared/src/report/markdown-table.js';
import { TerminalRunner } from '../shared/src/runner/terminal.js';
import type { DeployResult } from '../shared/src/steps/deploy.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';
import { STEPS } from '../shared/src/steps/index.js';
import { invokeStep } from '../shared/src/steps/invoke.js';
import { makeRollbackStep } from '../shared/src/steps/rollback.js';
import type { StepContext } from '../shared/src/steps/step.js';
import { blueGreenFrom } from '../shared/src/terraform/apply.js';
import { loadTerraformOutputs, terraformServiceSettings } from '../shared/src/terraform/outputs.js';
import {
  type Browser,
  browserMissing,
  launchBrowser,
  type PlayReport,
  playTwoPlayers,
} from '../test/browser/play.js';
import { chooseBaseImage } from './base-image.js';
import { brokenCanaryTree, brokenGameTree } from './broken-release.js';
import {
  type LoadRow,
  type Phase,
  type StepTiming,
  SUMMARY_HEADER,
  summaryRows,
  writeReports,
} from './report.js';
import { worldClock } from './world-clock.js';
import { underLoad } from './zero-downtime.js';

const NO_REGISTRY_CACHE = { 'cache-from': 'none', 'cache-to': 'none' };
/**
 * Services built, tested and pushed at once (parallel CI jobs): their npm installs overlap their
 * downloads with each other's compiles; more would only fight for the 2 cores.
 */
const JOBS = Number(process.env.CENDENCE_DEMO_JOBS ?? 3);

/** A log stream kept in memory (a parallel job's output, printed whole when the job ends). */
class CollectedLog extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}
const DEBUG = process.env.CENDENCE_DEBUG === 'true';
/** A job's own runner, whose output is collected in `log` rather than printed as it comes. */
function collectedJob(): { log: CollectedLog; own: Partial<StepContext> } {
  const log = new CollectedLog();
  return { log, own: { runner: new TerminalRunner({ stream: log, debug: DEBUG }) } };
}
/** The broken canary's share of production traffic, and the wall seconds it keeps it before the rollback. */
const CANARY_PERCENT = 10;
/**
 * Requests per second through the canary's deployment. Terraform's target 5xx alarm fires above 10 errors
 * a minute for 3 minutes; at the demo's clock ×30 a minute is 2 s, so 100/s × 10 % gives the canary 20
 * errors an emulated minute (50/s would give exactly 10, not above the threshold).
 */
const CANARY_RATE = 100;

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, '.cendence', 'demo');
/** Emulated seconds per wall second: ECS's minutes of task start-up and bake become seconds. */
const SPEED = Number(process.env.CENDENCE_DEMO_SPEED ?? 30);
/** The environment the demo's world is built for (terraform/environments/), and the one local setting. */
const TFVARS = ['terraform/environments/staging.tfvars', 'demo/local.tfvars'];
/** Wall seconds the deploy and rollback steps wait for each service's outcome (see worldTimeout). */
const STEP_TIMEOUT_WALL_SECONDS = 120;
/** --keep: leave the system serving after the demo, until Ctrl-C. */
const KEEP = process.argv.includes('--keep');

const step = (name: string) => {
  const s = STEPS.find((x) => x.name === name);
  if (!s) throw new Error(`step ${name} is not registered`);
  return s;
};

async function main(): Promise<number> {
  const started = performance.now();
  const runner = new TerminalRunner({ stream: process.stdout, debug: DEBUG });
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
  // Tasks are real containers (one per container definition, from the image in the emulator's registry).
  const emu: Emulator = await startEmulator({
    clock: 'real',
    speed: SPEED,
    tasks: 'docker',
    terraform: { dir: path.join(ROOT, 'terraform'), varFiles: TFVARS.map((f) => path.join(ROOT, f)) },
  });
  runner.info(
    `emulator listening on ${emu.url} (clock ×${SPEED}), world from terraform/ with ${TFVARS.join(' + ')}`,
  );
  for (const note of emu.live?.notes() ?? []) runner.warning(note);
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
  const cancel = () => abort.abort(new Error('cancelled'));
  process.once('SIGINT', cancel);
  const ctx: StepContext = { runner, signal: abort.signal, env, cwd: ROOT };
  const common = {
    endpoint: emu.url,
    region: emu.region,
    root: ROOT,
    'terraform-outputs': outputsFile,
    'role-to-assume': String(emu.terraform?.outputs.gitlab_deploy_role_arn.value),
  };
  // The steps that follow ECS over time follow the world on its clock (demo/world-clock.ts). Its
  // containers start at wall speed, slow in the world's seconds (3 s of wall time are 90 s), so those
  // steps wait for each service's outcome up to STEP_TIMEOUT_WALL_SECONDS of wall time rather than the
  // manifests' limits for AWS (auth's 300 s would be 10 s here).
  const clock = worldClock(emu.clock);
  const worldTimeout = { timeout: String(STEP_TIMEOUT_WALL_SECONDS * SPEED) };
  runner.info(
    `deploy and rollback follow the world on its clock (×${SPEED}): the times they report are the world's seconds`,
  );
  const onWorldClock: Record<string, (typeof STEPS)[number]> = {
    deploy: makeDeployStep(clock),
    rollback: makeRollbackStep(clock),
  };
  const call = (name: string, inputs: Record<string, string>, own: Partial<StepContext> = {}) => {
    // Each step is a CI job with a fresh identity token (they expire in minutes of emulated time).
    env.CENDENCE_ID_TOKEN = emu.mintToken(
      gitlabClaims(emu, { projectPath: 'transcendence/cendence', ref: 'main' }),
    );
    const onWorld = onWorldClock[name];
    const all = { ...common, ...(onWorld ? worldTimeout : {}), ...inputs };
    return invokeStep(onWorld ?? step(name), (n) => all[n as keyof typeof all], { ...ctx, ...own });
  };
  /**
   * Build, test and push as parallel CI jobs, one chain per service, JOBS chains at a time on the one
   * engine (its BuildKit shares the stage every Dockerfile has in common). Each chain's log is printed
   * whole when it ends, so logs do not interleave. Answers the pushed images of all services (JSON).
   */
  const buildTestPush = async (services: string[]): Promise<string> => {
    const images: Record<string, string> = {};
    const queue = await heaviestFirst(services);
    // One push at a time, beside the builds: pushes running at once each compressed and uploaded the
    // 186 MB base layer (three pushes 11–13 s each, cold); one after another, later ones mount it from
    // the first's repository and move only their own layers. A job whose image is tested hands its push
    // to this queue (a later stage of the same pipeline) and its slot to the next build.
    const pushQueue = new Limiter(1);
    const pushes: Promise<void>[] = [];
    const stop = (err: unknown) => {
      queue.length = 0; // a failed job ends the pipeline: no new job starts, running ones finish
      throw err;
    };
    const chain = async (service: string) => {
      const buildsFile = path.join(OUT, `builds-${service}.json`);
      const { log, own } = collectedJob();
      const printLog = () => process.stdout.write(log.text);
      try {
        await timed(`build ${service}`, () =>
          call(
            'build',
            {
              services: service,
              network: 'host',
              'build-args': `BASE_IMAGE=${baseImage}`,
              'builds-file': buildsFile,
              // One engine, one run: its local cache is warm; the registry cache is for new runners (bench: cache).
              ...NO_REGISTRY_CACHE,
            },
            own,
          ),
        );
        await timed(`test ${service}`, () =>
          call('test', { builds: buildsFile, 'junit-dir': path.join(OUT, 'junit') }, own),
        );
      } catch (err) {
        printLog();
        throw err;
      }
      const pushing = pushQueue
        .run(() => timed(`push ${service}`, () => call('push', { builds: buildsFile }, own)))
        .then((pushed) => {
          Object.assign(images, JSON.parse(pushed.outputs.images));
        })
        .catch(stop)
        .finally(printLog);
      pushing.catch(() => undefined); // settled below, with every other job
      pushes.push(pushing);
    };
    const worker = async () => {
      for (let service = queue.shift(); service; service = queue.shift()) await chain(service).catch(stop);
    };
    const ended = await Promise.allSettled(Array.from({ length: Math.min(JOBS, services.length) }, worker));
    // Every push handed over, including those of jobs that ended before a failure.
    ended.push(...(await Promise.allSettled(pushes)));
    const failed = ended.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return JSON.stringify(images);
  };

  const phases: Phase[] = [];
  // Build, test and push are timed too, so the report's timeline shows the whole pipeline.
  const steps: StepTiming[] = [];
  const timed = async <T>(name: string, fn: () => Promise<T>, into = steps): Promise<T> => {
    const startedAt = new Date().toISOString();
    let ok = false;
    try {
      const r = await fn();
      ok = true;
      return r;
    } finally {
      into.push({ name, startedAt, finishedAt: new Date().toISOString(), ok });
    }
  };
  /**
   * Builds and pushes a broken release of one service from a scratch tree, under the next commit's tag
   * (ECR tags are immutable). Only the deploy may fail in a broken release's phase: a failed build or
   * push is not the failure the demo shows, so it ends the demo as an error.
   */
  const buildBroken = async (
    service: string,
    tree: string,
    commit: string,
    own: Partial<StepContext>,
    into: StepTiming[],
  ) => {
    const buildsFile = path.join(OUT, `builds-broken-${service}.json`);
    const prepare = <T>(name: string, fn: () => Promise<T>) =>
      timed(name, fn, into).catch((err: unknown) => {
        throw new Error(`${name} of the broken release failed: ${describeError(err)}`);
      });
    await prepare(`build ${service}`, () =>
      call(
        'build',
        {
          root: tree,
          services: service,
          network: 'host',
          'build-args': `BASE_IMAGE=${baseImage}`,
          'git-sha': createHash('sha1').update(commit).digest('hex'),
          'builds-file': buildsFile,
          ...NO_REGISTRY_CACHE,
        },
        own,
      ),
    );
    const pushed = await prepare(`push ${service}`, () => call('push', { builds: buildsFile }, own));
    return JSON.parse(pushed.outputs.images) as Record<string, string>;
  };
  /**
   * A broken release's scratch tree, built and pushed ahead of its phase: the next commits' pipelines
   * run while the browser plays (a machine's cores are otherwise idle through the game). Its phase
   * prints the log and lists the steps; the tree goes when the phase (or the demo) ends.
   */
  const scratch: Promise<string>[] = [];
  const prebuilt: Promise<unknown>[] = [];
  const prebuild = (service: string, makeTree: () => Promise<string>, commit: string) => {
    const { log, own } = collectedJob();
    const stepsOf: StepTiming[] = [];
    const tree = makeTree();
    scratch.push(tree);
    const images = tree.then((t) => buildBroken(service, t, commit, own, stepsOf));
    images.catch(() => undefined); // awaited by its phase
    prebuilt.push(images);
    return {
      tree,
      /** Its images, once built and pushed; its log printed here, in its phase. */
      images: () => images.finally(() => process.stdout.write(log.text)),
      steps: stepsOf,
    };
  };
  const phase = async (
    title: string,
    expect: Phase['expect'],
    fn: () => Promise<{ services?: Phase['services']; note?: string }>,
    /** Steps of this phase that ran ahead of it (a prebuilt broken release). */
    ahead: StepTiming[] = [],
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
      steps: [
        ...ahead.map((a) => ({ ...a, name: `${a.name} (ahead, while the browser played)` })),
        ...steps.slice(firstStep),
      ],
      ...(note ? { note } : {}),
    });
    if (!ok) throw new Error(`phase "${title}" did not end as expected`);
  };

  let appUrl: string | undefined;
  let play: PlayReport | undefined;
  const loadRows: LoadRow[] = [];
  const noBrowser = browserMissing();
  let browser: Promise<Browser> | undefined;
  try {
    let images = '';
    let services: string[] = [];
    await phase('plan', 'success', async () => {
      const { outputs } = await call('plan', { all: 'true' });
      services = (JSON.parse(outputs.waves) as string[][]).flat();
      return { note: `waves ${outputs.waves}` };
    });
    await phase('build, test, push', 'success', async () => {
      images = await buildTestPush(services);
      return { note: `${Object.keys(JSON.parse(images)).length} images pushed by digest` };
    });
    // The browser starts while release 1 rolls out (a cold chromium takes seconds to start on a busy
    // machine); playTwoPlayers takes it over, or the finally below closes it.
    if (!noBrowser) {
      browser = launchBrowser();
      browser.catch(() => undefined); // its failure surfaces in the browser phase
    }
    // Before release 1 the world is what terraform apply leaves: each service on its bootstrap revision.
    appUrl = emu.live?.albUrl(undefined, 443);
    if (appUrl) runner.info(await beforeRelease1(appUrl));
    await phase('release 1: all services', 'success', async () => {
      const { result } = await call('deploy', { images, 'output-dir': path.join(OUT, 'release-1') });
      return { services: (result as DeployResult).services };
    });
    // The system serves: the app's URL is the ALB listener's, and a browser plays a game through it.
    // The HTTPS listener (443) serves the app; served locally as plain HTTP. Port 80 only redirects to it.
    appUrl = emu.live?.albUrl(undefined, 443);
    if (!appUrl) throw new Error('the load balancer has no listener served');
    runner.info(`the app: ${appUrl}`);
    await untilServing(appUrl, (l) => runner.info(l));
    // The broken releases of phases 4 and 5 build while the browser plays.
    const outputs = loadTerraformOutputs(outputsFile);
    const fe = terraformServiceSettings(outputs, 'frontend', outputsFile);
    const blueGreen = blueGreenFrom(fe, outputs);
    const productionRule = fe.listenerRules.production;
    if (!blueGreen || !productionRule) throw new Error('terraform provisions no blue/green frontend');
    // The next commit's game server throws as it starts: a scratch copy of services/ with that one line.
    const brokenGame = prebuild('game', () => brokenGameTree(ROOT), 'cendence demo: broken game release');
    // The commit after answers every frontend page 500 while its health check passes, as a canary.
    const brokenCanary = prebuild(
      'frontend',
      () => brokenCanaryTree(ROOT, { blueGreen, canaryPercent: CANARY_PERCENT, canaryBakeMinutes: 10 }),
      'cendence demo: broken frontend canary',
    );
    await phase('a browser plays a game through the ALB', 'success', async () => {
      if (noBrowser || !browser) return { note: `skipped: ${noBrowser}` };
      const started = browser;
      browser = undefined; // playTwoPlayers closes it
      play = await playTwoPlayers({
        baseUrl: appUrl as string,
        screenshotsDir: path.join(OUT, 'browser'),
        browser: started,
      });
      return { note: `${play.players.join(' vs ')}: ${play.score}, ${play.winner} won; result stored` };
    });
    // A second revision of auth (rolling), so the manual rollback below returns to release 1's.
    const load = (m: Parameters<typeof underLoad>[2], fn: () => ReturnType<typeof call>) =>
      underLoad(emu, appUrl as string, m, loadRows, (l) => runner.info(l), fn);
    await phase('release 2: auth, rolling', 'success', async () => {
      const { result } = await load({ deployment: 'auth, rolling', path: '/api/auth/health' }, () =>
        call('deploy', {
          services: 'auth',
          images,
          'output-dir': path.join(OUT, 'release-2'),
        }),
      );
      return { services: (result as DeployResult).services };
    });
    await phase('release 3: frontend, blue/green', 'success', async () => {
      const family = 'transcendence-staging-frontend';
      const { result } = await load({ deployment: 'frontend, blue/green', path: '/', family }, () =>
        call('deploy', {
          services: 'frontend',
          images,
          'output-dir': path.join(OUT, 'release-3'),
        }),
      );
      return { services: (result as DeployResult).services };
    });
    await phase(
      'release 4: a broken game image',
      'failure',
      async () => {
        // The broken game, pushed under the next commit's tag (ECR tags are immutable), deployed for real.
        // Only the deploy may fail in this phase; a failed build or push is not the failure the demo shows.
        let broken: Record<string, string>;
        try {
          broken = await brokenGame.images();
        } finally {
          await rm(await brokenGame.tree, { recursive: true, force: true });
        }
        const all = { ...JSON.parse(images), ...broken };
        const measure = { deployment: 'game, broken image (rolled back)', path: '/api/game/health' };
        const { result } = await load(measure, () =>
          call('deploy', {
            services: 'game',
            images: JSON.stringify(all),
            'output-dir': path.join(OUT, 'release-4'),
          }),
        );
        return { services: (result as DeployResult).services };
      },
      brokenGame.steps,
    );
    await phase(
      `release 5: a broken frontend canary (${CANARY_PERCENT} %)`,
      'failure',
      async () => {
        // Released as a canary, the broken frontend takes its traffic share; the target 5xx alarm
        // Terraform names in the service's deployment alarms goes into ALARM and ECS rolls the canary
        // back by itself. The demo only watches.
        const tree = await brokenCanary.tree;
        try {
          const broken = await brokenCanary.images();
          const all = { ...JSON.parse(images), ...broken };
          const family = 'transcendence-staging-frontend';
          const measure = {
            deployment: `frontend, broken canary (${CANARY_PERCENT} %, rolled back by its alarm)`,
            path: '/',
            family,
            rate: CANARY_RATE,
          };
          const { result } = await load(measure, async () => {
            const deploying = call('deploy', {
              root: tree,
              services: 'frontend',
              images: JSON.stringify(all),
              'output-dir': path.join(OUT, 'release-5'),
            });
            await watchCanary(emu, fe.service, productionRule, deploying, (l) => runner.info(l));
            return deploying;
          });
          return { services: (result as DeployResult).services };
        } finally {
          await rm(tree, { recursive: true, force: true });
        }
      },
      brokenCanary.steps,
    );
    await phase('manual rollback of auth', 'success', async () => {
      const { result } = await call('rollback', {
        services: 'auth',
        'output-dir': path.join(OUT, 'rollback'),
      });
      return { services: (result as DeployResult).services };
    });
    if (KEEP) {
      process.off('SIGINT', cancel);
      runner.info('');
      runner.info(`--keep: the system keeps serving at ${appUrl} (emulator ${emu.url}).`);
      runner.info('  stop it with Ctrl-C: the emulator then removes its containers, networks and database.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await browser?.then(
      (b) => b.close(),
      () => undefined,
    );
    // A demo that ended early: its prebuilt releases finish (or fail) before the emulator goes, and
    // their scratch trees go with it.
    await Promise.allSettled(prebuilt);
    for (const tree of await Promise.allSettled(scratch))
      if (tree.status === 'fulfilled') await rm(tree.value, { recursive: true, force: true });
    await emu.stop();
  }

  const total = (performance.now() - started) / 1000;
  runner.info('');
  runner.info(markdownTable(SUMMARY_HEADER, summaryRows(phases)));
  const files = await writeReports(OUT, phases, total, { appUrl, play, load: loadRows });
  const diagnosis = await readFile(path.join(OUT, 'release-4', 'deploy-record.json'), 'utf8').catch(() => '');
  if (diagnosis) runner.info(`deployment records and diagnosis: ${path.relative(ROOT, OUT)}/release-4/`);
  if (appUrl)
    runner.info(`the app was served at ${appUrl}${KEEP ? '' : ' (stopped: run with --keep to keep it)'}`);
  runner.info(`report: ${files.map((f) => path.relative(ROOT, f)).join(', ')}`);
  runner.info(`demo finished in ${total.toFixed(1)} s`);
  return 0;
}

/**
 * The build jobs' order: the services whose Dockerfile runs the most RUN instructions first (the
 * frontend's, which also bundles the client, took 16–24 s cold against 6–9 s for the others), so the
 * phase does not end with its longest job running alone; otherwise the plan's order.
 */
async function heaviestFirst(services: string[]): Promise<string[]> {
  const runs = await Promise.all(
    services.map(async (s) => {
      const dockerfile = await readFile(path.join(ROOT, 'services', s, 'Dockerfile'), 'utf8').catch(() => '');
      return (dockerfile.match(/^RUN\s/gim) ?? []).length;
    }),
  );
  return services
    .map((s, i) => ({ s, i }))
    .sort((a, b) => runs[b.i] - runs[a.i] || a.i - b.i)
    .map((x) => x.s);
}

/**
 * Says what happens to a canary while its deploy runs, as read from the emulator: its traffic share on
 * the production rule, then each of its deployment alarms going into ALARM and ECS's rollback. It
 * changes nothing; it returns once the deploy has ended.
 */
async function watchCanary(
  emu: Emulator,
  service: string,
  ruleArn: string,
  deploying: Promise<unknown>,
  say: (line: string) => void,
): Promise<void> {
  let ended = false;
  const settled = deploying.then(
    () => undefined,
    () => undefined,
  );
  void settled.then(() => {
    ended = true;
  });
  let shareSeen = false;
  const alarmsSeen = new Set<string>();
  const cw = cloudwatchOf(emu.world);
  while (!ended) {
    const svc = [...emu.world.ecs.services.values()].find((s) => s.serviceName === service);
    const weights = (emu.world.elbv2.rules.get(ruleArn)?.Actions ?? []).flatMap(
      (a) => a.ForwardConfig?.TargetGroups?.map((g) => g.Weight ?? 0) ?? [],
    );
    if (!shareSeen && weights.includes(CANARY_PERCENT)) {
      shareSeen = true;
      say(`the canary holds ${CANARY_PERCENT} % of production traffic; its 5xx alarm is watching`);
    }
    for (const name of svc?.deploymentConfiguration.alarms?.alarmNames ?? []) {
      const alarm = cw.alarms.get(name);
      if (alarm?.state !== 'ALARM' || alarmsSeen.has(name)) continue;
      alarmsSeen.add(name);
      say(`alarm ${name} is in ALARM (${alarm.reason}): ECS rolls the canary back`);
    }
    await Promise.race([settled, new Promise((r) => setTimeout(r, 250))]);
  }
}

/**
 * What a user sees before release 1, and why. Terraform's bootstrap revision :1 names an image tag the
 * pipeline never pushes: on AWS its tasks fail to pull and the ALB answers 503. The emulator seeds each
 * Terraform service as steady on :1 with simulated tasks no container backs, so its ALB forwards to
 * addresses nothing answers; the answer is printed as received.
 */
async function beforeRelease1(url: string): Promise<string> {
  const answer = await fetch(url, { signal: AbortSignal.timeout(3000) }).then(
    async (r) => `${r.status} ${(await r.text()).slice(0, 60).trim()}`,
    (err: Error) => err.message,
  );
  return (
    `before release 1 the app's URL answers "${answer}": terraform's bootstrap revision :1 names an image ` +
    'tag ("bootstrap") the pipeline never pushes — on AWS its tasks fail to pull and the ALB answers 503; ' +
    'the emulator seeds :1 as running with simulated tasks no container backs, so its ALB forwards to ' +
    'addresses nothing answers. Release 1 brings the real images.'
  );
}

/** Waits (at most a minute) until the app answers its page through the load balancer. */
async function untilServing(url: string, say: (line: string) => void): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = '';
  for (;;) {
    const answer = await fetch(url, { signal: AbortSignal.timeout(5000) }).then(
      async (r) => `${r.status} ${(await r.text()).slice(0, 80).replace(/\s+/g, ' ')}`,
      (err: Error) => err.message,
    );
    if (answer.startsWith('200 ')) return;
    if (answer !== last) say(`waiting for the app: ${answer}`);
    last = answer;
    if (Date.now() > deadline) throw new Error(`the app does not serve at ${url}: ${answer}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

// Exit once done: the emulator is stopped and the reports written, but keep-alive sockets and timers of
// the clients left the process alive for about two more minutes (a cold bench run: "demo finished in
// 319 s", exit at 455 s).
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${describeError(err)}\n`);
    process.exit(1);
  },
);
