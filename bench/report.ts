// Turns each section's raw measurements into figures next to their DESIGN.md targets. Pure (tested in
// test/bench.test.ts); the notes say what a value is made of and, for a miss, why.
import type { BuildFigures } from './build.js';
import type { CacheFigures } from './build-cache.js';
import type { BundleFigure, DeployRunFigure, OtherNodeStarts, StartMedians } from './cold-start.js';
import type { EmulatorFigures } from './emulator-load.js';
import { type Figure, formatValue, median, ratio } from './figures.js';
import type { FollowMeasures } from './follow.js';
import type { LatencyTrial, Rollout } from './latency.js';
import type { ReleaseFigure } from './release.js';

/** The note of a bundle that was expected to reach an AWS call and did not. */
export const NO_REQUEST = 'no AWS request seen';

/** What an action does before its first AWS call, when that is more than reading its inputs. */
const PRE_AWS: Record<string, string> = {
  build: 'the docker CLI (engine check) runs beside its first AWS call',
  push: 'the docker CLI (engine check) runs beside its first AWS call',
};

const fmt = (v: number | null, unit = '') => formatValue(v, unit);

function byOperation(calls: Record<string, number>): string {
  return Object.entries(calls)
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
}

/** What each tool should say for each rollout; anything else is a wrong outcome. */
const HONEST: Record<LatencyTrial['tool'], Record<Rollout, RegExp>> = {
  cendence: { completed: /^succeeded$/, failed: /^(rolled-back|failed)$/ },
  waiter: { completed: /^success$/, failed: /^failure/ },
};

export function latencyFigures(trials: LatencyTrial[]): Figure[] {
  const of = (tool: LatencyTrial['tool'], rollout: Rollout) =>
    trials.filter((t) => t.tool === tool && t.rollout === rollout);
  const total = (ts: LatencyTrial[]) => median(ts.map((t) => t.emulatedSeconds + t.wallMs / 1000));
  const parts = (ts: LatencyTrial[]) =>
    `${fmt(median(ts.map((t) => t.emulatedSeconds)), 's')} emulated + ${fmt(median(ts.map((t) => t.wallMs)), 'ms')} wall after ECS decided`;
  const spread = (ts: LatencyTrial[]) => {
    const v = ts.map((t) => t.emulatedSeconds);
    return `${fmt(Math.min(...v))}–${fmt(Math.max(...v), 's')} over ${ts.length} runs`;
  };
  const said = (ts: LatencyTrial[]) => [...new Set(ts.map((t) => `"${t.reported}"`))].join(' / ');
  const wrong = (ts: LatencyTrial[]) => ts.filter((t) => !HONEST[t.tool][t.rollout].test(t.reported)).length;
  const calls = (ts: LatencyTrial[]) => median(ts.map((t) => t.totalCalls));
  const callNote = (ts: LatencyTrial[]) => (ts[0] ? byOperation(ts[0].calls) : '');

  const [oursOk, waiterOk, oursFail, waiterFail] = [
    of('cendence', 'completed'),
    of('waiter', 'completed'),
    of('cendence', 'failed'),
    of('waiter', 'failed'),
  ];
  const S = 'outcome latency';
  const oursCalls = calls(oursOk);
  const waiterCalls = calls(waiterOk);
  const callsMiss =
    oursCalls !== null && waiterCalls !== null && oursCalls > waiterCalls
      ? '; miss: it polls more often than the waiter, which sleeps ≥ 15 s between polls'
      : '';
  return [
    {
      section: S,
      name: 'COMPLETED → reported, deploy step',
      value: total(oursOk),
      unit: 's',
      goal: { kind: 'max', limit: 2 },
      target: '≤ 2 s',
      note: `${parts(oursOk)}; said ${said(oursOk)}`,
    },
    {
      section: S,
      name: 'COMPLETED → reported, waiter-based anchor (aws-actions v2.6.2+)',
      value: total(waiterOk),
      unit: 's',
      goal: { kind: 'info' },
      target: '15–120 s today',
      note: `${spread(waiterOk)} (random backoff from 15 s); said ${said(waiterOk)}`,
    },
    {
      section: S,
      name: 'COMPLETED latency, waiter ÷ deploy step',
      value: ratio(total(waiterOk), total(oursOk)),
      unit: '×',
      goal: { kind: 'info' },
      target: 'same run',
    },
    {
      section: S,
      name: 'FAILED (circuit breaker) → reported, deploy step',
      value: total(oursFail),
      unit: 's',
      goal: { kind: 'max', limit: 2 },
      target: '≤ 2 s',
      note: `${parts(oursFail)}; said ${said(oursFail)}, with the diagnosis`,
    },
    {
      section: S,
      name: 'FAILED → reported, waiter-based anchor',
      value: total(waiterFail),
      unit: 's',
      goal: { kind: 'info' },
      target: '15–120 s today',
      note: `${spread(waiterFail)}; said ${said(waiterFail)} only once the rollback had finished and the service was stable again`,
    },
    {
      section: S,
      name: 'wrong outcomes reported, deploy step',
      value: wrong([...oursOk, ...oursFail]),
      unit: '',
      goal: { kind: 'max', limit: 0 },
      target: 'honest outcome',
      note: `of ${oursOk.length + oursFail.length} rollouts`,
    },
    {
      section: S,
      name: 'wrong outcomes reported, waiter-based anchor',
      value: wrong([...waiterOk, ...waiterFail]),
      unit: '',
      goal: { kind: 'info' },
      target: 'same run',
      note: `of ${waiterOk.length + waiterFail.length} rollouts (v2.6.2+ fails a rollout whose deployment is gone after stabilisation)`,
    },
    {
      section: S,
      name: 'API calls, single-service rolling deploy, deploy step',
      value: oursCalls,
      unit: '',
      goal: { kind: 'max', limit: waiterCalls ?? Number.NaN },
      target: `≤ the waiter tool's ${fmt(waiterCalls)}`,
      note: `${callNote(oursOk)}${callsMiss}`,
    },
    {
      section: S,
      name: 'API calls, same rollout, waiter-based tool',
      value: waiterCalls,
      unit: '',
      goal: { kind: 'info' },
      target: 'same run',
      note: callNote(waiterOk),
    },
    {
      section: S,
      name: 'API calls, FAILED rollout, deploy step',
      value: calls(oursFail),
      unit: '',
      goal: { kind: 'info' },
      target: 'same run',
      note: `${callNote(oursFail)} (ListTasks, DescribeTasks, GetLogEvents: the diagnosis)`,
    },
  ];
}

export function releaseFigures(releases: ReleaseFigure[]): Figure[] {
  const S = 'release scaling';
  const one = releases.find((r) => r.services === 1);
  const rows: Figure[] = releases.map((r) => ({
    section: S,
    name: `${r.services} service${r.services === 1 ? '' : 's'} in one release: wall time`,
    value: r.wallMs / 1000,
    unit: 's',
    goal: { kind: 'info' },
    target: 'throttling on',
    note: `${r.calls} API calls, ${r.throttled} throttled then retried${r.error ? `; error: ${r.error}` : ''}`,
  }));
  for (const r of releases.filter((x) => x.services > 1)) {
    const is24 = r.services === 24;
    rows.push({
      section: S,
      name: `${r.services} vs 1 service: wall time`,
      value: ratio(r.wallMs, one?.wallMs),
      unit: '×',
      goal: is24 ? { kind: 'max', limit: 1.5 } : { kind: 'info' },
      target: is24 ? '≤ 1.5×' : 'same run',
      note: is24 ? 'services deployed one by one would take about 24×' : undefined,
    });
  }
  rows.push(
    {
      section: S,
      name: 'throttling errors surfaced to the user',
      value: releases.reduce((n, r) => n + r.throttlingSurfaced, 0),
      unit: '',
      goal: { kind: 'max', limit: 0 },
      target: '0',
      note: `all three releases; ${releases.reduce((n, r) => n + r.throttled, 0)} calls were throttled and retried`,
    },
    {
      section: S,
      name: 'services not succeeded',
      value: releases.reduce((n, r) => n + r.notSucceeded, 0),
      unit: '',
      goal: { kind: 'max', limit: 0 },
      target: '0',
      note: `of ${releases.reduce((n, r) => n + r.services, 0)} deployed`,
    },
  );
  return rows;
}

/** Bundle targets (issue 14): actions that never load an AWS client are held to the smaller one. */
const SMALL_BUNDLE = new Set(['plan', 'test']);
export const BUNDLE_LIMIT_MB = { aws: 0.9, small: 0.5 };
/** Rounds of cold starts: each round starts every subject once, in turn, so load spikes hit them alike. */
export const COLD_START_RUNS = 7;
/** Cold start target: at most this fraction of the anchor stand-in's, measured in the same rounds. */
export const COLD_START_RATIO = 0.5;
export const PEAK_RSS_LIMIT_MB = 70;

export function bundleFigures(raw: {
  floor: StartMedians;
  sdkFloor?: StartMedians;
  standIn?: StartMedians & { bytes: number };
  bundles: BundleFigure[];
  node24?: OtherNodeStarts;
  deployRun: DeployRunFigure | null;
}): Figure[] {
  const S = 'actions';
  const rows: Figure[] = [];
  for (const b of raw.bundles) {
    const mb = Number.isNaN(b.bytes) ? null : b.bytes / 1e6;
    const limit = SMALL_BUNDLE.has(b.action) ? BUNDLE_LIMIT_MB.small : BUNDLE_LIMIT_MB.aws;
    const loaded =
      b.startBytes !== undefined && mb !== null ? `${fmt(b.startBytes / 1e6, 'MB')} loaded at start` : '';
    const top = b.top ? `largest: ${b.top}` : '';
    rows.push({
      section: S,
      name: `bundle size: ${b.action}`,
      value: mb,
      unit: 'MB',
      goal: { kind: 'max', limit },
      target: `≤ ${limit} MB`,
      note: [b.note, loaded, top].filter(Boolean).join('; '),
    });
  }
  const anchor = raw.standIn?.ms ?? null;
  if (raw.standIn) {
    rows.push({
      section: S,
      name: 'cold start: anchor stand-in (ncc, @actions/core + ECS client)',
      value: anchor,
      unit: 'ms',
      goal: { kind: 'info' },
      target: 'same rounds',
      note: `RegisterTaskDefinition first, as the anchor; CPU ${fmt(raw.standIn.cpuMs, 'ms')}, ${fmt(raw.standIn.rssMb, 'MB')} RSS at its first request; ${fmt(raw.standIn.bytes / 1e6, 'MB')} bundle`,
    });
  }
  // Actions that make no AWS call have no cold start to time; one that should have and did not is shown.
  for (const b of raw.bundles.filter((x) => x.coldStartMs !== null || x.note === NO_REQUEST)) {
    const limit = anchor !== null ? anchor * COLD_START_RATIO : null;
    const miss =
      b.coldStartMs !== null && limit !== null && b.coldStartMs > limit && b.coldStartCpuMs && raw.floor.cpuMs
        ? `; miss: it needs ${fmt(b.coldStartCpuMs, 'ms')} of CPU (bare node ${fmt(raw.floor.cpuMs, 'ms')}) to load ${fmt((b.startBytes ?? b.bytes) / 1e6, 'MB')}${sdkFloorOver(raw.sdkFloor, limit)}`
        : '';
    rows.push({
      section: S,
      name: `cold start: ${b.action}`,
      value: b.coldStartMs,
      unit: 'ms',
      goal: limit !== null ? { kind: 'max', limit } : { kind: 'info' },
      target: limit !== null ? `≤ ${COLD_START_RATIO}× stand-in (${fmt(limit, 'ms')})` : '≤ 0.5× stand-in',
      note:
        `median of ${COLD_START_RUNS} interleaved rounds, spawn → first AWS request; ${fmt(ratio(b.coldStartMs, anchor), '×')} the stand-in; CPU ${fmt(b.coldStartCpuMs ?? null, 'ms')}` +
        `${PRE_AWS[b.action] ? `; ${PRE_AWS[b.action]}` : ''}` +
        `${b.coldStartMs === null ? `; ${b.note}` : ''}${miss}`,
    });
  }
  rows.push({
    section: S,
    name: 'cold start floor: bare node + one HTTP request',
    value: raw.floor.ms,
    unit: 'ms',
    goal: { kind: 'info' },
    target: 'same rounds',
    note: `CPU ${fmt(raw.floor.cpuMs, 'ms')}, ${fmt(raw.floor.rssMb, 'MB')} RSS; ${process.version} (the GitHub runner's node24 may differ)`,
  });
  if (raw.sdkFloor) rows.push(sdkFloorRow(S, 'cold start floor', raw.sdkFloor, anchor));
  if (raw.node24) rows.push(...node24Rows(S, raw.node24));
  const d = raw.deployRun;
  const deployStart = raw.bundles.find((b) => b.action === 'deploy')?.startRssMb ?? null;
  const memoryMiss =
    d && d.exitCode === 0 && d.peakRssMb > PEAK_RSS_LIMIT_MB
      ? `; miss: bare node is ${fmt(raw.floor.rssMb, 'MB')}; loading the bundle alone reaches ${fmt(deployStart, 'MB')} (at its first request)`
      : '';
  rows.push({
    section: S,
    name: 'peak memory: deploy action, single-service deploy',
    value: d?.exitCode === 0 ? d.peakRssMb : null,
    unit: 'MB',
    goal: { kind: 'max', limit: PEAK_RSS_LIMIT_MB },
    target: `≤ ${PEAK_RSS_LIMIT_MB} MB RSS`,
    note: !d
      ? 'actions/deploy/dist absent: skipped'
      : d.exitCode === 0
        ? `peak RSS over a whole deploy (${fmt(d.wallMs / 1000, 's')}), median of ${d.samples.length}${memoryMiss}`
        : `the deploy did not succeed (exit ${d.exitCode}): ${(d.outputTail ?? '').trim().split('\n').pop()}`,
  });
  return rows;
}

/**
 * The SDK v3 ECS client alone making the stand-in's first call, bundled as our actions are: what any
 * action calling ECS pays before its own code, set against the 0.5× target.
 */
function sdkFloorRow(S: string, prefix: string, m: StartMedians, anchor: number | null): Figure {
  return {
    section: S,
    name: `${prefix}: the ECS client alone (esbuild, its first call)`,
    value: m.ms,
    unit: 'ms',
    goal: { kind: 'info' },
    target: 'same rounds',
    note: `bench/anchor-standin/sdk-floor.mjs; ${fmt(ratio(m.ms, anchor), '×')} the stand-in; CPU ${fmt(m.cpuMs, 'ms')}, ${fmt(m.rssMb, 'MB')} RSS`,
  };
}

/** When the SDK's ECS client alone already starts slower than the limit, no action calling ECS can meet it. */
function sdkFloorOver(sdkFloor: StartMedians | undefined, limit: number | null): string {
  if (!sdkFloor?.ms || limit === null || sdkFloor.ms <= limit) return '';
  return `; the ECS client alone (SDK floor) already takes ${fmt(sdkFloor.ms, 'ms')}`;
}

/** The same cold starts under Node 24 (the actions' declared runtime), against its own stand-in. */
function node24Rows(S: string, n: OtherNodeStarts): Figure[] {
  const anchor = n.standIn.ms;
  const limit = anchor !== null ? anchor * COLD_START_RATIO : null;
  const rows: Figure[] = [
    {
      section: S,
      name: `cold start on ${n.version}: anchor stand-in`,
      value: anchor,
      unit: 'ms',
      goal: { kind: 'info' },
      target: 'same rounds',
      note: `CPU ${fmt(n.standIn.cpuMs, 'ms')}; bare node + one request: ${fmt(n.floor.ms, 'ms')} (CPU ${fmt(n.floor.cpuMs, 'ms')})`,
    },
    ...(n.sdkFloor ? [sdkFloorRow(S, `cold start floor on ${n.version}`, n.sdkFloor, anchor)] : []),
  ];
  for (const [action, m] of Object.entries(n.actions)) {
    rows.push({
      section: S,
      name: `cold start on ${n.version}: ${action}`,
      value: m.ms,
      unit: 'ms',
      goal: limit !== null ? { kind: 'max', limit } : { kind: 'info' },
      target: limit !== null ? `≤ ${COLD_START_RATIO}× stand-in (${fmt(limit, 'ms')})` : '≤ 0.5× stand-in',
      note: `same interleaved rounds as Node 20; ${fmt(ratio(m.ms, anchor), '×')} the stand-in; CPU ${fmt(m.cpuMs, 'ms')}${m.ms !== null && limit !== null && m.ms > limit ? sdkFloorOver(n.sdkFloor, limit) : ''}`,
    });
  }
  return rows;
}

export function buildFigures(raw: BuildFigures): Figure[] {
  const S = 'build';
  if ('skipped' in raw) {
    return [
      {
        section: S,
        name: 'one-service change in a 5-service repo',
        value: null,
        unit: '',
        goal: { kind: 'max', limit: 1 },
        target: '1 image built and pushed',
        note: `skipped: ${raw.skipped}`,
      },
    ];
  }
  const [full, one] = raw.rounds;
  const kB = (b: number) => b / 1000;
  return [
    {
      section: S,
      name: 'full release: images built / pushed',
      value: full.built,
      unit: '',
      goal: { kind: 'info' },
      target: '5 services',
      note: `${full.pushed} pushed, ${fmt(kB(full.bytesPushed), 'kB')} to the registry, ${fmt(full.wallMs / 1000, 's')}`,
    },
    {
      section: S,
      name: 'one-service change: images built',
      value: one.built,
      unit: '',
      goal: { kind: 'max', limit: 1 },
      target: '1',
      note: `${one.reused} reused (content already in the registry)`,
    },
    {
      section: S,
      name: 'one-service change: images pushed',
      value: one.pushed,
      unit: '',
      goal: { kind: 'max', limit: 1 },
      target: '1',
      note: `${one.putImage} PutImage calls (re-tags of the unchanged + the new image)`,
    },
    {
      section: S,
      name: 'one-service change: bytes moved re-tagging the unchanged',
      value: one.bytesRetagging,
      unit: 'B',
      goal: { kind: 'max', limit: 0 },
      target: '0 bytes',
      note: `registry blob bytes received and served during the build step in the repositories of the ${one.reused} re-tagged images (BatchGetImage + PutImage only); the changed service's layer cache moved ${fmt(one.bytesCache / 1000, 'kB')} in its own repository`,
    },
    {
      section: S,
      name: 'one-service change: bytes pushed',
      value: kB(one.bytesPushed),
      unit: 'kB',
      goal: { kind: 'info' },
      target: 'same run',
      note: `${fmt((100 * one.bytesPushed) / full.bytesPushed, '%')} of the full release; ${fmt(one.wallMs / 1000, 's')} vs ${fmt(full.wallMs / 1000, 's')}`,
    },
  ];
}

export function emulatorFigures(e: EmulatorFigures): Figure[] {
  const S = 'emulator';
  const rows: Figure[] = e.loads.map((l) => ({
    section: S,
    name: `calls/s, ${l.mix}, 8 in flight`,
    value: l.callsPerSecond,
    unit: '/s',
    goal: { kind: 'min', limit: 500 },
    target: '≥ 500/s on 2 cores',
    note:
      `from ${l.loadProcesses} SDK client processes; the emulator kept ${fmt(l.emulatorCpu)} cores busy, ` +
      `${fmt(l.callsPerEmulatorCpuSecond)} calls per emulator CPU-second; ${l.errors} errors` +
      (l.callsPerSecond < 500 && l.emulatorCpu < 0.9
        ? '; miss: the load side (SDK signing and parsing) or other load on the machine is the limit, not the emulator'
        : ''),
  }));
  rows.push({
    section: S,
    name: `memory with ${e.services} services (peak, after the load)`,
    value: e.rssPeakMb,
    unit: 'MB',
    goal: { kind: 'max', limit: 200 },
    target: '≤ 200 MB',
    note: `${fmt(e.rssIdleMb, 'MB')} once seeded; process run through tsx (its TypeScript loader included)`,
  });
  return rows;
}

export function followFigures(raw: FollowMeasures): Figure[] {
  const rows: Figure[] = [];
  const S = 'following';
  for (const r of raw.releases) {
    const worst = Math.max(...r.latencySeconds);
    const what = `${r.services} service${r.services === 1 ? '' : 's'}${r.starved ? ', process starved of CPU' : ''}`;
    rows.push(
      {
        section: S,
        name: `${what}: API calls for the whole release`,
        value: r.calls,
        unit: '',
        goal: { kind: 'info' },
        target: 'same run',
        note: `${r.describeServices} DescribeServices for ${r.polls} polls (${fmt(r.calls / r.services)} calls per service); ${r.succeeded}/${r.services} succeeded`,
      },
      {
        section: S,
        name: `${what}: outcome latency, worst service`,
        value: worst,
        unit: 's',
        goal: { kind: 'max', limit: 2 },
        target: '≤ 2 s',
        note: `emulated, deployment finishedAt → that service's outcome reported; median ${fmt(median(r.latencySeconds), 's')}`,
      },
    );
  }
  const scenarios = [...new Set(raw.windows.map((w) => w.scenario))];
  for (const scenario of scenarios) {
    for (const error of [...new Set(raw.windows.map((w) => w.error))]) {
      const ws = raw.windows.filter((w) => w.scenario === scenario && w.error === error);
      if (ws.length === 0) continue;
      const worst = Math.max(...ws.map((w) => w.latencySeconds));
      const failed = ws.filter((w) => w.outcome !== 'succeeded');
      rows.push({
        section: S,
        name: `${scenario}: ${error} windows of ${ws.map((w) => w.times).join('/')}, outcome after AWS answers again`,
        value: failed.length > 0 ? null : worst,
        unit: 's',
        goal: { kind: 'max', limit: 2 },
        target: '≤ 2 s, success',
        note:
          failed.length > 0
            ? `not succeeded: ${failed.map((w) => `${w.times}: ${w.outcome}`).join('; ')}`
            : `calls during each window ${ws.map((w) => `${w.callsDuringWindow} (${w.faulted} refused)`).join(' / ')}; latency ${ws.map((w) => fmt(w.latencySeconds, 's')).join(' / ')}`,
      });
    }
  }
  return rows;
}

export function cacheFigures(raw: CacheFigures): Figure[] {
  const S = 'cache';
  if ('skipped' in raw) {
    return [
      {
        section: S,
        name: 'one-line change, fresh engine: cached rebuild / cold build',
        value: null,
        unit: '',
        goal: { kind: 'max', limit: 0.3 },
        target: '≤ 0.30',
        note: `skipped: ${raw.skipped}`,
      },
    ];
  }
  const { cold, cached } = raw;
  return [
    {
      section: S,
      name: 'auth: cold build on an empty engine',
      value: cold.seconds,
      unit: 's',
      goal: { kind: 'info' },
      target: 'reference',
      note:
        `${cold.misses} instructions ran, npm ci from the npm registry included (${cold.npmCiSeconds.map((x) => fmt(x, 's')).join(' and ')}, side by side); ` +
        `then ${fmt(cold.exportSeconds, 's')} to save the cache (mode max) to ECR, most of it the base image's layers, pushed once per repository`,
    },
    {
      section: S,
      name: 'auth: one-line change on a fresh engine, registry cache',
      value: cached.seconds,
      unit: 's',
      goal: { kind: 'info' },
      target: 'reference',
      note:
        `${cached.hits} cache hits, ${cached.misses} ran: ${cached.ran.join(' · ')}; ` +
        `with the cache saves, the whole step took ${fmt(cached.seconds + cached.exportSeconds, 's')} vs ${fmt(cold.seconds + cold.exportSeconds, 's')} cold`,
    },
    {
      section: S,
      name: 'cached rebuild / cold build',
      value: Math.round((cached.seconds / cold.seconds) * 100) / 100,
      unit: '×',
      goal: { kind: 'max', limit: 0.3 },
      target: '≤ 0.30',
      note: `median of ${raw.ratios.length} cold + cached pairs in one run (${raw.ratios.map((r) => fmt(r)).join(', ')}); each pair on a dockerd of its own, wiped before each build, and a new registry`,
    },
    {
      section: S,
      name: 'floor: a BuildKit build with nothing to fetch (FROM the base, COPY one file, RUN one command)',
      value: raw.floorSeconds,
      unit: 's',
      goal: { kind: 'info' },
      target: 'reference',
      note:
        `${fmt(raw.floorSeconds / cold.seconds)}× the cold build: what any rebuild that runs a compile pays; ` +
        `≤ 0.30 would need the cached rebuild in ${fmt(0.3 * cold.seconds, 's')}, ${fmt((0.3 * cold.seconds) / raw.floorSeconds)}× this floor (median of one per pair, on the empty engine)`,
    },
    {
      section: S,
      name: 'npm ci re-run with an unchanged lockfile',
      value: raw.npmCiReran ? 1 : 0,
      unit: '',
      goal: { kind: 'max', limit: 0 },
      target: 'never',
    },
  ];
}
