// Action bundle size and cold start: from process spawn to the first AWS request arriving at a local
// listener, with the action run the way the GitHub runner runs it (node dist/index.js, INPUT_* env).
// The process is stopped once that request arrives: only the start is timed. For context, the same
// is timed for a bare `node -e` that sends one HTTP request (the floor on this machine, now).
// Peak memory is measured on a whole single-service deploy by the deploy bundle against the emulator.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmulator, worldFromManifests } from '../emulator/src/index.js';
import { rollingService } from '../test/deploy-harness.js';
import { makeRepo } from '../test/render-world.js';
import { median } from './figures.js';
import { NO_REQUEST } from './report.js';

export interface BundleFigure {
  action: string;
  bytes: number;
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

/** Steps that never call AWS (plan and render work on files, test runs containers). */
const NO_AWS = new Set(['plan', 'render', 'test']);

function githubEnv(endpoint: string, inputs: Record<string, string>): NodeJS.ProcessEnv {
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
  child = spawn(process.execPath, argv, { cwd: root, env: childEnv, stdio: 'ignore' });
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

/** Medians of wall and CPU ms over `runs` starts (null when no run reached a request). */
async function medianStart(runs: number, sample: () => Promise<StartSample | null>): Promise<StartMedians> {
  const samples: StartSample[] = [];
  for (let i = 0; i < runs; i++) {
    const s = await sample();
    if (s) samples.push(s);
  }
  const of = (k: keyof StartSample) => median(samples.map((s) => s[k]).filter((x) => !Number.isNaN(x)));
  return { ms: of('ms'), cpuMs: of('cpuMs'), rssMb: of('rssMb') };
}

/** The floor: a bare node process that sends one HTTP request. */
export function nodeFloor(root: string, runs = 5): Promise<StartMedians> {
  const script =
    "require('http').request(process.env.INPUT_ENDPOINT,{method:'POST'}).on('error',()=>{}).end('{}')";
  return medianStart(runs, () => firstRequest(root, ['-e', script], (e) => githubEnv(e, {})));
}

export async function measureBundles(root: string, runs = 5): Promise<BundleFigure[]> {
  const actionsDir = join(root, 'actions');
  const out: BundleFigure[] = [];
  for (const action of readdirSync(actionsDir).sort()) {
    const bundle = join(actionsDir, action, 'dist', 'index.js');
    if (!existsSync(join(actionsDir, action, 'action.yml'))) continue;
    if (!existsSync(bundle)) {
      out.push({
        action,
        bytes: Number.NaN,
        coldStartMs: null,
        sdkClients: [],
        note: 'dist/index.js absent: skipped',
      });
      continue;
    }
    const bytes = statSync(bundle).size;
    const licenses = join(actionsDir, action, 'dist', 'licenses.txt');
    const sdkClients = existsSync(licenses)
      ? [...new Set(readFileSync(licenses, 'utf8').match(/^@aws-sdk\/client-[a-z0-9-]+/gm) ?? [])]
          .map((c) => c.replace('@aws-sdk/client-', ''))
          .sort()
      : [];
    const inputs = FIRST_CALL_INPUTS[action];
    if (!inputs) {
      const note = NO_AWS.has(action) ? 'makes no AWS call' : 'no first-call inputs known to the bench';
      out.push({ action, bytes, coldStartMs: null, sdkClients, note });
      continue;
    }
    const start = await medianStart(runs, () => firstRequest(root, [bundle], (e) => githubEnv(e, inputs)));
    out.push({
      action,
      bytes,
      coldStartMs: start.ms,
      coldStartCpuMs: start.cpuMs,
      startRssMb: start.rssMb,
      sdkClients,
      ...(start.ms === null ? { note: NO_REQUEST } : {}),
    });
  }
  return out;
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
