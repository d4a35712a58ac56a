// The registry layer cache on a fresh runner: a real service (auth, with services/common) built cold on
// an engine of its own (bench/fresh-docker.ts) with the cache exported to the emulator's ECR; then that
// engine is wiped (no local image, no build cache: a new CI runner), one line of auth's code changes,
// and the build runs again with only the registry cache. Both times come from the build step's record.
import { execFileSync } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../emulator/src/index.js';
import { createCacheRepository, dockerStatus, makeFixture, runStep } from '../harness/build-push.js';
import type { BuildRecord } from '../shared/src/image/build.js';
import { buildStep } from '../shared/src/steps/build.js';
import { copyImage, startFreshDocker } from './fresh-docker.js';

const BASE = process.env.CENDENCE_BASE_IMAGE ?? 'cendence/base:node20';
const SERVICE = 'auth';

export interface CacheRound {
  label: string;
  /** Build step record: total seconds, of which the cache export. */
  seconds: number;
  exportSeconds: number;
  hits: number;
  misses: number;
  /** Instructions that ran (not from the cache). */
  ran: string[];
}

export type CacheFigures =
  | { cold: CacheRound; cached: CacheRound; npmCiReran: boolean }
  | { skipped: string };

function round(label: string, r: BuildRecord): CacheRound {
  const exportSeconds = r.cacheExportSeconds ?? 0;
  return {
    label,
    seconds: r.seconds - exportSeconds,
    exportSeconds,
    hits: r.cache?.hits ?? 0,
    misses: r.cache?.misses ?? 0,
    ran: r.cache?.ran ?? [],
  };
}

export async function measureBuildCache(): Promise<CacheFigures> {
  const docker = dockerStatus();
  if (!docker.ok) return { skipped: docker.reason ?? 'docker is not available' };
  try {
    execFileSync('docker', ['image', 'inspect', BASE], { stdio: 'ignore' });
  } catch {
    return { skipped: `base image ${BASE} is missing (run .ci/base-image.sh)` };
  }
  let fresh: Awaited<ReturnType<typeof startFreshDocker>>;
  try {
    fresh = await startFreshDocker();
  } catch (err) {
    return { skipped: `no engine of its own could start: ${(err as Error).message.split('\n')[0]}` };
  }
  const emu = await startEmulator({ region: 'eu-west-3' });
  const f = await makeFixture([]);
  try {
    const services = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'services');
    for (const dir of [SERVICE, 'common']) {
      await cp(path.join(services, dir), path.join(f.repo, 'services', dir), {
        recursive: true,
        filter: (src) => !/[\\/](node_modules|dist|coverage)([\\/]|$)/.test(src),
      });
    }
    f.commit('auth and common');
    // The repository the manifest names (Terraform's transcendence/auth), where the cache lives too.
    const manifest = await readFile(path.join(f.repo, 'services', SERVICE, 'service.yml'), 'utf8');
    await createCacheRepository(emu.url, /^repository:\s*(\S+)/m.exec(manifest)?.[1] ?? SERVICE);
    f.env.DOCKER_HOST = fresh.host;
    const inputs = {
      endpoint: emu.url,
      network: 'host',
      'build-args': `BASE_IMAGE=${BASE}`,
      services: SERVICE,
    };
    const build = async () =>
      JSON.parse((await runStep(buildStep, inputs, f)).outputs.builds)[SERVICE] as BuildRecord;

    await copyImage(BASE, fresh.host);
    const cold = round('cold (empty engine, no cache)', await build());

    // A new runner: nothing local but the base image; the cache is in the registry.
    await fresh.wipe();
    await copyImage(BASE, fresh.host);
    const server = path.join(f.repo, 'services', SERVICE, 'src', 'server.ts');
    await writeFile(server, `${await readFile(server, 'utf8')}\n// one-line change for the cache bench\n`);
    f.commit('one line');
    const cached = round('one-line change, fresh engine, registry cache', await build());
    return { cold, cached, npmCiReran: cached.ran.some((r) => /npm ci/.test(r)) };
  } finally {
    await emu.stop();
    await fresh.stop();
    await rm(f.repo, { recursive: true, force: true });
    await rm(f.shimDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  measureBuildCache().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
