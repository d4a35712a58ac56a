// `npm run bench`: measures outcome latency, release scaling, the action bundles, build/push and the
// emulator in one run, judges each figure against its DESIGN.md target, and writes bench/results.json
// (everything measured, raw) and bench/RESULTS.md (the table and how each figure was measured).
// Every comparison is a ratio or a difference measured in this same run. Sections can be picked with
// BENCH_ONLY=latency,release,actions,build,cache,emulator,zerodown,demo (a partial run does not write the result files
// unless BENCH_WRITE=1).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { measureBuild } from './build.js';
import { measureBuildCache } from './build-cache.js';
import { measureBundles, measureDeployRun } from './cold-start.js';
import { demoColdFigures, measureDemoCold } from './demo-cold.js';
import { measureEmulator } from './emulator-load.js';
import { type Figure, markdownFigures, tally, textTable, verdict } from './figures.js';
import { measureFollow } from './follow.js';
import { measureLatency } from './latency.js';
import { measureReleases } from './release.js';
import {
  buildFigures,
  bundleFigures,
  cacheFigures,
  emulatorFigures,
  followFigures,
  latencyFigures,
  releaseFigures,
} from './report.js';
import { resultsMarkdown } from './results-md.js';
import { measureZeroDowntime, zeroDowntimeFigures } from './zero-downtime.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SECTIONS = [
  'latency',
  'follow',
  'release',
  'actions',
  'build',
  'cache',
  'emulator',
  'zerodown',
  'demo',
] as const;
type Section = (typeof SECTIONS)[number];

const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean) as Section[];
for (const s of only)
  if (!SECTIONS.includes(s)) throw new Error(`BENCH_ONLY: unknown section "${s}" (${SECTIONS.join(', ')})`);
const wanted = (s: Section) => only.length === 0 || only.includes(s);
const TRIALS = Number(process.env.BENCH_TRIALS ?? 5);
const SPEED = Number(process.env.BENCH_SPEED ?? 1);

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** Newest modification time of the .ts sources under a folder (tests excluded). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts') || e.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/**
 * Actions whose dist is missing or older than their sources by more than a minute (a fresh clone
 * writes sources and committed bundles within seconds of each other); rebuilt with scripts/bundle.mjs.
 */
function ensureBundles(): string[] {
  const shared = newestSource(path.join(ROOT, 'shared/src'));
  const stale = readdirSync(path.join(ROOT, 'actions')).filter((a) => {
    const src = path.join(ROOT, 'actions', a, 'src');
    if (!existsSync(path.join(src, 'index.ts'))) return false;
    const dist = path.join(ROOT, 'actions', a, 'dist', 'index.js');
    return !existsSync(dist) || statSync(dist).mtimeMs + 60_000 < Math.max(shared, newestSource(src));
  });
  if (stale.length > 0 && process.env.BENCH_BUNDLE !== 'never') {
    log(`bundling ${stale.join(', ')} (dist missing or older than the sources)`);
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/bundle.mjs'), ...stale], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return stale;
}

/** Runs one section; a crash becomes a row saying so instead of ending the whole run. */
async function section<T>(
  name: Section,
  measure: () => Promise<T>,
  figures: (raw: T) => Figure[],
): Promise<{ raw?: T; figures: Figure[]; seconds: number }> {
  if (!wanted(name)) return { figures: [], seconds: 0 };
  log(`${name}…`);
  const t = performance.now();
  try {
    const raw = await measure();
    const seconds = (performance.now() - t) / 1000;
    log(`${name} done in ${seconds.toFixed(1)} s`);
    return { raw, figures: figures(raw), seconds };
  } catch (err) {
    const message = (err as Error).stack ?? String(err);
    log(`${name} failed: ${message}`);
    return {
      figures: [
        {
          section: name,
          name: 'section did not complete',
          value: null,
          unit: '',
          goal: { kind: 'max', limit: 0 },
          target: 'completes',
          note: (err as Error).message,
        },
      ],
      seconds: (performance.now() - t) / 1000,
    };
  }
}

async function main(): Promise<void> {
  // The SDK's "Node 22 will be required" notice is noise here (the actions run on node24).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'secret';
  const startedAt = new Date();
  const started = performance.now();
  const loadBefore = os.loadavg();

  const latency = await section('latency', () => measureLatency(TRIALS), latencyFigures);
  const following = await section('follow', measureFollow, followFigures);
  const release = await section('release', () => measureReleases([1, 6, 24], SPEED), releaseFigures);
  let rebuilt: string[] = [];
  const actions = await section(
    'actions',
    async () => {
      rebuilt = ensureBundles();
      const starts = await measureBundles(ROOT);
      const deployRun = await measureDeployRun(ROOT);
      return { ...starts, deployRun };
    },
    bundleFigures,
  );
  const build = await section('build', measureBuild, buildFigures);
  const cache = await section('cache', measureBuildCache, cacheFigures);
  const emulator = await section('emulator', () => measureEmulator(ROOT), emulatorFigures);
  const zerodown = await section('zerodown', measureZeroDowntime, zeroDowntimeFigures);
  const demo = await section('demo', measureDemoCold, demoColdFigures);

  const figures = [latency, following, release, actions, build, cache, emulator, zerodown, demo].flatMap(
    (s) => s.figures,
  );
  const durationSeconds = (performance.now() - started) / 1000;
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 1e9),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverageBefore: loadBefore.map((x) => Math.round(x * 100) / 100),
    loadAverageAfter: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
  const counts = tally(figures);

  process.stdout.write(`\n${textTable(figures)}\n\n`);
  process.stdout.write(
    `${counts.pass} pass, ${counts.miss} miss, ${counts.na} not measured — ${durationSeconds.toFixed(0)} s; ` +
      `load average ${machine.loadAverageBefore[0]} → ${machine.loadAverageAfter[0]} on ${machine.cpus} cores\n`,
  );

  if (only.length > 0 && process.env.BENCH_WRITE !== '1') {
    process.stdout.write(
      'partial run (BENCH_ONLY): bench/results.json and bench/RESULTS.md left unchanged\n',
    );
    return;
  }
  const results = {
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round(durationSeconds),
    machine,
    settings: { trials: TRIALS, releaseClockSpeed: SPEED, sections: only.length ? only : [...SECTIONS] },
    sectionSeconds: {
      latency: latency.seconds,
      follow: following.seconds,
      release: release.seconds,
      actions: actions.seconds,
      build: build.seconds,
      cache: cache.seconds,
      emulator: emulator.seconds,
      zerodown: zerodown.seconds,
      demo: demo.seconds,
    },
    bundlesRebuilt: rebuilt,
    raw: {
      latency: latency.raw,
      follow: following.raw,
      release: release.raw,
      actions: actions.raw,
      build: build.raw,
      cache: cache.raw,
      emulator: emulator.raw,
      zerodown: zerodown.raw,
      demo: demo.raw,
    },
    figures: figures.map((f) => ({ ...f, result: verdict(f) || 'info' })),
    summary: counts,
  };
  await writeFile(path.join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(
    path.join(ROOT, 'bench/RESULTS.md'),
    resultsMarkdown({
      table: markdownFigures(figures),
      counts,
      startedAt: results.startedAt,
      durationSeconds,
      machine,
      trials: TRIALS,
      speed: SPEED,
    }),
  );
  process.stdout.write('wrote bench/results.json and bench/RESULTS.md\n');
}

main().then(
  () => {
    // SDK keep-alive sockets and emulator timers are closed; exit now rather than wait for stragglers.
    process.exit(process.exitCode ?? 0);
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
