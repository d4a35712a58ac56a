// The demo report (issue 16 item 20): the whole pipeline on the timeline, the cause of every failure
// inline, every stopped task's log tail, and round axis ticks. The failure comes from a real deploy
// against the emulator, so the report reads the diagnosis the deploy step actually saved.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  axisTicks,
  htmlReport,
  loadDiagnoses,
  loadRows,
  markdownReport,
  type Phase,
  servedMarkdown,
} from '../demo/report.js';
import { type DeployWorld, deployWorld, imagesInput, rollingService } from '../harness/deploy-world.js';
import { runStep } from '../harness/render-world.js';
import type { DeployResult } from '../shared/src/steps/deploy.js';
import { makeDeployStep } from '../shared/src/steps/deploy.js';

describe('demo report', () => {
  let w: DeployWorld;
  let phases: Phase[];
  beforeAll(async () => {
    w = await deployWorld([rollingService('game')]);
    w.emu.behavior({
      image: '*game:broken',
      behavior: 'crash',
      exitCode: 1,
      logLines: [
        'game listening on :3000',
        'TypeError: Cannot read properties of undefined (reading "paddle")',
        '    at tick (dist/game.js:42:17)',
      ],
    });
    const run = await runStep(
      makeDeployStep(w.time),
      { ...w.awsInputs, images: imagesInput(w.emu, { game: 'broken' }) },
      { cwd: w.root },
    );
    expect(run.exitCode).toBe(1);
    const services = (run.error?.details as DeployResult | undefined)?.services ?? [];
    const at = (s: number) => new Date(Date.parse(services[0].startedAt) - s * 1000).toISOString();
    phases = [
      {
        title: 'build, test, push',
        expect: 'success',
        ok: true,
        seconds: 30,
        services: [],
        steps: [
          { name: 'build', startedAt: at(30), finishedAt: at(20), ok: true },
          { name: 'test', startedAt: at(20), finishedAt: at(12), ok: true },
          { name: 'push', startedAt: at(12), finishedAt: at(5), ok: true },
        ],
      },
      { title: 'release 2', expect: 'failure', ok: true, seconds: 60, services },
    ];
  });
  afterAll(async () => w.stop());

  it('shows build, test and push on the timeline with the deployments', () => {
    const html = htmlReport({ phases, totalSeconds: 100 });
    for (const step of ['build', 'test', 'push'])
      expect(html).toContain(`build, test, push · ${step}</text>`);
    expect(html).toContain('release 2 · game</text>');
  });

  it('puts the cause of the failure inline: exit code and the error line, not an ARN', async () => {
    const diagnoses = await loadDiagnoses(phases);
    expect(diagnoses.size).toBe(1);
    const html = htmlReport({ phases, totalSeconds: 100, diagnoses });
    const md = markdownReport({ phases, totalSeconds: 100, diagnoses });
    // The cause sits in the deployment's own row, beside its outcome.
    const row = md.split('\n').find((l) => l.includes('| game | rolling |'));
    expect(row).toMatch(/rolled-back \| \d+ tasks stopped, exit code 1, “TypeError: .*paddle/);
    expect(html).toMatch(/<text [^>]*fill="#c62828">\d+ tasks stopped, exit code 1, “TypeError/);
    // The cause fits inside the drawing, not cut at its edge.
    const svgWidth = Number(/<svg width="(\d+)"/.exec(html)?.[1]);
    const [, x, text] = /<text x="([\d.]+)" y="\d+" fill="#c62828">([^<]*)</.exec(html) ?? [];
    const shown = text.replace(/&(quot|amp|lt|gt);/g, '"');
    expect(Number(x) + shown.length * 7).toBeLessThanOrEqual(svgWidth);
    expect(html).toContain('TypeError: Cannot read properties of undefined (reading &quot;paddle&quot;)');
    expect(md).toContain('TypeError: Cannot read properties of undefined (reading "paddle")');
  });

  it('shows the log tail of every stopped task the diagnosis lists', async () => {
    const diagnoses = await loadDiagnoses(phases);
    const d = [...diagnoses.values()][0];
    expect(d.stoppedTasks.length).toBeGreaterThan(3);
    const md = markdownReport({ phases, totalSeconds: 100, diagnoses });
    for (const t of d.stoppedTasks) {
      expect(md).toContain(`task ${t.taskId}:\n\n\`\`\`\ngame listening on :3000`);
    }
  });

  it('labels the time axis at round steps', () => {
    expect(axisTicks(26)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(axisTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(axisTicks(610)).toEqual([0, 120, 240, 360, 480, 600]);
    for (const span of [3, 26, 95, 410, 3000]) expect(axisTicks(span).length).toBeLessThanOrEqual(7);
  });
});

describe('demo report: what the system served', () => {
  it('lists each deployment measured under load, the share reaching the new revision only where counted', () => {
    const load = [
      {
        deployment: 'auth, rolling',
        url: '/api/auth/health',
        requests: 1654,
        non2xx: 3,
        errors: 0,
        p50Ms: 28,
        p99Ms: 294,
      },
      {
        deployment: 'frontend, blue/green',
        url: '/',
        requests: 992,
        non2xx: 0,
        errors: 0,
        p50Ms: 46.4,
        p99Ms: 692,
        newRevisionShare: 0.703,
        revisionLabel: 'web:3',
      },
    ];
    expect(loadRows(load)).toEqual([
      ['auth, rolling', '/api/auth/health', '1654', '3', '0', '28 ms', '294 ms', '—'],
      ['frontend, blue/green', '/', '992', '0', '0', '46 ms', '692 ms', '70.3 % (web:3)'],
    ]);
    const md = servedMarkdown({ appUrl: 'http://127.0.0.1:1234', load }, '/tmp/demo').join('\n');
    expect(md).toContain('http://127.0.0.1:1234');
    expect(md).toContain('| frontend, blue/green | / | 992 | 0 | 0 | 46 ms | 692 ms | 70.3 % (web:3) |');
    expect(servedMarkdown({}, '/tmp/demo')).toEqual([]);
  });
});
