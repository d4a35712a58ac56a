// The demo's report: a markdown page and an HTML page with a timeline of the whole pipeline (build, test
// and push steps, then every deployment), built from the phases the demo ran and the deployment records
// and diagnoses the steps wrote. Every failure shows its cause inline: exit code, the error line, and
// the log tail of every stopped task.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnosis } from '../shared/src/deploy/diagnose.js';
import { isFailure, type ServiceResult } from '../shared/src/deploy/types.js';
import { markdownTable } from '../shared/src/report/markdown-table.js';
import { fenced } from '../shared/src/runner/untrusted.js';
import { type PlayReport, playReportMarkdown } from '../test/browser/play.js';

/** A step of a phase that is not a deployment (build, test, push), timed on the wall clock. */
export interface StepTiming {
  name: string;
  startedAt: string;
  finishedAt: string;
  ok: boolean;
}

export interface Phase {
  title: string;
  /** What the demo expected: a broken release is expected to fail. */
  expect: 'success' | 'failure';
  ok: boolean;
  seconds: number;
  services: ServiceResult[];
  steps?: StepTiming[];
  note?: string;
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
const revision = (arn?: string) => (arn ? arn.slice(arn.lastIndexOf('/') + 1) : '—');

/** What the system did while it served: the browser's game, and the load through each deployment. */
export interface Served {
  appUrl?: string;
  play?: PlayReport;
  /** One row per deployment measured under load (see zero-downtime.ts). */
  load?: LoadRow[];
}

export interface LoadRow {
  deployment: string;
  url: string;
  requests: number;
  non2xx: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** Share of the requests answered by the new (or broken) revision, when known. */
  newRevisionShare?: number;
  /** Which revision the share is of, e.g. "broken game:7". */
  revisionLabel?: string;
}

export const LOAD_HEADER = [
  'deployment',
  'through',
  'requests',
  'non-2xx',
  'connection errors',
  'p50',
  'p99',
  'share reaching the new revision',
];

export function loadRows(rows: LoadRow[]): string[][] {
  return rows.map((r) => [
    r.deployment,
    r.url,
    String(r.requests),
    String(r.non2xx),
    String(r.errors),
    `${r.p50Ms.toFixed(0)} ms`,
    `${r.p99Ms.toFixed(0)} ms`,
    r.newRevisionShare === undefined
      ? '—'
      : `${(r.newRevisionShare * 100).toFixed(1)} %${r.revisionLabel ? ` (${r.revisionLabel})` : ''}`,
  ]);
}

/** The markdown section for what the system served (empty when nothing was served). */
export function servedMarkdown(served: Served, dir: string): string[] {
  const lines: string[] = [];
  if (served.appUrl)
    lines.push(
      '## The system served',
      '',
      `Real containers of the five services behind the emulator's load balancer at ${served.appUrl}, ` +
        'with a real PostgreSQL behind the RDS endpoint.',
      '',
    );
  if (served.load?.length)
    lines.push(
      '### Zero downtime, measured',
      '',
      'Requests sent through the load balancer while each deployment ran (bounded load, loopback only).',
      '',
      markdownTable(LOAD_HEADER, loadRows(served.load)),
      '',
    );
  if (served.play)
    lines.push(
      '### A browser played a game through the load balancer',
      '',
      playReportMarkdown(served.play, dir),
      '',
    );
  return lines;
}

/** Diagnoses by service name and deployment, read from the files the deploy step saved. */
export type Diagnoses = Map<ServiceResult, Diagnosis>;

export async function loadDiagnoses(phases: Phase[]): Promise<Diagnoses> {
  const found: Diagnoses = new Map();
  for (const s of phases.flatMap((p) => p.services)) {
    const file = s.diagnosisFiles?.find((f) => f.endsWith('.json'));
    if (!file) continue;
    const d = JSON.parse(await readFile(file, 'utf8').catch(() => 'null')) as Diagnosis | null;
    if (d) found.set(s, d);
  }
  return found;
}

/** The line of a log tail that says what went wrong: the first error-looking line, else the last one. */
export function errorLine(lines: string[]): string | undefined {
  // No \b in front: TypeError, RuntimeException and KeyError count too.
  return lines.find((l) => /(error|exception|panic|fatal|traceback)\b/i.test(l)) ?? lines.at(-1);
}

/** One sentence for a failure: the exit codes of the stopped tasks and the error line of their logs. */
export function causeOf(d: Diagnosis | undefined): string | undefined {
  if (!d || d.stoppedTasks.length === 0) return undefined;
  const codes = [
    ...new Set(
      d.stoppedTasks.flatMap((t) =>
        t.containers.flatMap((c) => (c.exitCode === undefined ? [] : [c.exitCode])),
      ),
    ),
  ];
  const reasons = [...new Set(d.stoppedTasks.map((t) => t.stoppedReason).filter(Boolean))];
  const line = errorLine(d.logs.flatMap((l) => l.lines));
  return [
    `${d.stoppedTasks.length} task${d.stoppedTasks.length > 1 ? 's' : ''} stopped`,
    codes.length ? `exit code ${codes.join(', ')}` : reasons.join('; '),
    line ? `“${line.trim()}”` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

export function summaryRows(phases: Phase[], diagnoses: Diagnoses = new Map()): string[][] {
  return phases.flatMap((p) =>
    p.services.map((s) => {
      const cause = isFailure(s.outcome) ? causeOf(diagnoses.get(s)) : undefined;
      return [
        p.title,
        s.name,
        s.strategy,
        `${revision(s.previousTaskDefinition)} → ${revision(s.taskDefinition)}`,
        s.outcome,
        cause ? `${cause} (${s.reason})` : s.reason,
      ];
    }),
  );
}

export const SUMMARY_HEADER = ['phase', 'service', 'strategy', 'revision', 'outcome', 'reason'];

/** Every stopped task of every diagnosis: its exit codes, stop reason and log tail. */
function failureSections(
  diagnoses: Diagnoses,
): { title: string; facts: string[]; logs: { label: string; lines: string[] }[] }[] {
  return [...diagnoses.values()].map((d) => ({
    title: `${d.name}: ${d.reason}`,
    facts: d.stoppedTasks.map((t) =>
      `task ${t.taskId}: ${t.stopCode ?? ''} ${t.stoppedReason ?? ''} — ${t.containers
        .map((c) => `${c.name} exit ${c.exitCode ?? '–'}${c.reason ? ` (${c.reason})` : ''}`)
        .join(', ')}`.replace(/\s+/g, ' '),
    ),
    logs: d.stoppedTasks.map((t) => {
      const tails = d.logs.filter((l) => l.taskId === t.taskId);
      return {
        label: `task ${t.taskId}`,
        lines: tails.length ? tails.flatMap((l) => l.lines) : ['(no log lines: the container wrote none)'],
      };
    }),
  }));
}

/** What a report is made of: the phases, the run's wall time, the diagnoses, what was served, its folder. */
export interface ReportInput {
  phases: Phase[];
  totalSeconds: number;
  diagnoses?: Diagnoses;
  served?: Served;
  /** The report's folder: screenshots and diagnosis files are linked relative to it. */
  dir?: string;
}

export function markdownReport({
  phases,
  totalSeconds,
  diagnoses = new Map(),
  served = {},
  dir = '.',
}: ReportInput): string {
  const steps = phases.map((p) => [
    p.title,
    p.expect,
    p.ok ? 'as expected' : 'NOT as expected',
    `${p.seconds.toFixed(1)} s`,
    [
      ...(p.steps ?? []).map((s) => `${s.name} ${seconds(s).toFixed(1)} s${s.ok ? '' : ' (failed)'}`),
      p.note ?? '',
    ]
      .filter(Boolean)
      .join('; '),
  ]);
  const failures = failureSections(diagnoses).flatMap((f) => [
    `### ${f.title}`,
    '',
    ...f.facts.map((x) => `- ${x}`),
    '',
    ...f.logs.flatMap((l) => [`${l.label}:`, '', ...fenced(l.lines), '']),
  ]);
  return [
    '# Cendence demo report',
    '',
    `Whole run: ${totalSeconds.toFixed(1)} s. Every phase ran the same steps a pipeline runs, against the local AWS emulator.`,
    '',
    '## Phases',
    '',
    markdownTable(['phase', 'expected', 'observed', 'time', 'steps and notes'], steps),
    '',
    '## Deployments',
    '',
    markdownTable(SUMMARY_HEADER, summaryRows(phases, diagnoses)),
    '',
    ...servedMarkdown(served, dir),
    ...(failures.length ? ['## Failures', '', ...failures] : []),
  ].join('\n');
}

const seconds = (x: { startedAt: string; finishedAt: string }) =>
  (Date.parse(x.finishedAt) - Date.parse(x.startedAt)) / 1000;

/** Axis ticks at a round step (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10 min…) giving at most `max` intervals. */
export function axisTicks(spanSeconds: number, max = 6): number[] {
  const steps = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600];
  const step = steps.find((s) => spanSeconds / s <= max) ?? Math.ceil(spanSeconds / max / 3600) * 3600;
  const ticks: number[] = [];
  for (let t = 0; t <= spanSeconds + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/** Seconds, or minutes when the ticks are whole minutes apart: one unit along the axis. */
const tickLabel = (s: number, step: number) => (step >= 60 ? `${s / 60} min` : `${s} s`);

interface Row {
  label: string;
  startedAt: string;
  finishedAt: string;
  color: string;
  title: string;
  cause?: string;
}

/** One row per pipeline step and per service deployment, bars placed on a shared wall-time axis. */
export function htmlReport({
  phases,
  totalSeconds,
  diagnoses = new Map(),
  served = {},
  dir = '.',
}: ReportInput): string {
  const rows: Row[] = phases.flatMap((p) => [
    ...(p.steps ?? []).map((s) => ({
      label: `${p.title} · ${s.name}`,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      color: s.ok ? '#607d8b' : '#c62828',
      title: `${s.name}: ${s.ok ? 'done' : 'failed'} (${seconds(s).toFixed(1)} s)`,
    })),
    ...p.services.map((s) => {
      const cause = isFailure(s.outcome) ? causeOf(diagnoses.get(s)) : undefined;
      return {
        label: `${p.title} · ${s.name}`,
        startedAt: s.startedAt,
        finishedAt: s.finishedAt,
        color: s.outcome === 'succeeded' ? '#2e7d32' : s.outcome === 'stage-reached' ? '#1565c0' : '#c62828',
        title: `${s.name}: ${s.outcome} — ${s.reason} (${seconds(s).toFixed(1)} s)`,
        ...(cause ? { cause } : {}),
      };
    }),
  ]);
  const t0 = Math.min(...rows.map((r) => Date.parse(r.startedAt)));
  const t1 = Math.max(...rows.map((r) => Date.parse(r.finishedAt)));
  const span = Math.max(1, t1 - t0);
  const rowH = 26;
  const left = 300;
  const width = 1000;
  const plot = width - left - 20;
  const xOf = (ms: number) => left + (ms / span) * plot;
  // Wide enough for each failure's cause written beside its bar (about 7 px a character at 12 px).
  const svgWidth = Math.max(
    width,
    ...rows.map((r) => (r.cause ? xOf(Date.parse(r.finishedAt) - t0) + 12 + r.cause.length * 7 : 0)),
  );
  const bars = rows
    .map((r, n) => {
      const x = xOf(Date.parse(r.startedAt) - t0);
      const w = Math.max(3, (seconds(r) * 1000 * plot) / span);
      const y = 30 + n * rowH;
      const cause = r.cause
        ? `<text x="${(x + w + 6).toFixed(1)}" y="${y + 16}" fill="#c62828">${esc(r.cause)}</text>`
        : '';
      return `<text x="8" y="${y + 16}">${esc(r.label)}</text><rect x="${x.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="16" fill="${r.color}"><title>${esc(r.title)}</title></rect>${cause}`;
    })
    .join('\n');
  const height = 40 + rows.length * rowH;
  const tickValues = axisTicks(span / 1000);
  const step = tickValues[1] ?? 1;
  const ticks = tickValues
    .map((t) => {
      const x = xOf(t * 1000);
      return `<line x1="${x.toFixed(1)}" y1="18" x2="${x.toFixed(1)}" y2="${height}" stroke="#ddd"/><text x="${x.toFixed(1)}" y="14" text-anchor="middle">${tickLabel(t, step)}</text>`;
    })
    .join('');
  const table = summaryRows(phases, diagnoses)
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('\n');
  const failures = failureSections(diagnoses)
    .map(
      (f) =>
        `<h3>${esc(f.title)}</h3>\n<ul>${f.facts.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>\n${f.logs
          .map((l) => `<p>${esc(l.label)}</p><pre>${esc(l.lines.join('\n'))}</pre>`)
          .join('\n')}`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cendence demo report</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}svg text{font:12px system-ui,sans-serif}pre{background:#f6f6f6;padding:8px;overflow-x:auto}</style>
</head><body>
<h1>Cendence demo report</h1>
<p>Whole run: ${totalSeconds.toFixed(1)} s, against the local AWS emulator. Grey: build, test and push steps; green: deployment succeeded; red: failed or rolled back, with its cause beside the bar.</p>
<h2>Timeline</h2>
<svg width="${svgWidth.toFixed(0)}" height="${height}" role="img" aria-label="pipeline timeline">${ticks}${bars}</svg>
<h2>Deployments</h2>
<table><tr>${SUMMARY_HEADER.map((h) => `<th>${h}</th>`).join('')}</tr>
${table}
</table>
${servedHtml(served, dir)}
${failures ? `<h2>Failures</h2>\n${failures}` : ''}
</body></html>
`;
}

/** The served section as HTML: the load table, the game and its screenshots inline. */
function servedHtml(served: Served, dir: string): string {
  const parts: string[] = [];
  if (served.appUrl)
    parts.push(
      `<h2>The system served</h2>\n<p>Real containers of the five services behind the emulator's load balancer at ${esc(served.appUrl)}, with a real PostgreSQL behind the RDS endpoint.</p>`,
    );
  if (served.load?.length)
    parts.push(
      `<h3>Zero downtime, measured</h3>\n<table><tr>${LOAD_HEADER.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>\n${loadRows(
        served.load,
      )
        .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
        .join('\n')}</table>`,
    );
  const p = served.play;
  if (p)
    parts.push(
      `<h3>A browser played a game through the load balancer</h3>\n<p>${esc(p.players.join(' vs '))}: ${esc(p.score)}, <b>${esc(p.winner)}</b> won; stored result: <code>${esc(p.results[0])}</code>; transports ${esc(p.transports.join(' / '))}.</p>\n${p.screenshots
        .map(
          (f) =>
            `<img src="${esc(path.relative(dir, f))}" alt="${esc(path.basename(f, '.png'))}" width="480">`,
        )
        .join('\n')}`,
    );
  return parts.join('\n');
}

export async function writeReports(
  dir: string,
  phases: Phase[],
  totalSeconds: number,
  served: Served = {},
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const diagnoses = await loadDiagnoses(phases);
  const input: ReportInput = { phases, totalSeconds, diagnoses, served, dir };
  const md = path.join(dir, 'report.md');
  const html = path.join(dir, 'report.html');
  // The same run as data: phase times for the bench (bench/demo-cold.ts) and anyone scripting around it.
  const json = path.join(dir, 'report.json');
  await writeFile(md, markdownReport(input));
  await writeFile(html, htmlReport(input));
  await writeFile(json, `${JSON.stringify({ totalSeconds, phases, load: served.load ?? [] }, null, 2)}\n`);
  return [md, html, json];
}
