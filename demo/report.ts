// The demo's report: a markdown page and an HTML page with a timeline of every deployment, built from
// the deployment records the deploy and rollback steps wrote.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ServiceResult } from '../shared/src/deploy/types.js';
import { markdownTable } from '../shared/src/report/markdown-table.js';

export interface Phase {
  title: string;
  /** What the demo expected: a broken release is expected to fail. */
  expect: 'success' | 'failure';
  ok: boolean;
  seconds: number;
  services: ServiceResult[];
  note?: string;
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
const revision = (arn?: string) => (arn ? arn.slice(arn.lastIndexOf('/') + 1) : '—');

export function summaryRows(phases: Phase[]): string[][] {
  return phases.flatMap((p) =>
    p.services.map((s) => [
      p.title,
      s.name,
      s.strategy,
      `${revision(s.previousTaskDefinition)} → ${revision(s.taskDefinition)}`,
      s.outcome,
      s.reason,
    ]),
  );
}

export const SUMMARY_HEADER = ['phase', 'service', 'strategy', 'revision', 'outcome', 'reason'];

export function markdownReport(phases: Phase[], totalSeconds: number): string {
  const steps = phases.map((p) => [
    p.title,
    p.expect,
    p.ok ? 'as expected' : 'NOT as expected',
    `${p.seconds.toFixed(1)} s`,
    p.note ?? '',
  ]);
  return [
    '# Cendence demo report',
    '',
    `Whole run: ${totalSeconds.toFixed(1)} s. Every phase ran the same steps a pipeline runs, against the local AWS emulator.`,
    '',
    '## Phases',
    '',
    markdownTable(['phase', 'expected', 'observed', 'time', 'note'], steps),
    '',
    '## Deployments',
    '',
    markdownTable(SUMMARY_HEADER, summaryRows(phases)),
    '',
  ].join('\n');
}

/** One row per service deployment, bars placed on a shared time axis. */
export function htmlReport(phases: Phase[], totalSeconds: number): string {
  const all = phases.flatMap((p) => p.services.map((s) => ({ phase: p.title, s })));
  const t0 = Math.min(...all.map(({ s }) => Date.parse(s.startedAt)));
  const t1 = Math.max(...all.map(({ s }) => Date.parse(s.finishedAt)));
  const span = Math.max(1, t1 - t0);
  const rowH = 26;
  const left = 260;
  const width = 900;
  const bars = all
    .map(({ phase, s }, n) => {
      const x = left + ((Date.parse(s.startedAt) - t0) / span) * (width - left - 20);
      const w = Math.max(
        3,
        ((Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / span) * (width - left - 20),
      );
      const color =
        s.outcome === 'succeeded' ? '#2e7d32' : s.outcome === 'stage-reached' ? '#1565c0' : '#c62828';
      const y = 30 + n * rowH;
      const secs = ((Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000).toFixed(1);
      return `<text x="8" y="${y + 16}">${esc(`${phase} · ${s.name}`)}</text><rect x="${x.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="16" fill="${color}"><title>${esc(`${s.name}: ${s.outcome} — ${s.reason} (${secs} s)`)}</title></rect>`;
    })
    .join('\n');
  const height = 40 + all.length * rowH;
  // A time axis: ticks every fifth of the span, in seconds since the first deployment started.
  const ticks = [0, 1, 2, 3, 4, 5]
    .map((k) => {
      const x = left + (k / 5) * (width - left - 20);
      return `<line x1="${x.toFixed(1)}" y1="18" x2="${x.toFixed(1)}" y2="${height}" stroke="#ddd"/><text x="${x.toFixed(1)}" y="14" text-anchor="middle">${(((k / 5) * span) / 1000).toFixed(0)} s</text>`;
    })
    .join('');
  const rows = summaryRows(phases)
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cendence demo report</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}svg text{font:12px system-ui,sans-serif}</style>
</head><body>
<h1>Cendence demo report</h1>
<p>Whole run: ${totalSeconds.toFixed(1)} s, against the local AWS emulator. Green: succeeded; red: failed or rolled back (hover for the reason).</p>
<h2>Timeline</h2>
<svg width="${width}" height="${height}" role="img" aria-label="deployment timeline">${ticks}${bars}</svg>
<h2>Deployments</h2>
<table><tr>${SUMMARY_HEADER.map((h) => `<th>${h}</th>`).join('')}</tr>
${rows}
</table>
</body></html>
`;
}

export async function writeReports(dir: string, phases: Phase[], totalSeconds: number): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const md = path.join(dir, 'report.md');
  const html = path.join(dir, 'report.html');
  await writeFile(md, markdownReport(phases, totalSeconds));
  await writeFile(html, htmlReport(phases, totalSeconds));
  return [md, html];
}
