// The registry layer cache on a fresh runner: a real service (auth, with services/common and the
// toolchain) built cold on an engine of its own (bench/fresh-docker.ts) with the cache exported to the
// emulator's ECR; then that engine is wiped (no local image, no build cache: a new CI runner), one code
// line of auth changes, and the build runs again with only the registry cache. Both times come from the
// build step's record. Three pairs (new registry, wiped engine each), the median pair reported: single
// rounds move with the machine's other load and with the npm registry's speed during the cold npm ci.
import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startEmulator } from '../emulator/src/index.js';
import {
  CapturingRunner,
  createCacheRepository,
  dockerStatus,
  makeFixture,
  runStep,
  summaryFile,
} from '../harness/build-push.js';
import type { BuildRecord } from '../shared/src/image/build.js';
import { DockerEngine } from '../shared/src/image/docker.js';
import { buildStep } from '../shared/src/steps/build.js';
import { copyImage, startFreshDocker } from './fresh-docker.js';

const BASE = process.env.CENDENCE_BASE_IMAGE ?? 'cendence/base:node20';
const SERVICE = 'auth';
/** Cold + cached pairs, each on a wiped engine and a new registry; the median pair is reported. */
const PAIRS = Number(process.env.CACHE_BENCH_PAIRS ?? 3);

/** A capturing runner whose debug lines (the engine's output) carry the seconds since it was made. */
class TimedRunner extends CapturingRunner {
  private readonly t0 = performance.now();
  override debug(message: string): void {
    super.debug(`${((performance.now() - this.t0) / 1000).toFixed(2)} ${message}`);
  }
}

export interface CacheRound {
  label: string;
  /** Build step record: total seconds, of which the cache export. */
  seconds: number;
  exportSeconds: number;
  hits: number;
  misses: number;
  /** Instructions that ran (not from the cache). */
  ran: string[];
  /** Seconds each `npm ci` that ran took (BuildKit's own step times; they may overlap). */
  npmCiSeconds: number[];
}

/** The durations BuildKit printed for the RUN steps that call npm ci ("#12 [deps 5/5] RUN npm ci …", "#12 DONE 3.1s"). */
function npmCiSeconds(output: string): number[] {
  const ids = new Set([...output.matchAll(/#(\d+) \[[^\]]*\] RUN .*\bnpm ci\b/g)].map((m) => m[1]));
  return [...ids].flatMap((id) => {
    const done = new RegExp(`#${id} DONE ([\\d.]+)s`).exec(output);
    return done ? [Number(done[1])] : [];
  });
}

/**
 * The least any BuildKit build costs on the empty engine: FROM the base image, COPY one file, RUN one
 * command — nothing to fetch, nothing to install. A rebuild that compiles pays at least this.
 */
async function floorSeconds(host: string): Promise<number> {
  const env = { ...process.env, DOCKER_HOST: host };
  const client = await new DockerEngine(env).buildClient();
  const dir = await mkdtemp(path.join(tmpdir(), 'cendence-floor-'));
  try {
    await writeFile(path.join(dir, 'stamp'), `${Date.now()}\n`);
    await writeFile(path.join(dir, 'Dockerfile'), `FROM ${BASE}\nCOPY stamp /stamp\nRUN cat /stamp\n`);
    const t0 = performance.now();
    await promisify(execFile)(client.tool, ['build', '--network', 'host', '--progress', 'plain', dir], {
      env: { ...env, DOCKER_BUILDKIT: client.buildkit ? '1' : '0' },
    });
    return (performance.now() - t0) / 1000;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export type CacheFigures =
  | {
      /** The pair whose ratio is the median of the run. */
      cold: CacheRound;
      cached: CacheRound;
      /** Median of the floor builds (one per pair, on the empty engine before its cold build). */
      floorSeconds: number;
      /** cached / cold of every pair, in the order they ran. */
      ratios: number[];
      npmCiReran: boolean;
    }
  | { skipped: string };

function round(label: string, r: BuildRecord, output: string): CacheRound {
  const exportSeconds = r.cacheExportSeconds ?? 0;
  // The build's own output ends where the cache export (which builds stages again) begins.
  const built = output.slice(0, output.search(/^.*exporting cache/m) + 1 || undefined);
  return {
    npmCiSeconds: npmCiSeconds(built),
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
  const f = await makeFixture([]);
  const pairs: { cold: CacheRound; cached: CacheRound; floor: number }[] = [];
  try {
    const services = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'services');
    for (const dir of [SERVICE, 'common', 'toolchain']) {
      await cp(path.join(services, dir), path.join(f.repo, 'services', dir), {
        recursive: true,
        filter: (src) => !/[\\/](node_modules|dist|coverage)([\\/]|$)/.test(src),
      });
    }
    f.commit('auth, common and the toolchain');
    // The repository the manifest names (Terraform's transcendence/auth), where the cache lives too.
    const manifest = await readFile(path.join(f.repo, 'services', SERVICE, 'service.yml'), 'utf8');
    const repository = /^repository:\s*(\S+)/m.exec(manifest)?.[1] ?? SERVICE;
    const server = path.join(f.repo, 'services', SERVICE, 'src', 'server.ts');
    const original = await readFile(server, 'utf8');
    // A code line, not a comment: a compiler drops comments, and the image must really change.
    const changed = original.replace("log.info('store selected'", "log.info('store chosen'");
    if (changed === original) throw new Error(`bench: the line to change is no longer in ${server}`);
    f.env.DOCKER_HOST = fresh.host;
    let n = 0;
    for (let pair = 0; pair < PAIRS; pair++) {
      // Each pair starts from nothing: a new registry (no cache) and an empty engine with the base image.
      const emu = await startEmulator({ region: 'eu-west-3' });
      try {
        await createCacheRepository(emu.url, repository);
        const inputs = {
          endpoint: emu.url,
          network: 'host',
          'build-args': `BASE_IMAGE=${BASE}`,
          services: SERVICE,
        };
        const build = async () => {
          const { outputs, runner } = await runStep(buildStep, inputs, f, new TimedRunner(summaryFile(f)));
          // CACHE_BENCH_LOG=<dir>: the engine's own output of each round, each line with the seconds
          // since the step started, for finding where the time goes.
          if (process.env.CACHE_BENCH_LOG)
            await writeFile(path.join(process.env.CACHE_BENCH_LOG, `build-${++n}.log`), runner.output);
          return { record: JSON.parse(outputs.builds)[SERVICE] as BuildRecord, output: runner.output };
        };
        if (pair > 0) {
          await writeFile(server, original);
          f.commit('back to the original line');
          await fresh.wipe();
        }
        await copyImage(BASE, fresh.host);
        const floor = await floorSeconds(fresh.host);
        const first = await build();
        // A new runner: nothing local but the base image; the cache is in the registry.
        await fresh.wipe();
        await copyImage(BASE, fresh.host);
        await writeFile(server, changed);
        f.commit('one line');
        const second = await build();
        if (second.record.imageId === first.record.imageId)
          throw new Error('bench: the one-line change left the image as it was; nothing was rebuilt');
        pairs.push({
          cold: round('cold (empty engine, no cache)', first.record, first.output),
          cached: round('one-line change, fresh engine, registry cache', second.record, second.output),
          floor,
        });
      } finally {
        await emu.stop();
      }
    }
  } finally {
    await fresh.stop();
    await rm(f.repo, { recursive: true, force: true });
    await rm(f.shimDir, { recursive: true, force: true });
  }
  // The pair with the median ratio stands for the run (the machine's other load moves single rounds).
  const ratio = (p: (typeof pairs)[number]) => p.cached.seconds / p.cold.seconds;
  const sorted = [...pairs].sort((a, b) => ratio(a) - ratio(b));
  const { cold, cached } = sorted[Math.floor((sorted.length - 1) / 2)];
  const floors = pairs.map((p) => p.floor).sort((a, b) => a - b);
  return {
    cold,
    cached,
    floorSeconds: floors[Math.floor((floors.length - 1) / 2)],
    ratios: pairs.map(ratio),
    npmCiReran: pairs.some((p) => p.cached.ran.some((r) => /npm ci/.test(r))),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  measureBuildCache().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
