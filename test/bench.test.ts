// The pure parts of `npm run bench`: how a figure is judged against its target, how the table reads,
// and how raw measurements become figures (the waiter's wrong outcome counted, a miss explained).
import { describe, expect, it } from '@jest/globals';
import { demoColdFigures } from '../bench/demo-cold.js';
import { type Figure, formatValue, median, ratio, tally, textTable, verdict } from '../bench/figures.js';
import type { LatencyTrial } from '../bench/latency.js';
import { buildFigures, bundleFigures, latencyFigures, releaseFigures } from '../bench/report.js';

const fig = (value: number | null, goal: Figure['goal']): Figure => ({
  section: 's',
  name: 'n',
  value,
  unit: 's',
  goal,
  target: 't',
});

describe('bench figures', () => {
  it('judges a value against a max or min target, and leaves context rows without a verdict', () => {
    expect(verdict(fig(2, { kind: 'max', limit: 2 }))).toBe('pass');
    expect(verdict(fig(2.01, { kind: 'max', limit: 2 }))).toBe('miss');
    expect(verdict(fig(499, { kind: 'min', limit: 500 }))).toBe('miss');
    expect(verdict(fig(null, { kind: 'max', limit: 2 }))).toBe('n/a');
    expect(verdict(fig(5, { kind: 'info' }))).toBe('');
    expect(
      tally([
        fig(1, { kind: 'max', limit: 2 }),
        fig(3, { kind: 'max', limit: 2 }),
        fig(null, { kind: 'min', limit: 1 }),
      ]),
    ).toEqual({
      pass: 1,
      miss: 1,
      na: 1,
    });
  });

  it('computes medians and ratios, and formats values with their unit', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(ratio(30, 20)).toBe(1.5);
    expect(ratio(1, 0)).toBeNull();
    expect(formatValue(1.07, '×')).toBe('1.07×');
    expect(formatValue(245.6, 'ms')).toBe('246 ms');
    expect(formatValue(null, 'ms')).toBe('—');
  });

  it('prints an aligned table with the verdict column', () => {
    const text = textTable([
      { ...fig(0.5, { kind: 'max', limit: 2 }), name: 'latency', target: '≤ 2 s' },
      { ...fig(13, { kind: 'max', limit: 6 }), name: 'calls', unit: '', target: '≤ 6', note: 'why' },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^section +figure +measured +target +result +note$/);
    expect(lines[1]).toMatch(/latency +0\.5 s +≤ 2 s +pass$/);
    expect(lines[2]).toMatch(/calls +13 +≤ 6 +miss +why$/);
  });
});

describe('bench report', () => {
  const trial = (
    t: Partial<LatencyTrial> & Pick<LatencyTrial, 'tool' | 'rollout' | 'reported'>,
  ): LatencyTrial => ({
    emulatedSeconds: 1,
    wallMs: 20,
    calls: { DescribeServices: 4 },
    totalCalls: 6,
    ...t,
  });

  it('counts a waiter that says success after a rollback as a wrong outcome, and judges calls against the waiter', () => {
    const figures = latencyFigures([
      trial({ tool: 'cendence', rollout: 'completed', reported: 'succeeded', totalCalls: 13 }),
      trial({ tool: 'waiter', rollout: 'completed', reported: 'success', emulatedSeconds: 18 }),
      trial({ tool: 'cendence', rollout: 'failed', reported: 'rolled-back' }),
      trial({ tool: 'waiter', rollout: 'failed', reported: 'success', emulatedSeconds: 50 }),
    ]);
    const by = (name: string) => figures.find((f) => f.name === name) as Figure;
    expect(by('COMPLETED → reported, deploy step').value).toBeCloseTo(1.02);
    expect(verdict(by('COMPLETED → reported, deploy step'))).toBe('pass');
    expect(by('wrong outcomes reported, deploy step').value).toBe(0);
    expect(by('wrong outcomes reported, waiter-based anchor').value).toBe(1);
    const calls = by('API calls, single-service rolling deploy, deploy step');
    expect(calls.target).toBe("≤ the waiter tool's 6");
    expect(verdict(calls)).toBe('miss');
    expect(calls.note).toContain('miss: it polls');
  });

  it('judges the 24-service release against one service and sums throttling across releases', () => {
    const figures = releaseFigures([
      { services: 1, wallMs: 20_000, calls: 13, throttled: 0, throttlingSurfaced: 0, notSucceeded: 0 },
      { services: 24, wallMs: 26_000, calls: 300, throttled: 12, throttlingSurfaced: 0, notSucceeded: 0 },
    ]);
    const scale = figures.find((f) => f.name === '24 vs 1 service: wall time') as Figure;
    expect(scale.value).toBeCloseTo(1.3);
    expect(verdict(scale)).toBe('pass');
    const surfaced = figures.find((f) => f.name === 'throttling errors surfaced to the user') as Figure;
    expect(surfaced.value).toBe(0);
    expect(surfaced.note).toContain('12 calls were throttled and retried');
  });

  it('reports a skipped build section as not measured, with the reason', () => {
    const [row] = buildFigures({ skipped: 'docker is not available: no daemon' });
    expect(verdict(row)).toBe('n/a');
    expect(row.note).toBe('skipped: docker is not available: no daemon');
  });

  it('judges bundles by their own targets with their largest parts, and cold starts against the stand-in', () => {
    const figures = bundleFigures({
      floor: { ms: 29, cpuMs: 10, rssMb: 41 },
      standIn: { ms: 120, cpuMs: 110, rssMb: 60, bytes: 1_100_000 },
      bundles: [
        {
          action: 'deploy',
          bytes: 950_000,
          startBytes: 500_000,
          top: 'yaml 115 kB, @smithy/core 126 kB',
          coldStartMs: 70,
          coldStartCpuMs: 60,
          startRssMb: 50,
          sdkClients: ['ecr', 'ecs'],
        },
        { action: 'run-task', bytes: 700_000, coldStartMs: 55, coldStartCpuMs: 40, sdkClients: ['ecs'] },
        { action: 'test', bytes: 450_000, coldStartMs: null, sdkClients: [], note: 'makes no AWS call' },
        { action: 'plan', bytes: 520_000, coldStartMs: null, sdkClients: [], note: 'makes no AWS call' },
      ],
      deployRun: { peakRssMb: 72, samples: [72, 71, 73], exitCode: 0, wallMs: 3000 },
    });
    const by = (name: string) => figures.find((f) => f.name === name) as Figure;
    expect(verdict(by('bundle size: deploy'))).toBe('miss');
    expect(by('bundle size: deploy').note).toBe(
      '0.5 MB loaded at start; largest: yaml 115 kB, @smithy/core 126 kB',
    );
    expect(verdict(by('bundle size: run-task'))).toBe('pass');
    expect(verdict(by('bundle size: test'))).toBe('pass');
    expect(verdict(by('bundle size: plan'))).toBe('miss');
    // 0.5 × the stand-in's 120 ms is 60 ms.
    expect(verdict(by('cold start: deploy'))).toBe('miss');
    expect(by('cold start: deploy').note).toContain('miss: it needs 60 ms of CPU (bare node 10 ms)');
    expect(by('cold start: deploy').note).not.toContain('SDK floor');
    expect(verdict(by('cold start: run-task'))).toBe('pass');
    expect(figures.find((f) => f.name === 'cold start: test')).toBeUndefined();
    expect(verdict(by('peak memory: deploy action, single-service deploy'))).toBe('miss');
  });

  it('says when the ECS client alone already starts slower than the cold start limit', () => {
    const deploy = {
      action: 'deploy',
      bytes: 800_000,
      coldStartMs: 90,
      coldStartCpuMs: 80,
      sdkClients: ['ecs'],
    };
    const figures = bundleFigures({
      floor: { ms: 40, cpuMs: 30, rssMb: 41 },
      sdkFloor: { ms: 70, cpuMs: 60, rssMb: 49 },
      standIn: { ms: 120, cpuMs: 110, rssMb: 60, bytes: 1_100_000 },
      bundles: [deploy],
      node24: {
        version: 'v24.0.0',
        floor: { ms: 40, cpuMs: 30, rssMb: 41 },
        sdkFloor: { ms: 50, cpuMs: 40, rssMb: 49 },
        standIn: { ms: 110, cpuMs: 100, rssMb: 60 },
        actions: { deploy: { ms: 80, cpuMs: 70, rssMb: 50 } },
      },
      deployRun: null,
    });
    const by = (name: string) => figures.find((f) => f.name === name) as Figure;
    // Node 20: limit 60 ms, the SDK floor 70 ms is over it; Node 24: limit 55 ms, the floor 50 ms is not.
    expect(by('cold start: deploy').note).toContain('the ECS client alone (SDK floor) already takes 70 ms');
    expect(verdict(by('cold start on v24.0.0: deploy'))).toBe('miss');
    expect(by('cold start on v24.0.0: deploy').note).not.toContain('SDK floor');
  });
});

describe('bench demo section', () => {
  it('judges the cold demo against 4 minutes, names its phases, and never passes a failed or skipped run', () => {
    const ok = demoColdFigures({
      exitCode: 0,
      seconds: 231.4,
      phases: [
        { title: 'build, test, push', seconds: 120.2 },
        { title: 'release 1: all services', seconds: 60 },
      ],
    });
    expect(ok).toHaveLength(1);
    expect(ok[0].value).toBe(231);
    expect(verdict(ok[0])).toBe('pass');
    expect(ok[0].note).toContain('build, test, push 120 s · release 1: all services 60 s');
    expect(verdict(demoColdFigures({ exitCode: 0, seconds: 300 })[0])).toBe('miss');
    const failed = demoColdFigures({ exitCode: 1, seconds: 100, tail: 'a\nb\ndemo failed: timeout' })[0];
    expect(failed.value).toBeNull();
    expect(verdict(failed)).toBe('n/a');
    expect(failed.note).toContain('demo failed: timeout');
    expect(demoColdFigures({ skipped: 'no dockerd' })[0].note).toBe('not measured: no dockerd');
  });
});
