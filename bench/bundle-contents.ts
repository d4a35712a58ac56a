// What each action bundle is made of, measured: the bundle is rebuilt in memory with the options of
// scripts/bundle.mjs and esbuild's metafile, and the bytes each package (or our own folder) contributes
// to the output are summed. Entry bytes are what node loads before the action's first line runs; chunks
// behind a dynamic import are loaded on first use.
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
// @ts-expect-error: a plain .mjs script without types
import { bundleOptions, targets } from '../scripts/bundle.mjs';

export interface Contributor {
  /** An npm package name, or a folder of ours (shared/src/deploy, emulator/src, …). */
  name: string;
  bytes: number;
}

export interface BundleContents {
  action: string;
  /** index.js and the chunks it imports statically: loaded at start. */
  entryBytes: number;
  /** Every file of dist/ except licenses.txt: what ships. */
  totalBytes: number;
  /** Largest first, of the whole bundle. */
  contributors: Contributor[];
  /** Contributors that are only in chunks loaded on first use. */
  lazy: string[];
}

function owner(input: string): string {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) return m[1];
  const parts = input.split('/');
  return parts.slice(0, parts[0] === 'shared' ? 3 : 2).join('/');
}

/** The entry file and the chunks it imports statically: what node loads before the first line runs. */
function loadedAtStart(metafile: Metafile): Set<string> {
  const entry = Object.keys(metafile.outputs).find((f) => path.basename(f) === 'index.js');
  const seen = new Set<string>();
  const visit = (f: string | undefined) => {
    if (!f || seen.has(f) || !metafile.outputs[f]) return;
    seen.add(f);
    for (const i of metafile.outputs[f].imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  return seen;
}

export function contentsOf(action: string, metafile: Metafile): BundleContents {
  const atStart = loadedAtStart(metafile);
  const by = new Map<string, { bytes: number; atStart: boolean }>();
  let entryBytes = 0;
  let totalBytes = 0;
  for (const [file, out] of Object.entries(metafile.outputs)) {
    totalBytes += out.bytes;
    if (atStart.has(file)) entryBytes += out.bytes;
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      const o = owner(input);
      const cur = by.get(o) ?? { bytes: 0, atStart: false };
      cur.bytes += bytesInOutput;
      cur.atStart ||= atStart.has(file) && bytesInOutput > 0;
      by.set(o, cur);
    }
  }
  const contributors = [...by.entries()]
    .map(([name, v]) => ({ name, bytes: v.bytes }))
    .filter((c) => c.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  const lazy = [...by.entries()].filter(([, v]) => !v.atStart && v.bytes > 0).map(([n]) => n);
  return { action, entryBytes, totalBytes, contributors, lazy };
}

/** Every action's contents, each bundle rebuilt in memory (nothing written). */
export async function measureBundleContents(): Promise<BundleContents[]> {
  const out: BundleContents[] = [];
  for (const t of targets() as { name: string; step?: string; entry: string; out: string }[]) {
    if (!t.step) continue;
    const r = await build({ ...(await bundleOptions(t, t.out)), write: false, metafile: true });
    out.push(contentsOf(t.step, r.metafile as Metafile));
  }
  return out;
}

/** "zod 120 kB, @smithy/core 80 kB, …": the top `n` contributors of one bundle. */
export function topLine(c: BundleContents, n = 6): string {
  return c.contributors
    .slice(0, n)
    .map(
      (x) => `${x.name} ${Math.round(x.bytes / 1000)} kB${c.lazy.includes(x.name) ? ' (on first use)' : ''}`,
    )
    .join(', ');
}
