// Jest's TypeScript transform: esbuild strips the types, file by file (tsconfig.json already demands
// isolatedModules, so no file needs another to compile). Type checking is `npm run typecheck`'s job.
// ts-jest's per-file TypeScript transpile cost ~15x esbuild's for the same files, paid again on every
// clean checkout (CI) before a single test runs.
import { createHash } from 'node:crypto';
import { transformSync, version } from 'esbuild';

export default {
  process(source, file, options) {
    const { code } = transformSync(source, {
      loader: 'ts',
      format: options.supportsStaticESM ? 'esm' : 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      sourcefile: file,
    });
    return { code };
  },
  getCacheKey(source, file, options) {
    return createHash('sha256')
      .update(`${version}\0${options.supportsStaticESM}\0${file}\0`)
      .update(source)
      .digest('hex');
  },
};
