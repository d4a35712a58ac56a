// Layering as a check (docs/DESIGN.md "Layers"): doors → steps → domain → ports, never upwards; no cycle
// between the folders of the core; and shipped code never reaches into emulator/, test/, harness/,
// bench/ or proof/ (the CLI's `emulator` command is the one door that loads the emulator, on demand, and no action
// bundle can reach it). Type-only imports count: they are dependencies too.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

const ROOT = path.resolve(import.meta.dirname, '..');

const LAYERS = ['doors', 'steps', 'domain', 'ports'] as const;
type Layer = (typeof LAYERS)[number];

/** Folder (or file) of shared/src → its layer. */
const LAYER_OF: Record<string, Layer> = {
  cli: 'doors',
  runner: 'doors', // the adapters; runner/types.ts is a port (below)
  steps: 'steps',
  deploy: 'domain',
  image: 'domain',
  registry: 'domain',
  taskdef: 'domain',
  'run-task': 'domain',
  verify: 'domain',
  changes: 'domain',
  terraform: 'domain',
  aws: 'ports',
  manifest: 'ports',
  report: 'ports',
  'errors.ts': 'ports',
  'version.ts': 'ports',
  'paths.ts': 'ports',
  'strict-json.ts': 'ports',
};
/** Files of a door folder that are ports: the runner interface, and the text neutralising every adapter uses. */
const PORT_FILES = new Set(['shared/src/runner/types.ts', 'shared/src/runner/untrusted.ts']);

interface Edge {
  from: string;
  to: string;
  dynamic: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.posix.join(dir, f.split(path.sep).join('/')));
}

/** Shipped sources: the shared core and the doors' entries. */
function shippedFiles(): string[] {
  const actions = readdirSync(path.join(ROOT, 'actions'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => sourceFiles(`actions/${d.name}/src`).filter(() => true));
  return [...sourceFiles('shared/src'), ...actions, ...sourceFiles('cli/src')];
}

function imports(file: string): Edge[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const out: Edge[] = [];
  const add = (spec: string, dynamic: boolean) => {
    if (!spec.startsWith('.')) return;
    const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
    out.push({ from: file, to, dynamic });
  };
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?\sfrom\s+'([^']+)'/gm)) add(m[1], false);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) add(m[1], false);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) add(m[1], true);
  return out;
}

function layerOf(file: string): Layer | 'outside' | 'door-entry' {
  if (PORT_FILES.has(file)) return 'ports';
  if (file.startsWith('actions/') || file.startsWith('cli/src/')) return 'door-entry';
  if (!file.startsWith('shared/src/')) return 'outside';
  const top = file.slice('shared/src/'.length).split('/')[0];
  const layer = LAYER_OF[top];
  if (!layer) throw new Error(`${file}: no layer for shared/src/${top}; add it to LAYER_OF`);
  return layer;
}

/** shared/src/<folder> (or the file at shared/src's top); a port file inside a door folder stands alone. */
function folderOf(file: string): string {
  if (PORT_FILES.has(file)) return file;
  return file.split('/').slice(0, 3).join('/');
}

const edges = shippedFiles().flatMap(imports);

describe('layering', () => {
  it('every import goes down the layers or stays in its own', () => {
    const rank = (l: Layer) => LAYERS.indexOf(l);
    const upward = edges
      .filter((e) => {
        const a = layerOf(e.from);
        const b = layerOf(e.to);
        if (a === 'door-entry' || b === 'outside' || b === 'door-entry') return false;
        if (a === 'outside') return false;
        return rank(b) < rank(a);
      })
      .map((e) => `${e.from} (${layerOf(e.from)}) → ${e.to} (${layerOf(e.to)})`);
    expect(upward).toEqual([]);
  });

  it('no cycle between the folders of shared/src', () => {
    const graph = new Map<string, Set<string>>();
    for (const e of edges) {
      if (!e.from.startsWith('shared/src/') || !e.to.startsWith('shared/src/')) continue;
      const a = folderOf(e.from);
      const b = folderOf(e.to);
      if (a === b) continue;
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)?.add(b);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (n: string) => {
      state.set(n, 'open');
      stack.push(n);
      for (const m of graph.get(n) ?? []) {
        if (state.get(m) === 'open') cycles.push([...stack.slice(stack.indexOf(m)), m].join(' → '));
        else if (!state.has(m)) visit(m);
      }
      stack.pop();
      state.set(n, 'done');
    };
    for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
    expect(cycles).toEqual([]);
  });

  it('shipped code never imports test/, harness/, bench/ or proof/, and only the CLI emulator command loads emulator/', () => {
    const outside = edges
      .filter((e) => /^(test|harness|bench|proof|emulator|demo)\//.test(e.to))
      .filter(
        (e) =>
          !(e.from === 'shared/src/cli/commands/emulator.ts' && e.dynamic && e.to.startsWith('emulator/')),
      )
      .map((e) => `${e.from} → ${e.to}`);
    expect(outside).toEqual([]);
  });

  it('no action entry can reach emulator/ through any import', () => {
    const next = new Map<string, string[]>();
    for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    for (const entry of shippedFiles().filter((f) => /^actions\/[^/]+\/src\/index\.ts$/.test(f))) {
      const seen = new Set<string>();
      const todo = [entry];
      while (todo.length) {
        const f = todo.pop() as string;
        if (seen.has(f)) continue;
        seen.add(f);
        todo.push(...(next.get(f) ?? []));
      }
      expect([entry, [...seen].filter((f) => !/^(shared|actions)\//.test(f))]).toEqual([entry, []]);
    }
  });
});
