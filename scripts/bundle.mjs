// Bundles every action (actions/<step>/src/index.ts → actions/<step>/dist) and the CLI
// (cli/src/index.ts, which loads shared/src/cli/main.ts → cli/dist/index.js) with esbuild: ESM, minified,
// tree-shaken from the packages' ES module builds, split so that code behind a dynamic import (the rarely
// used AWS clients, the emulator in the CLI) lands in a chunk loaded on first use. Licenses of everything
// bundled are collected into dist/licenses.txt. Output is byte-identical across rebuilds, so
// `scripts/check-dist.sh` can fail on drift. Type checking is `npm run typecheck`'s job.
// Usage: node scripts/bundle.mjs [step ...]  (no args: all). `bundleOptions` is what bench/ measures.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { vendorHcl2json } from './vendor-hcl.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Bundle targets (bench/report.ts judges them): an action that may call AWS, and plan and test. */
const LIMIT_AWS = 0.9e6;
const LIMIT_SMALL = 0.5e6;
const SMALL = new Set(['plan', 'test']);

export function targets(wanted = []) {
  const list = readdirSync(join(ROOT, 'actions'))
    .filter((step) => existsSync(join(ROOT, 'actions', step, 'src/index.ts')))
    .filter((step) => wanted.length === 0 || wanted.includes(step))
    .map((step) => ({
      name: `actions/${step}`,
      step,
      entry: `actions/${step}/src/index.ts`,
      out: `actions/${step}/dist`,
    }));
  if (wanted.length === 0 || wanted.includes('cli'))
    list.push({ name: 'cli', entry: 'cli/src/index.ts', out: 'cli/dist' });
  return list;
}

// @actions/core imports its OIDC client (→ @actions/http-client → undici) and @actions/exec at the top of
// its entry; we use neither (shared/src/aws/credentials.ts fetches the token itself). Declaring those
// modules free of side effects lets the unused imports be dropped instead of shipping ~0.4 MB.
const dropUnusedActionsModules = {
  name: 'actions-side-effect-free',
  setup(b) {
    b.onResolve(
      { filter: /^@actions\/(http-client|exec|io)(\/|$)|[\\/]oidc-utils\.js$|[\\/]platform\.js$/ },
      async (args) => {
        if (args.pluginData?.skip) return undefined;
        const r = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: { skip: true },
        });
        if (r.errors.length > 0) return { errors: r.errors };
        if (!args.path.startsWith('@actions/') && !/[\\/]@actions[\\/]core[\\/]/.test(args.importer))
          return r;
        return { ...r, sideEffects: false };
      },
    );
  },
};

// Node builtins are loaded with require(), never as ES modules: importing one as an ES module makes node
// build a facade that reads every export, lazy getters included. On Node 24 the facade of node:http thereby
// loads undici for its WebSocket/fetch getters (~40 ms of CPU at start; the SDK's HTTP handler imports
// node:http and node:https). A static import becomes a CommonJS stand-in module whose named imports esbuild
// reads as properties where they are used, as CommonJS code does; a dynamic import() of a builtin in a
// JavaScript file (the SDK's) becomes a require() wrapped in a promise of a namespace-like object (not a
// chunk of its own: a file to read would let other chunks' compilation run ahead of the request waiting).
const BUILTINS = new Set(builtinModules);
const isBuiltin = (name) => BUILTINS.has(name.replace(/^node:/, ''));
const DYNAMIC_BUILTIN = /\bimport\(\s*(["'])((?:node:)?[a-z_0-9/]+)\1\s*\)/g;
export const builtinsViaRequire = {
  name: 'builtins-via-require',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_0-9/]+$/ }, (args) => {
      if (!isBuiltin(args.path) || args.namespace === 'builtin-require') return undefined;
      // An import() the rewrite below did not reach (TypeScript sources) stays one: its named exports.
      if (args.kind === 'dynamic-import') return { path: args.path, external: true };
      return { path: args.path.replace(/^node:/, ''), namespace: 'builtin-require' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
      loader: 'js',
    }));
    b.onLoad({ filter: /\.[cm]?js$/, namespace: 'file' }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import(')) return undefined;
      let changed = false;
      const contents = source.replace(DYNAMIC_BUILTIN, (call, _q, name) => {
        if (!isBuiltin(name)) return call;
        changed = true;
        const id = JSON.stringify(`node:${name.replace(/^node:/, '')}`);
        return `Promise.resolve().then(() => { const m = require(${id}); return Object.assign(Object.create(m), { default: m }); })`;
      });
      return changed ? { contents, loader: 'js' } : undefined;
    });
  },
};

// sigstore's signing client fetches through make-fetch-happen, which carries the npm HTTP cache, proxy
// agents and charset converters (~0.7 MB of the push bundle); what the client uses of it is a fetch with a
// timeout, which Node has built in. The sigstore entry also loads the verifier's TUF client, which signing
// never uses. Both are replaced by small files in scripts/shims/ (their headers say what they keep).
const SHIMS = {
  'make-fetch-happen': join(ROOT, 'scripts/shims/make-fetch-happen.mjs'),
  sigstore: join(ROOT, 'scripts/shims/sigstore.mjs'),
  // yaml's ES module build (the same code as its CommonJS one, which esbuild picks for node and cannot
  // tree-shake): 18 kB less at every action's start. It warns through console.warn instead of emitWarning.
  yaml: join(ROOT, 'node_modules/yaml/browser/index.js'),
};

// The AWS clients AwsClients loads on first use (shared/src/aws/sdk-<name>.ts), and how code calls them.
const LAZY_CLIENTS = ['ecr', 'codedeploy', 'elbv2', 'logs', 'iam', 'sts'];
const callsClient = (name, source) => new RegExp(`\\.${name}\\s*\\.send\\(`).test(source);

/**
 * The lazily loaded AWS clients no source of this bundle ever calls (`<x>.<client>.send(`): their SDK
 * chunks would ship unused (~0.13 MB in push), so they are left out; loading one anyway fails loudly.
 */
async function unusedClients(t) {
  const r = await build({ ...baseOptions(t, join(ROOT, t.out)), write: false, metafile: true });
  const sources = Object.keys(r.metafile.inputs)
    .filter((f) => /^(shared|actions|cli)\//.test(f) && !/\/aws\/(clients|sdk-[a-z0-9]+)\.ts$/.test(f))
    .map((f) => readFileSync(join(ROOT, f), 'utf8'));
  return LAZY_CLIENTS.filter((c) => !sources.some((s) => callsClient(c, s)));
}

function leaveOut(clients) {
  const filter = new RegExp(`^\\./sdk-(${clients.join('|')})\\.js$`);
  return {
    name: 'unused-aws-clients',
    setup(b) {
      if (clients.length === 0) return;
      b.onResolve({ filter }, (args) =>
        /[\\/]aws[\\/]clients\.ts$/.test(args.importer)
          ? { path: args.path.slice(2), namespace: 'unused-client' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'unused-client' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path}: this bundle was built without this AWS client, as none of its code calls it`)});`,
        loader: 'js',
      }));
    },
  };
}

/** esbuild options of a target; the CLI keeps every client, an action only those its code calls. */
export async function bundleOptions(t, outdir) {
  const base = baseOptions(t, outdir);
  if (!t.step) return base;
  return { ...base, plugins: [...base.plugins, leaveOut(await unusedClients(t))] };
}

function baseOptions(t, outdir) {
  return {
    absWorkingDir: ROOT,
    entryPoints: { index: t.entry },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    splitting: true,
    minify: true,
    treeShaking: true,
    // ES module builds first: they tree-shake; CommonJS builds never do.
    mainFields: ['module', 'main'],
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    // CommonJS packages inside an ES module bundle still call require() for node builtins.
    banner: {
      js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
    },
    plugins: [dropUnusedActionsModules, builtinsViaRequire],
    alias: SHIMS,
    // The HCL parser (the emulator's Terraform world, CLI only, loaded on demand) reads its wasm from its
    // own folder: it stays a package import, shipped beside the CLI bundle (vendor-hcl.mjs).
    // The SBOM library's optional JSON/XML validators and XML writer: it probes for them at run time
    // and works without them (we write JSON only), so they stay out of the bundle.
    external: ['@cdktf/hcl2json', 'ajv', 'ajv-formats', 'ajv-formats-draft2019', 'xmlbuilder2', 'libxmljs2'],
  };
}

/** The packages (name@version, license, license text) whose code is in a bundle, from its metafile. */
export function bundledPackages(metafile) {
  const seen = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!m) continue;
    const dir = join(ROOT, input.slice(0, m.index + m[0].length));
    if (seen.has(dir)) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    seen.set(dir, {
      name: pkg.name ?? m[1],
      version: pkg.version,
      license: typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'UNKNOWN'),
      text: file ? readFileSync(join(dir, file), 'utf8').trim() : '',
    });
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function licenses(metafile) {
  return `${bundledPackages(metafile)
    .map((p) => `${p.name}@${p.version}\n${p.license}${p.text ? `\n${p.text}` : ''}`)
    .join('\n\n')}\n`;
}

// Builds into a fresh folder next to the target, then swaps it in: no stale chunk survives a rebuild, and a
// failed build never leaves a half-written dist/ behind.
async function bundle(t) {
  const tmp = join(ROOT, `${t.out}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const r = await build({ ...(await bundleOptions(t, tmp)), metafile: true });
    writeFileSync(join(tmp, 'package.json'), '{\n  "type": "module"\n}\n');
    // The CLI carries the Terraform parser it imports (an external: it reads its wasm from its folder).
    const hcl = t.step ? { inputs: {} } : await vendorHcl2json(ROOT, tmp);
    writeFileSync(join(tmp, 'licenses.txt'), licenses({ inputs: { ...r.metafile.inputs, ...hcl.inputs } }));
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  rmSync(join(ROOT, t.out), { recursive: true, force: true });
  renameSync(tmp, join(ROOT, t.out));
}

/** Bytes of every .js file of a dist/ folder: what ships. */
function distBytes(dir) {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

async function main() {
  const list = targets(process.argv.slice(2));
  for (const t of list) await bundle(t);
  let over = 0;
  for (const t of list) {
    const size = distBytes(join(ROOT, t.out));
    const limit = t.step ? (SMALL.has(t.step) ? LIMIT_SMALL : LIMIT_AWS) : Number.POSITIVE_INFINITY;
    const flag = size > limit ? `  over the ${limit / 1e6} MB target` : '';
    if (flag) over++;
    console.log(`${t.name.padEnd(22)} ${(size / 1e6).toFixed(2)} MB${flag}`);
  }
  if (over) console.log(`${over} bundle(s) over their target`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
