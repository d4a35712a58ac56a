// The demo's broken releases, made the way a bad release is made: a commit that breaks one service. The
// services' sources are copied to a scratch tree (without node_modules and dist), the change is made
// there, and the build step builds that tree: the repository itself is never touched, and the crash,
// its exit code and its stack trace (or the failing answers) come from the real container.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The line the broken commit adds at the top of services/game/src/server.ts. */
export const BROKEN_LINE =
  'throw new TypeError(\'Cannot read properties of undefined (reading "paddle")\'); // the broken release';

/** A scratch root holding a copy of services/; `edit` changes it. The caller removes it. */
async function scratchServices(root: string, edit: (services: string) => Promise<void>): Promise<string> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'cendence-demo-broken-'));
  const services = path.join(scratch, 'services');
  await cp(path.join(root, 'services'), services, {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|dist)$/.test(src),
  });
  await edit(services);
  return scratch;
}

/** Replaces `from` in a file, loudly when it is not there (a canary that is not broken proves nothing). */
async function replaceIn(file: string, from: string, to: string): Promise<void> {
  const source = await readFile(file, 'utf8');
  if (!source.includes(from)) throw new Error(`${file} no longer contains the line the demo breaks`);
  await writeFile(file, source.replace(from, to));
}

/** The game server throws as soon as its module is evaluated: the task crashes on start. */
export function brokenGameTree(root: string): Promise<string> {
  return scratchServices(root, async (services) => {
    const server = path.join(services, 'game', 'src', 'server.ts');
    const source = await readFile(server, 'utf8');
    // After the imports (ES modules hoist them anyway): the module throws as soon as it is evaluated.
    await writeFile(server, `${source.trimEnd()}\n${BROKEN_LINE}\n`);
  });
}

/** The line the broken canary puts in the frontend: every page answers 500, while /health stays ok. */
const BROKEN_PAGES =
  "fallback: (req, res) => (proxy(req, res) ? undefined : void res.writeHead(500).end('the broken release')),";

export interface CanarySettings {
  /** The blueGreen section of the frontend's deploy settings (target groups, rules, role, port). */
  blueGreen: Record<string, unknown>;
  canaryPercent: number;
  canaryBakeMinutes: number;
}

/**
 * A frontend whose pages fail while its health check passes, so only the clients see it; released as a
 * canary: its manifest asks for strategy canary, with the target groups and rules terraform provisioned.
 */
export function brokenCanaryTree(root: string, canary: CanarySettings): Promise<string> {
  return scratchServices(root, async (services) => {
    await replaceIn(
      path.join(services, 'frontend', 'src', 'app.ts'),
      'fallback: (req, res) => (proxy(req, res) ? undefined : files(req, res)),',
      BROKEN_PAGES,
    );
    const blueGreen = {
      ...canary.blueGreen,
      canaryPercent: canary.canaryPercent,
      canaryBakeMinutes: canary.canaryBakeMinutes,
    };
    const yaml = Object.entries(blueGreen)
      .map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)
      .join('\n');
    await replaceIn(
      path.join(services, 'frontend', 'service.yml'),
      '  strategy: blue-green\n',
      `  strategy: canary\n  blueGreen:\n${yaml}\n`,
    );
  });
}
