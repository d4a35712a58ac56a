// The emulator's own throughput and memory, for context: the emulator runs as its own process (the
// CLI, `cendence emulator`, seeded with 24 services, throttling off since its capacity is what is
// measured), driven over HTTP by the real SDK clients from two load processes (load-worker.ts) with 8
// requests in flight in all — two, because the SDK's per-call CPU cost exceeds the emulator's and one
// process would cap the load at one core.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { rollingService } from '../harness/deploy-world.js';
import { makeRepo } from '../harness/render-world.js';
import { MIXES, type Mix, type WorkerResult } from './load-worker.js';

export interface LoadFigure {
  mix: string;
  calls: number;
  errors: number;
  seconds: number;
  callsPerSecond: number;
  loadProcesses: number;
  /** Calls the emulator answers per second of its own CPU (warm-up included): its capacity per core. */
  callsPerEmulatorCpuSecond: number;
  /** Cores the emulator kept busy during the timed window (estimated from the above). */
  emulatorCpu: number;
}

export interface EmulatorFigures {
  services: number;
  /** Resident memory once seeded, before any load. */
  rssIdleMb: number;
  /** Peak resident memory (VmHWM) after the load runs. */
  rssPeakMb: number;
  loads: LoadFigure[];
}

/** User + system CPU seconds of a process so far (/proc/<pid>/stat fields 14 and 15, in ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Runs a TypeScript entry under tsx and resolves with its first stdout line matching `pattern`. */
function spawnTs(
  root: string,
  args: string[],
  pattern: RegExp,
): { child: ChildProcess; line: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const line = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench: ${args[0]} exited (${code}) before answering`)));
    lines.on('line', (l) => {
      if (pattern.test(l)) resolve(l);
    });
  });
  return { child, line };
}

async function load(
  root: string,
  url: string,
  emulatorPid: number,
  mix: Mix,
  names: string[],
  seconds: number,
  concurrency: number,
  processes: number,
): Promise<LoadFigure> {
  const cpuBefore = cpuSeconds(emulatorPid);
  const workers = Array.from({ length: processes }, () =>
    spawnTs(
      root,
      [
        path.join(root, 'bench/load-worker.ts'),
        url,
        mix,
        String(seconds),
        String(concurrency / processes),
        names.join(','),
      ],
      /^\{/,
    ),
  );
  const results = (await Promise.all(workers.map((w) => w.line))).map((l) => JSON.parse(l) as WorkerResult);
  const emulatorCpuSeconds = cpuSeconds(emulatorPid) - cpuBefore;
  const calls = results.reduce((n, r) => n + r.calls, 0);
  const all = results.reduce((n, r) => n + r.calls + r.errors + r.warmupCalls, 0);
  const elapsed = Math.max(...results.map((r) => r.seconds));
  const callsPerSecond = calls / elapsed;
  const perCpuSecond = emulatorCpuSeconds > 0 ? all / emulatorCpuSeconds : Number.NaN;
  return {
    mix: MIXES[mix],
    calls,
    errors: results.reduce((n, r) => n + r.errors, 0),
    seconds: elapsed,
    callsPerSecond,
    loadProcesses: processes,
    callsPerEmulatorCpuSecond: perCpuSecond,
    emulatorCpu: callsPerSecond / perCpuSecond,
  };
}

export async function measureEmulator(root: string, seconds = 3, concurrency = 8): Promise<EmulatorFigures> {
  const count = 24;
  const names = Array.from({ length: count }, (_, i) => `svc${String(i + 1).padStart(2, '0')}`);
  const repo = await makeRepo(names.map((n) => rollingService(n)));
  const emulator = spawnTs(
    root,
    [path.join(root, 'shared/src/cli/main.ts'), 'emulator', '--world', repo, '--no-throttling'],
    /listening on http:\/\//,
  );
  const url = (/listening on (http:\/\/\S+)/.exec(await emulator.line) as RegExpExecArray)[1];
  const pid = emulator.child.pid as number;
  try {
    const rssIdleMb = memoryMb(pid, 'VmRSS');
    const loads: LoadFigure[] = [];
    for (const mix of Object.keys(MIXES) as Mix[]) {
      loads.push(await load(root, url, pid, mix, names, seconds, concurrency, 2));
    }
    return { services: count, rssIdleMb, rssPeakMb: memoryMb(pid, 'VmHWM'), loads };
  } finally {
    emulator.child.kill('SIGTERM');
    await rm(repo, { recursive: true, force: true });
  }
}
