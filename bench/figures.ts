// The benchmark's figures: one row per measured value, judged against its DESIGN.md target, and the
// table (terminal and RESULTS.md) built from them. Pure: no measuring here, so it is unit-tested.
import { markdownTable } from '../shared/src/report/markdown-table.js';

/** How a value is compared with its target; 'info' rows are context and carry no verdict. */
export type Goal = { kind: 'max'; limit: number } | { kind: 'min'; limit: number } | { kind: 'info' };

export interface Figure {
  section: string;
  name: string;
  value: number | null;
  unit: string;
  goal: Goal;
  /** The target as DESIGN.md words it (or a comparison measured in the same run). */
  target: string;
  /** Why a value is missing or missed, or what it is compared with. */
  note?: string;
}

export type Verdict = 'pass' | 'miss' | 'n/a' | '';

export function verdict(f: Figure): Verdict {
  if (f.goal.kind === 'info') return '';
  if (f.value === null || !Number.isFinite(f.value)) return 'n/a';
  return (f.goal.kind === 'max' ? f.value <= f.goal.limit : f.value >= f.goal.limit) ? 'pass' : 'miss';
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** a / b, or null when either is missing or b is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return a / b;
}

/** A number with sensible precision for its size: 0.42, 3.1, 245, 1 234 567. */
export function formatValue(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs >= 100 || Number.isInteger(value) ? 0 : abs >= 10 ? 1 : 2;
  const n = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  if (unit === '×') return `${n}×`;
  return unit ? `${n} ${unit}` : n;
}

export const TABLE_HEADER = ['section', 'figure', 'measured', 'target', 'result', 'note'];

export function tableRows(figures: readonly Figure[]): string[][] {
  return figures.map((f) => [
    f.section,
    f.name,
    formatValue(f.value, f.unit),
    f.target,
    verdict(f),
    f.note ?? '',
  ]);
}

export function markdownFigures(figures: readonly Figure[]): string {
  return markdownTable(TABLE_HEADER, tableRows(figures));
}

/** Aligned plain-text columns for the terminal. */
export function textTable(figures: readonly Figure[]): string {
  const rows = [TABLE_HEADER, ...tableRows(figures)];
  const widths = TABLE_HEADER.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function tally(figures: readonly Figure[]): { pass: number; miss: number; na: number } {
  const v = figures.map(verdict);
  return {
    pass: v.filter((x) => x === 'pass').length,
    miss: v.filter((x) => x === 'miss').length,
    na: v.filter((x) => x === 'n/a').length,
  };
}
