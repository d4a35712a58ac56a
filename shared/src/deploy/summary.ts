// One table for a release (or a rollback): a row per service with its outcome, revisions, deployment
// and time — as markdown for the job summary and as aligned text for the log. Pure.
import { isFailure, type ServiceResult } from './types.js';

const ICON: Record<string, string> = {
  succeeded: '✅',
  'stage-reached': '⏸️',
  restored: '↩️',
  skipped: '⏭️',
};

const revision = (arn?: string) => (arn ? (arn.split('/').pop() ?? arn) : '–');

const seconds = (r: ServiceResult) =>
  `${Math.round((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000)} s`;

export function releaseSummary(
  verb: 'deploy' | 'rollback',
  results: ServiceResult[],
): { markdown: string; text: string } {
  const rows = results.map((r) => ({
    service: r.name,
    strategy: r.strategy,
    outcome: r.outcome,
    change: `${revision(r.previousTaskDefinition)} → ${revision(r.taskDefinition)}`,
    deployment: r.codedeployDeploymentId ?? r.deploymentId ?? '–',
    time: seconds(r),
    note: [r.reason, r.afterwards].filter(Boolean).join('; '),
  }));
  const failed = results.filter((r) => isFailure(r.outcome));
  const title = `cendence ${verb}: ${failed.length === 0 ? 'succeeded' : `${failed.length} of ${results.length} failed`}`;
  const md = [
    `## ${title}`,
    '',
    '| service | strategy | outcome | task definition | deployment | time | note |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.service} | ${r.strategy} | ${ICON[r.outcome] ?? '❌'} ${r.outcome} | ${r.change} | \`${r.deployment}\` | ${r.time} | ${r.note.replace(/\|/g, '\\|')} |`,
    ),
    '',
  ].join('\n');
  const cols = ['service', 'outcome', 'change', 'deployment', 'time'] as const;
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...rows.map((r) => r[c].length))]));
  const line = (r: Record<(typeof cols)[number], string>) =>
    cols.map((c) => r[c].padEnd(width[c])).join('  ');
  const header = {
    service: 'service',
    outcome: 'outcome',
    change: 'change',
    deployment: 'deployment',
    time: 'time',
  };
  const text = [
    title,
    line(header),
    ...rows.map((r) => `${line(r)}${r.outcome === 'succeeded' ? '' : `  ${r.note}`}`),
  ].join('\n');
  return { markdown: md, text };
}
