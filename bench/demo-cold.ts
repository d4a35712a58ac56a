// The demo from a cold Docker cache: `npm run demo` as a new user runs it on a fresh machine, against a
// dockerd of its own (bench/fresh-docker.ts) that holds nothing but the base image the services build
// from (on a user's machine the official Node image, here the local stand-in CI builds: pulling it is not
// part of the demo's work either way). No build cache, no service image, no layer of an earlier run.
// The demo's own summary gives each phase's wall time, so the figure says where the minutes go.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LOCAL_BASE } from '../demo/base-image.js';
import type { Figure } from './figures.js';
import { copyImage, startFreshDocker } from './fresh-docker.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Issue 12's target: the demo from a cold Docker cache within 4 minutes on 2 cores. */
const LIMIT_SECONDS = 240;

export interface DemoColdRaw {
  skipped?: string;
  exitCode?: number;
  /** Wall seconds from spawning `npm run demo` to its exit. */
  seconds?: number;
  /** The demo's own phases and their wall seconds, from its summary table. */
  phases?: { title: string; seconds: number }[];
  tail?: string;
}

/** The demo's phases and their wall seconds, from the report.json it writes. */
async function phaseTimes(): Promise<{ title: string; seconds: number }[]> {
  const text = await readFile(path.join(ROOT, '.cendence/demo/report.json'), 'utf8').catch(() => '');
  if (!text) return [];
  const { phases } = JSON.parse(text) as { phases: { title: string; seconds: number }[] };
  return phases.map((p) => ({ title: p.title, seconds: p.seconds }));
}

export async function measureDemoCold(): Promise<DemoColdRaw> {
  let fresh: Awaited<ReturnType<typeof startFreshDocker>>;
  try {
    fresh = await startFreshDocker();
  } catch (err) {
    return { skipped: `no engine of its own: ${(err as Error).message}` };
  }
  let icc: { stop(): void } | undefined;
  try {
    await copyImage(LOCAL_BASE, fresh.host);
    icc = sameNetworkTraffic(fresh.host);
    const t = performance.now();
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'demo/main.ts'],
        {
          cwd: ROOT,
          env: { ...process.env, DOCKER_HOST: fresh.host, BASE_IMAGE: LOCAL_BASE },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      // Each line of the log carries the wall seconds since spawn at which it arrived.
      let out = '';
      let lineStart = true;
      const collect = (b: Buffer) => {
        const at = `[${((performance.now() - t) / 1000).toFixed(1).padStart(5)} s] `;
        for (const part of b.toString().split(/(?<=\n)/)) {
          if (lineStart) out += at;
          out += part;
          lineStart = part.endsWith('\n');
        }
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c ?? 1, output: out }));
    });
    // The whole output, for a look at where the time went (or why it failed).
    await writeFile(path.join(ROOT, '.cendence/demo-cold.log'), output);
    return {
      exitCode: code,
      seconds: (performance.now() - t) / 1000,
      phases: code === 0 ? await phaseTimes() : [],
      tail: code === 0 ? undefined : output.slice(-2000),
    };
  } finally {
    icc?.stop();
    await fresh.stop();
  }
}

/**
 * The engine of its own runs without iptables (it must not rewrite the shared engine's chains), but the
 * host's FORWARD policy is DROP and bridged traffic goes through iptables: containers on one of its
 * networks could not reach each other (the frontend its backends). While the demo runs, each of its
 * bridge networks gets the one rule Docker itself installs for a network — traffic within that bridge
 * accepted — and the rules go when it ends. Nothing else of the host's firewall is touched.
 */
function sameNetworkTraffic(host: string): { stop(): void } | undefined {
  const iptables = (op: '-I' | '-D', bridge: string) =>
    execFileSync('iptables', [op, 'FORWARD', '-i', bridge, '-o', bridge, '-j', 'ACCEPT'], {
      stdio: 'ignore',
    });
  try {
    execFileSync('iptables', ['-S', 'FORWARD'], { stdio: 'ignore' });
  } catch {
    return undefined; // no iptables here: nothing drops the traffic either
  }
  const bridges = new Set<string>();
  const timer = setInterval(() => {
    let ids: string[];
    try {
      ids = execFileSync('docker', [
        '-H',
        host,
        'network',
        'ls',
        '-q',
        '--no-trunc',
        '--filter',
        'driver=bridge',
      ])
        .toString()
        .split('\n')
        .filter(Boolean);
    } catch {
      return;
    }
    for (const id of ids) {
      const bridge = `br-${id.slice(0, 12)}`;
      if (bridges.has(bridge) || !existsSync(`/sys/class/net/${bridge}`)) continue;
      iptables('-I', bridge);
      bridges.add(bridge);
    }
  }, 500);
  return {
    stop() {
      clearInterval(timer);
      for (const b of bridges) {
        try {
          iptables('-D', b);
        } catch {
          // already gone
        }
      }
    },
  };
}

export function demoColdFigures(raw: DemoColdRaw): Figure[] {
  const base = { section: 'demo', unit: 's', target: `≤ ${LIMIT_SECONDS} s (4 min) on 2 cores` };
  if (raw.skipped || raw.seconds === undefined)
    return [
      {
        ...base,
        name: '`npm run demo` from a cold Docker cache',
        value: null,
        goal: { kind: 'max', limit: LIMIT_SECONDS },
        note: `not measured: ${raw.skipped}`,
      },
    ];
  const phases = (raw.phases ?? []).map((p) => `${p.title} ${p.seconds.toFixed(0)} s`).join(' · ');
  return [
    {
      ...base,
      name: '`npm run demo` from a cold Docker cache',
      value: raw.exitCode === 0 ? Math.round(raw.seconds) : null,
      goal: { kind: 'max', limit: LIMIT_SECONDS },
      note:
        raw.exitCode === 0
          ? `spawn → exit, an engine of its own holding only the base image; ${phases}`
          : `the demo failed (exit ${raw.exitCode}): ${raw.tail?.split('\n').slice(-3).join(' ')}`,
    },
  ];
}
