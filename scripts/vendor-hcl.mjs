// The CLI's Terraform parser, @cdktf/hcl2json, reads its wasm from its own folder at run time, so it cannot be
// inlined into cli/dist/index.js. It ships next to the bundle instead, as cli/dist/node_modules/@cdktf/hcl2json:
// its JavaScript bundled into one CommonJS file (fs-extra and the Go wasm glue included) beside main.wasm.gz,
// which Node's resolution finds from the bundle's own folder. `cendence emulator --terraform` then works
// wherever cli/dist is copied (the CLI image, a global install), with no node_modules of the clone.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

/** Writes the package into <dist>/node_modules; returns esbuild's metafile (for the licence list). */
export async function vendorHcl2json(root, dist) {
  const pkgJson = createRequire(join(root, 'package.json')).resolve('@cdktf/hcl2json/package.json');
  const src = dirname(pkgJson);
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8'));
  const out = join(dist, 'node_modules', '@cdktf', 'hcl2json');
  mkdirSync(join(out, 'lib'), { recursive: true });
  const r = await build({
    absWorkingDir: root,
    entryPoints: [join(src, pkg.main)],
    outfile: join(out, 'lib', 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Whitespace only: Node finds a CommonJS module's named exports (for `import()`) by reading the
    // `Object.defineProperty(exports, "parse", { enumerable: true, get: … })` forms, which syntax
    // minification rewrites beyond recognition.
    minifyWhitespace: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    metafile: true,
    // The Go glue falls back to require("performance") only where globalThis.performance is missing (not Node ≥ 16).
    external: ['performance'],
  });
  copyFileSync(join(src, 'main.wasm.gz'), join(out, 'main.wasm.gz'));
  const manifest = { name: pkg.name, version: pkg.version, license: pkg.license, main: 'lib/index.js' };
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return r.metafile;
}
