// A semantic, path-based diff: both sides are normalised first (normalize.ts), so only changes ECS would
// act on show up, and each change is one readable line: `~ containerDefinitions.web.image: "a" → "b"`.
import { isRecord } from './shape.js';

export interface Change {
  /** Dotted path; keys that are not plain identifiers are quoted: `environment."a.b"`. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

/** Every difference between two normalised values, depth first, in key order. */
export function diffValues(before: unknown, after: unknown, path = ''): Change[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      const p = join(path, k);
      if (!(k in after)) return [{ path: p, kind: 'removed' as const, before: before[k] }];
      if (!(k in before)) return [{ path: p, kind: 'added' as const, after: after[k] }];
      return diffValues(before[k], after[k], p);
    });
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => diffValues(b, after[i], `${path}[${i}]`));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || '(root)', kind: 'changed', before, after }];
}

function join(path: string, key: string): string {
  const k = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return path ? `${path}.${k}` : k;
}

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

/** One line per change; long values are shortened so a log line stays a line. */
export function formatChanges(changes: Change[], maxValue = 160): string[] {
  const show = (v: unknown) => {
    const s = JSON.stringify(v) ?? 'undefined';
    return s.length > maxValue ? `${s.slice(0, maxValue - 1)}…` : s;
  };
  return changes.map((c) => {
    if (c.kind === 'added') return `${SIGN.added} ${c.path}: ${show(c.after)}`;
    if (c.kind === 'removed') return `${SIGN.removed} ${c.path}: ${show(c.before)}`;
    return `${SIGN.changed} ${c.path}: ${show(c.before)} → ${show(c.after)}`;
  });
}
