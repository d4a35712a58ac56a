// The demo's broken release, made the way a bad release is made: a commit whose game server throws as it
// starts. The services' sources are copied to a scratch tree (without node_modules and dist), the one
// line is added there, and the build step builds that tree: the repository itself is never touched, and
// the crash, its exit code and its stack trace come from the real container.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The line the broken commit adds at the top of services/game/src/server.ts. */
export const BROKEN_LINE =
  'throw new TypeError(\'Cannot read properties of undefined (reading "paddle")\'); // the broken release';

/** A scratch root holding services/ with the broken game server; the caller removes it. */
export async function brokenGameTree(root: string): Promise<string> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'cendence-demo-broken-'));
  await cp(path.join(root, 'services'), path.join(scratch, 'services'), {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|dist)$/.test(src),
  });
  const server = path.join(scratch, 'services', 'game', 'src', 'server.ts');
  const source = await readFile(server, 'utf8');
  // After the imports (ES modules hoist them anyway): the module throws as soon as it is evaluated.
  await writeFile(server, `${source.trimEnd()}\n${BROKEN_LINE}\n`);
  return scratch;
}
