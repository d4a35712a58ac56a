// Bundles every action (actions/<step>/src/index.ts → actions/<step>/dist) and the CLI
// (cli/src/index.ts, which loads shared/src/cli/main.ts → cli/dist/index.js) with ncc: minified, licenses collected, byte-identical
// across rebuilds so `scripts/check-dist.sh` can fail on any drift. Type checking is `npm run typecheck`'s
// job, so ncc only transpiles (-t). Usage: node scripts/bundle.mjs [step ...]  (no args: all).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ncc = join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
const LIMIT = 1.2 * 1000 * 1000; // the action bundle target (DESIGN.md), in bytes

const wanted = process.argv.slice(2);
const targets = readdirSync(join(root, 'actions'))
  .filter((step) => existsSync(join(root, 'actions', step, 'src/index.ts')))
  .filter((step) => wanted.length === 0 || wanted.includes(step))
  .map((step) => ({
    name: `actions/${step}`,
    entry: `actions/${step}/src/index.ts`,
    out: `actions/${step}/dist`,
  }));
if (wanted.length === 0 || wanted.includes('cli')) {
  // The HCL parser (emulator --terraform) loads a wasm file next to its own sources, which a bundle cannot
  // carry: the CLI resolves it from node_modules at run time (a dependency of the package).
  targets.push({ name: 'cli', entry: 'cli/src/index.ts', out: 'cli/dist', externals: ['@cdktf/hcl2json'] });
}

// Builds into a fresh folder next to the target, then swaps it in: no stale chunk survives a rebuild, and a
// failed build never leaves a half-written dist/ behind.
function build({ entry, out, externals = [] }) {
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(join(root, tmp), { recursive: true, force: true });
  return new Promise((resolve, reject) => {
    const args = [ncc, 'build', entry, '-o', tmp, '-m', '-t', '-q', '--license', 'licenses.txt'];
    for (const e of externals) args.push('-e', e);
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code) => {
      if (code !== 0) {
        rmSync(join(root, tmp), { recursive: true, force: true });
        reject(new Error(`ncc failed for ${entry} (${code})`));
        return;
      }
      rmSync(join(root, out), { recursive: true, force: true });
      renameSync(join(root, tmp), join(root, out));
      resolve();
    });
  });
}

// Two builds at a time: ncc is CPU-bound and CI machines have 2 cores.
const queue = [...targets];
const workers = Array.from({ length: Math.min(2, availableParallelism()) }, async () => {
  for (let t = queue.shift(); t; t = queue.shift()) await build(t);
});
await Promise.all(workers);

let over = 0;
for (const t of targets) {
  const size = statSync(join(root, t.out, 'index.js')).size;
  const flag = t.name.startsWith('actions/') && size > LIMIT ? '  over the 1.2 MB target' : '';
  if (flag) over++;
  console.log(`${t.name.padEnd(22)} ${(size / 1e6).toFixed(2)} MB${flag}`);
}
if (over) console.log(`${over} action bundle(s) over the 1.2 MB target`);
